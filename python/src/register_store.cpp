// Bindings of the store operations (src/cairn/remote/store_ops.h) as module functions
// store_*; python/cairn/store.py wraps them in cairn.Store. Every call takes the store
// context (endpoint_url, profile, cwd) explicitly, runs with the GIL released, and returns
// plain data: str, int, bool, None, lists and dicts (mtime as integer nanoseconds).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "cairn/remote/store_ops.h"

namespace cairn::python {

namespace {

using remote::StoreContext;

StoreContext context(const std::string& endpoint_url, const std::string& profile, const std::string& cwd) {
  StoreContext c;
  c.endpoint_url = endpoint_url;
  c.profile = profile;
  c.cwd = cwd;
  return c;
}

py::dict to_py(const remote::StoreObject& o) {
  py::dict d;
  d["name"] = o.name;
  d["url"] = o.url;
  d["type"] = o.is_prefix ? "prefix" : "object";
  if (!o.is_prefix) {
    d["size"] = o.size;
    d["mtime_ns"] = o.mtime_ns == 0 ? py::object(py::none()) : py::object(py::int_(o.mtime_ns));
    d["etag"] = o.etag.empty() ? py::object(py::none()) : py::object(py::str(o.etag));
  }
  return d;
}

py::list to_py(const std::vector<remote::StoreObject>& v) {
  py::list out;
  for (const auto& o : v) out.append(to_py(o));
  return out;
}

remote::Recursive recursive_of(bool r) {
  return r ? remote::Recursive::yes : remote::Recursive::no;
}

}  // namespace

void register_store(py::module_& m) {
  m.def(
      "store_list_buckets",
      [](const std::string& filter, const std::string& endpoint_url, const std::string& profile,
         const std::string& cwd) {
        auto buckets = unwrap(without_gil(
            [&] { return remote::store_list_buckets(context(endpoint_url, profile, cwd), filter); }));
        py::list out;
        for (const auto& b : buckets) {
          py::dict d;
          d["name"] = b.name;
          d["url"] = b.url;
          out.append(d);
        }
        return out;
      },
      py::arg("filter"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "The buckets of the S3 endpoint, sorted, as dicts {name, url}.");

  m.def(
      "store_ls",
      [](const std::string& url, bool recursive, const std::string& filter, const std::string& endpoint_url,
         const std::string& profile, const std::string& cwd) {
        auto listed = unwrap(without_gil([&] {
          return remote::store_ls(url, context(endpoint_url, profile, cwd), recursive_of(recursive), filter);
        }));
        return to_py(listed);
      },
      py::arg("url"), py::arg("recursive"), py::arg("filter"), py::arg("endpoint_url"), py::arg("profile"),
      py::arg("cwd"), "Objects and prefixes under a URL, as `cairn store ls --json` lists them.");

  m.def(
      "store_make_bucket",
      [](const std::string& url, const std::string& endpoint_url, const std::string& profile,
         const std::string& cwd) {
        auto made = unwrap(
            without_gil([&] { return remote::store_make_bucket(url, context(endpoint_url, profile, cwd)); }));
        return made == remote::Created::yes;
      },
      py::arg("url"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "Finds or creates a bucket/folder; True when it was created.");

  m.def(
      "store_remove_bucket",
      [](const std::string& url, bool force, const std::string& endpoint_url, const std::string& profile,
         const std::string& cwd) {
        unwrap(without_gil([&] {
          return remote::store_remove_bucket(url, context(endpoint_url, profile, cwd),
                                             force ? remote::Remote::Force::yes : remote::Remote::Force::no);
        }));
      },
      py::arg("url"), py::arg("force"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "Removes a bucket/folder (ConflictError when not empty unless force).");

  m.def(
      "store_put",
      [](const std::string& local_path, const std::string& url, const std::string& endpoint_url,
         const std::string& profile, const std::string& cwd) {
        auto put = unwrap(without_gil(
            [&] { return remote::store_put(local_path, url, context(endpoint_url, profile, cwd)); }));
        return to_py(put);
      },
      py::arg("local_path"), py::arg("url"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "Uploads a local file; returns the object written.");

  m.def(
      "store_get",
      [](const std::string& url, const std::string& local_path, const std::string& endpoint_url,
         const std::string& profile, const std::string& cwd) {
        return unwrap(without_gil(
            [&] { return remote::store_get(url, local_path, context(endpoint_url, profile, cwd)); }));
      },
      py::arg("url"), py::arg("local_path"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "Downloads an object atomically; returns the absolute local path written.");

  m.def(
      "store_stat",
      [](const std::string& url, const std::string& endpoint_url, const std::string& profile,
         const std::string& cwd) -> py::object {
        auto st =
            unwrap(without_gil([&] { return remote::store_stat(url, context(endpoint_url, profile, cwd)); }));
        if (!st) return py::none();
        return to_py(*st);
      },
      py::arg("url"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "An object's size, mtime_ns and etag; None when it does not exist.");

  m.def(
      "store_cp",
      [](const std::string& src, const std::string& dst, const std::string& endpoint_url,
         const std::string& profile, const std::string& cwd) {
        return unwrap(
            without_gil([&] { return remote::store_cp(src, dst, context(endpoint_url, profile, cwd)); }));
      },
      py::arg("src"), py::arg("dst"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "Copies between any two places; returns the destination URL or path.");

  m.def(
      "store_rm",
      [](const std::string& url, bool recursive, const std::string& endpoint_url, const std::string& profile,
         const std::string& cwd) {
        return unwrap(without_gil([&] {
          return remote::store_rm(url, context(endpoint_url, profile, cwd), recursive_of(recursive));
        }));
      },
      py::arg("url"), py::arg("recursive"), py::arg("endpoint_url"), py::arg("profile"), py::arg("cwd"),
      "Deletes an object (or everything under a URL); returns the URLs removed.");

  m.def("store_url_join", &remote::store_url_join, py::arg("base"), py::arg("name"),
        "The URL of `name` in a store opened at `base`.");
}

}  // namespace cairn::python
