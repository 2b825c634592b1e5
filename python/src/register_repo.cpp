// Bindings of the repository layer (src/cairn/repo): Repository (open, lock, flush_state) and
// the commands add, commit, status, checkout, diff, gc, remove, ls, push, fetch, pull,
// status -c (cloud_status), plus init. Results come
// back as dicts/lists mirroring the C++ result structs field by field; python/cairn/repo.py
// shapes them into DVC's structures. Every engine call runs with the GIL released.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "cairn/env/env.h"
#include "cairn/repo/add.h"
#include "cairn/repo/checkout.h"
#include "cairn/repo/cloud_status.h"
#include "cairn/repo/fetch.h"
#include "cairn/repo/diff.h"
#include "cairn/repo/gc.h"
#include "cairn/repo/init.h"
#include "cairn/repo/pull.h"
#include "cairn/repo/push.h"
#include "cairn/repo/repository.h"
#include "cairn/repo/status.h"

namespace cairn::python {

namespace {

using Strings = std::vector<std::string>;

// The repository lock while held; release() (or garbage collection) unlocks.
struct RepoLock {
  std::unique_ptr<env::FileLock> lock;
  void release() {
    py::gil_scoped_release no_gil;
    lock.reset();
  }
  bool held() const { return lock != nullptr; }
};

py::dict to_py(const repo::AddResult& r) {
  py::dict d;
  d["dvc_files"] = py::cast(r.dvc_files);
  d["files_to_track"] = py::cast(r.files_to_track);
  return d;
}

py::list to_py(const std::vector<repo::OutStatus>& v) {
  py::list out;
  for (const auto& s : v) {
    py::dict d;
    d["path"] = s.path;
    d["state"] = s.state;
    out.append(d);
  }
  return out;
}

py::dict to_py(const repo::StatusResult& r) {
  py::list changed;
  for (const auto& f : r.changed) {
    py::dict d;
    d["dvc_file"] = f.dvc_file;
    d["changed_deps"] = to_py(f.changed_deps);
    d["changed_outs"] = to_py(f.changed_outs);
    changed.append(d);
  }
  py::dict d;
  d["changed"] = changed;
  d["tracked_files"] = r.tracked_files;
  return d;
}

py::dict to_py(const repo::CheckoutResult& r) {
  py::dict d;
  d["added"] = py::cast(r.added);
  d["modified"] = py::cast(r.modified);
  d["deleted"] = py::cast(r.deleted);
  d["failed"] = py::cast(r.failed);
  d["errors"] = py::cast(r.errors);
  d["files_added"] = r.files_added;
  d["files_modified"] = r.files_modified;
  d["files_deleted"] = r.files_deleted;
  return d;
}

py::list to_py(const std::vector<repo::DiffEntry>& v) {
  py::list out;
  for (const auto& e : v) {
    py::dict d;
    d["path"] = e.path;
    d["new_path"] = e.new_path;
    d["old_hash"] = e.old_hash;
    d["new_hash"] = e.new_hash;
    out.append(d);
  }
  return out;
}

py::dict to_py(const repo::DiffResult& r) {
  py::dict d;
  d["added"] = to_py(r.added);
  d["deleted"] = to_py(r.deleted);
  d["modified"] = to_py(r.modified);
  d["renamed"] = to_py(r.renamed);
  d["not_in_cache"] = to_py(r.not_in_cache);
  return d;
}

py::dict to_py(const repo::GcResult& r) {
  py::dict d;
  d["removed"] = py::cast(r.removed);
  d["kept"] = r.kept;
  return d;
}

py::list to_py(const std::vector<repo::TrackedOutput>& v) {
  py::list out;
  for (const auto& t : v) {
    py::dict d;
    d["path"] = t.path;
    d["dvc_file"] = t.dvc_file;
    d["md5"] = t.md5;
    d["size"] = t.size;
    d["nfiles"] = t.nfiles;
    d["is_dir"] = t.is_dir;
    out.append(d);
  }
  return out;
}

py::dict to_py(const repo::TransferResult& r) {
  py::list failures;
  for (const auto& f : r.failures) {
    py::dict d;
    d["oid"] = f.oid;
    d["message"] = f.message;
    d["code"] = std::string(error_code_name(f.code));
    failures.append(d);
  }
  py::dict d;
  d["transferred"] = r.transferred;
  d["failed"] = r.failed;
  d["failures"] = failures;
  d["missing"] = py::cast(r.missing);
  d["no_default_remote"] = r.no_default_remote;
  return d;
}

py::dict to_py(const repo::CloudStatusResult& r) {
  py::list entries;
  for (const auto& e : r.entries) {
    py::dict d;
    d["name"] = e.name;
    d["state"] = e.state;
    entries.append(d);
  }
  py::dict d;
  d["entries"] = entries;
  d["unavailable_dirs"] = py::cast(r.unavailable_dirs);
  d["tracked_files"] = r.tracked_files;
  return d;
}

repo::TransferOptions transfer_options(Strings targets, std::string remote, std::size_t jobs) {
  repo::TransferOptions o;
  o.targets = std::move(targets);
  o.remote = std::move(remote);
  o.jobs = jobs;
  return o;
}

repo::Force force_of(bool force) { return force ? repo::Force::yes : repo::Force::no; }

}  // namespace

void register_repo(py::module_& m) {
  py::class_<RepoLock>(m, "RepoLock", "The repository lock (.dvc/tmp/lock) while held.")
      .def("release", &RepoLock::release, "Unlocks (idempotent).")
      .def_property_readonly("held", &RepoLock::held);

  py::class_<repo::Repository>(m, "Repository", "An opened DVC repository (cairn::repo::Repository).")
      .def_static(
          "open",
          [](const std::string& cwd) {
            return unwrap(without_gil([&] { return repo::Repository::open(env::default_env(), cwd); }));
          },
          py::arg("cwd"), "Opens the repository containing the absolute directory `cwd`.")
      .def_property_readonly("root", &repo::Repository::root)
      .def_property_readonly("dvc_dir", &repo::Repository::dvc_dir)
      .def_property_readonly("cwd", &repo::Repository::cwd)
      .def(
          "lock",
          [](repo::Repository& r) {
            auto lock = unwrap(without_gil([&] { return r.lock(); }));
            return RepoLock{std::move(lock)};
          },
          "Takes the repository lock (retrying ~3 s).")
      .def(
          "flush_state", [](repo::Repository& r) { without_gil([&] { r.flush_state(); }); },
          "Saves the stat cache if it changed.")
      .def(
          "add",
          [](repo::Repository& r, Strings targets, bool commit, std::optional<std::string> out, std::size_t jobs) {
            repo::AddOptions o;
            o.targets = std::move(targets);
            o.commit = commit ? repo::Commit::yes : repo::Commit::no;
            o.out = std::move(out);
            o.jobs = jobs;
            return to_py(unwrap(without_gil([&] { return repo::add(r, o); })));
          },
          py::arg("targets"), py::arg("commit"), py::arg("out"), py::arg("jobs"))
      .def(
          "commit",
          [](repo::Repository& r, Strings targets, bool force, std::size_t jobs) {
            repo::CommitOptions o;
            o.targets = std::move(targets);
            o.force = force_of(force);
            o.jobs = jobs;
            return to_py(unwrap(without_gil([&] { return repo::commit(r, o); })));
          },
          py::arg("targets"), py::arg("force"), py::arg("jobs"))
      .def(
          "status",
          [](repo::Repository& r, Strings targets, std::size_t jobs) {
            return to_py(unwrap(without_gil([&] { return repo::status(r, targets, jobs); })));
          },
          py::arg("targets"), py::arg("jobs"))
      .def(
          "checkout",
          [](repo::Repository& r, Strings targets, bool force, bool relink, std::size_t jobs) {
            repo::CheckoutOptions o;
            o.targets = std::move(targets);
            o.force = force_of(force);
            o.relink = relink ? repo::Relink::yes : repo::Relink::no;
            o.jobs = jobs;
            return to_py(unwrap(without_gil([&] { return repo::checkout(r, o); })));
          },
          py::arg("targets"), py::arg("force"), py::arg("relink"), py::arg("jobs"))
      .def(
          "diff",
          [](repo::Repository& r, const std::string& a_rev, const std::string& b_rev) {
            return to_py(unwrap(without_gil([&] { return repo::diff(r, a_rev, b_rev); })));
          },
          py::arg("a_rev"), py::arg("b_rev"), "b_rev empty: the workspace.")
      .def(
          "gc_workspace",
          [](repo::Repository& r, bool dry) {
            auto d = dry ? repo::DryRun::yes : repo::DryRun::no;
            return to_py(unwrap(without_gil([&] { return repo::gc_workspace(r, d); })));
          },
          py::arg("dry"))
      .def(
          "remove_tracked",
          [](repo::Repository& r, const std::string& target, bool outs) {
            auto o = outs ? repo::Outs::remove : repo::Outs::keep;
            unwrap(without_gil([&] { return repo::remove_tracked(r, target, o); }));
          },
          py::arg("target"), py::arg("outs"))
      .def(
          "push",
          [](repo::Repository& r, Strings targets, std::string remote, std::size_t jobs) {
            auto o = transfer_options(std::move(targets), std::move(remote), jobs);
            return to_py(unwrap(without_gil([&] { return repo::push(r, o); })));
          },
          py::arg("targets"), py::arg("remote"), py::arg("jobs"), "remote \"\": each output's, else core.remote.")
      .def(
          "fetch",
          [](repo::Repository& r, Strings targets, std::string remote, std::size_t jobs) {
            auto o = transfer_options(std::move(targets), std::move(remote), jobs);
            return to_py(unwrap(without_gil([&] { return repo::fetch(r, o); })));
          },
          py::arg("targets"), py::arg("remote"), py::arg("jobs"))
      .def(
          "pull",
          [](repo::Repository& r, Strings targets, std::string remote, std::size_t jobs, bool force) {
            repo::PullOptions o;
            o.transfer = transfer_options(std::move(targets), std::move(remote), jobs);
            o.force = force_of(force);
            auto res = unwrap(without_gil([&] { return repo::pull(r, o); }));
            py::dict d;
            d["fetch"] = to_py(res.fetch);
            d["checkout"] = res.checkout ? py::object(to_py(*res.checkout)) : py::object(py::none());
            return d;
          },
          py::arg("targets"), py::arg("remote"), py::arg("jobs"), py::arg("force"))
      .def(
          "cloud_status",
          [](repo::Repository& r, Strings targets, std::string remote, std::size_t jobs) {
            auto o = transfer_options(std::move(targets), std::move(remote), jobs);
            return to_py(unwrap(without_gil([&] { return repo::cloud_status(r, o); })));
          },
          py::arg("targets"), py::arg("remote"), py::arg("jobs"))
      .def(
          "list_tracked",
          [](repo::Repository& r) { return to_py(unwrap(without_gil([&] { return repo::list_tracked(r); }))); });

  m.def(
      "init",
      [](const std::string& cwd, const std::string& directory, bool no_scm, bool force, bool subdir) {
        repo::InitOptions o;
        o.directory = directory;
        o.no_scm = no_scm ? repo::NoScm::yes : repo::NoScm::no;
        o.force = force_of(force);
        o.subdir = subdir ? repo::Subdir::yes : repo::Subdir::no;
        return unwrap(without_gil([&] { return repo::init(env::default_env(), cwd, o); }));
      },
      py::arg("cwd"), py::arg("directory"), py::arg("no_scm"), py::arg("force"), py::arg("subdir"),
      "Creates a DVC repository; returns its absolute root.");
}

}  // namespace cairn::python
