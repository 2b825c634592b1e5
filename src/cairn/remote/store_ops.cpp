// Bucket and object operations on any backend; see store_ops.h for the contract.
#include "cairn/remote/store_ops.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <regex>

#include "cairn/env/env.h"
#include "cairn/remote/counting_remote.h"
#include "cairn/remote/http_remote.h"
#include "cairn/remote/local_remote.h"
#include "cairn/remote/s3_remote.h"
#include "cairn/remote/stream_copy.h"
#include "cairn/util/path.h"
#include "cairn/util/thread_pool.h"

namespace cairn::remote {

namespace {

constexpr std::size_t k_remove_jobs = 8;

enum class Kind { local, s3, mem, http };

// Where a store URL points: a root the registry can open and a key in it.
struct Location {
  Kind kind = Kind::local;
  std::string url;       // as given, redacted (for messages)
  std::string root_url;  // s3://bucket, mem://name, an HTTP folder URL; local: "/"
  std::string key;       // object key or prefix in the root ("" = the root itself)
  bool folder = false;   // the URL ended with '/'
  std::string abs_path;  // local: the absolute normalized path

  std::string bucket_url() const { return kind == Kind::local ? abs_path : root_url; }
  // The URL of a key in this location's root.
  std::string url_of(const std::string& k) const {
    if (kind == Kind::local) return "/" + k;
    std::string base = root_url;
    if (kind == Kind::http) {
      auto q = base.find('?');
      if (q != std::string::npos) base = base.substr(0, q);
    }
    return redact_url(base + "/" + k);
  }
};

env::Env* fs() {
  return env::default_env();
}

std::string strip_slashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  return std::string(s);
}

Expected<Location> locate(const std::string& url, const StoreContext& ctx) {
  Location loc;
  loc.url = redact_url(url);
  if (url.empty()) return make_error(ErrorCode::invalid_input, "empty store URL");
  std::string scheme = url_scheme(url);
  loc.folder = url.ends_with('/');
  if (scheme == "s3" || scheme == "mem") {
    loc.kind = scheme == "s3" ? Kind::s3 : Kind::mem;
    std::string_view rest = std::string_view(url).substr(scheme.size() + 3);
    auto slash = rest.find('/');
    std::string container(rest.substr(0, slash));
    if (container.empty())
      return make_error(ErrorCode::invalid_input,
                        "store URL " + loc.url + " names no " + (scheme == "s3" ? "bucket" : "store"));
    loc.root_url = scheme + "://" + container;
    loc.key = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
    if (!loc.key.empty()) {
      std::string_view stem = loc.key;
      if (stem.back() == '/') stem.remove_suffix(1);
      if (!stem.empty()) {
        auto st = check_key(stem);
        if (!st)
          return make_error(ErrorCode::invalid_input, "store URL " + loc.url + ": " + st.error().message());
      }
    }
    return loc;
  }
  if (scheme == "http" || scheme == "https") {
    loc.kind = Kind::http;
    auto split = split_http_url(url);
    if (!split) {
      // A folder URL: the root itself.
      loc.root_url = url;
      return loc;
    }
    loc.root_url = split->first;
    loc.key = split->second;
    return loc;
  }
  if (scheme != "file")
    return make_error(ErrorCode::invalid_input,
                      "unsupported store URL scheme '" + scheme + "' in " + loc.url +
                          " (supported: a local path, file://, s3://, http(s)://, mem://)");
  loc.kind = Kind::local;
  std::string path = url;
  if (path.starts_with("file://")) {
    std::string_view rest = std::string_view(path).substr(7);
    if (!rest.starts_with("/") && !rest.starts_with("localhost/"))
      return make_error(ErrorCode::invalid_input,
                        "file URL " + loc.url + " must name a local path (file:///path)");
    if (rest.starts_with("localhost")) rest.remove_prefix(9);
    path = std::string(rest);
  }
  std::string cwd = ctx.cwd.empty() ? "/" : ctx.cwd;
  loc.abs_path = path::absolute(path, cwd);
  loc.root_url = "/";
  loc.key = strip_slashes(loc.abs_path);
  if (!loc.key.empty()) {
    auto st = check_key(loc.key);
    if (!st)
      return make_error(ErrorCode::invalid_input, "path " + loc.abs_path + ": " + st.error().message());
  }
  return loc;
}

RemoteSpec spec_for(const std::string& root_url, const StoreContext& ctx) {
  RemoteSpec spec;
  spec.url = root_url;
  spec.options = ctx.options;
  if (!ctx.endpoint_url.empty()) spec.options["endpointurl"] = ctx.endpoint_url;
  if (!ctx.profile.empty()) spec.options["profile"] = ctx.profile;
  spec.base_dir = ctx.cwd;
  return spec;
}

// The remote holding the location's keys. Local paths are keys of a LocalRemote at "/" whose
// files keep their creation mode (0666 & ~umask), as any copied file.
Expected<std::unique_ptr<Remote>> open_root(const Location& loc, const StoreContext& ctx) {
  if (loc.kind == Kind::local) {
    LocalRemoteOptions options;
    options.object_mode = 0;
    return std::unique_ptr<Remote>(
        std::make_unique<CountingRemote>(std::make_unique<LocalRemote>(fs(), "/", options)));
  }
  return open_remote(spec_for(loc.root_url, ctx), ctx.wrap);
}

Status need_object_key(const Location& loc) {
  if (loc.key.empty() || loc.folder)
    return make_error(ErrorCode::invalid_input, loc.url + " names a bucket or folder, not an object");
  return ok();
}

Status need_bare_container(const Location& loc, std::string_view op) {
  if ((loc.kind == Kind::s3 || loc.kind == Kind::mem) && !strip_slashes(loc.key).empty())
    return make_error(ErrorCode::invalid_input, std::string(op) + " takes a bucket URL (" +
                                                    (loc.kind == Kind::s3 ? "s3://bucket" : "mem://name") +
                                                    "), not an object or prefix: " + loc.url);
  if (loc.kind == Kind::http)
    return make_error(ErrorCode::permission, std::string(op) + ": " + loc.url + " is read-only (HTTP)");
  return ok();
}

Expected<std::optional<std::regex>> compile_filter(const std::string& filter) {
  if (filter.empty()) return std::optional<std::regex>();
  try {
    return std::optional<std::regex>(std::regex(filter, std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    return make_error(ErrorCode::invalid_input, "invalid filter regex '" + filter + "': " + e.what());
  }
}

bool matches(const std::optional<std::regex>& re, const std::string& s) {
  return !re || std::regex_search(s, *re);
}

Expected<std::optional<env::FileStat>> local_stat(const std::string& path) {
  return fs()->stat(path, env::Follow::yes);
}

// Streams a local file to a new local file atomically (temp next to `to`, then rename).
Status copy_local(const std::string& from, const std::string& to, const TransferObserver& observer) {
  ASSIGN_OR_RETURN(auto in, fs()->open_read(from));
  std::string tmp = env::temp_name_for(to);
  ASSIGN_OR_RETURN(auto out, fs()->create_new(tmp, 0666));
  auto fail = [&](const Error& e) -> Status {
    out.reset();
    (void)fs()->remove_file(tmp);
    return std::unexpected(e);
  };
  if (auto st = stream_copy(*in, *out, observer.advance); !st) return fail(st.error());
  if (auto st = out->close(); !st) return fail(st.error());
  if (auto st = fs()->rename(tmp, to); !st) return fail(st.error());
  return ok();
}

// A regular local file to read from: its size.
Expected<std::uint64_t> local_source_size(const std::string& abs, const std::string& shown) {
  ASSIGN_OR_RETURN(auto st, local_stat(abs));
  if (!st) return make_error(ErrorCode::not_found, "no such file: " + shown);
  if (st->type == env::FileType::directory)
    return make_error(ErrorCode::invalid_input, shown + " is a directory (store operations copy one file)");
  if (st->type != env::FileType::regular)
    return make_error(ErrorCode::invalid_input, shown + " is not a regular file");
  return st->size;
}

// The local destination for a file named `name`: into `abs` when it is (or is written as) a folder.
Expected<std::string> local_destination(const std::string& given, const std::string& abs,
                                        const std::string& name) {
  if (given.ends_with('/')) return path::join(abs, name);
  ASSIGN_OR_RETURN(auto st, local_stat(abs));
  if (st && st->type == env::FileType::directory) return path::join(abs, name);
  return abs;
}

// The key a put/cp writes: the location's key, plus the source's name for a folder/bucket URL.
Expected<std::string> destination_key(const Location& loc, const std::string& source_name) {
  if (loc.kind == Kind::local) {
    ASSIGN_OR_RETURN(std::string abs, local_destination(loc.folder ? loc.abs_path + "/" : loc.abs_path,
                                                        loc.abs_path, source_name));
    return strip_slashes(abs);
  }
  if (loc.key.empty() || loc.folder) return loc.key + source_name;
  return loc.key;
}

Expected<StoreObject> put_into(const std::string& local_abs, const std::string& shown, const Location& dst,
                               const StoreContext& ctx, const TransferObserver& observer) {
  ASSIGN_OR_RETURN(std::uint64_t size, local_source_size(local_abs, shown));
  if (dst.kind == Kind::http)
    return make_error(ErrorCode::permission, "uploading to " + dst.url + ": HTTP stores are read-only");
  ASSIGN_OR_RETURN(std::string key, destination_key(dst, path::basename(local_abs)));
  if (dst.kind == Kind::local) TRY_STATUS(fs()->make_dirs(path::parent("/" + key)));
  ASSIGN_OR_RETURN(auto remote, open_root(dst, ctx));
  if (observer.start) observer.start(size);
  TRY_STATUS(remote->put_file(key, local_abs, observer.advance));
  StoreObject obj;
  obj.url = dst.url_of(key);
  obj.name = key;
  obj.size = size;
  return obj;
}

Expected<std::string> get_into(const Location& src, const std::string& local_given, const StoreContext& ctx,
                               const TransferObserver& observer) {
  TRY_STATUS(need_object_key(src));
  std::string cwd = ctx.cwd.empty() ? "/" : ctx.cwd;
  std::string abs = path::absolute(local_given, cwd);
  ASSIGN_OR_RETURN(std::string dest, local_destination(local_given, abs, path::basename(src.key)));
  ASSIGN_OR_RETURN(auto remote, open_root(src, ctx));
  ASSIGN_OR_RETURN(auto info, remote->stat(src.key));
  if (!info) return make_error(ErrorCode::not_found, "no such object: " + src.url_of(src.key));
  if (observer.start) observer.start(info->size);
  TRY_STATUS(fs()->make_dirs(path::parent(dest)));
  std::string tmp = env::temp_name_for(dest);
  Status got = remote->get_file(src.key, tmp, observer.advance);
  if (got) got = fs()->rename(tmp, dest);
  if (!got) {
    (void)fs()->remove_file(tmp);
    return std::unexpected(got.error());
  }
  return dest;
}

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? std::string(t) : std::string("/tmp");
}

}  // namespace

Expected<std::vector<BucketInfo>> store_list_buckets(const StoreContext& ctx, const std::string& filter) {
  ASSIGN_OR_RETURN(auto re, compile_filter(filter));
  ASSIGN_OR_RETURN(auto names, list_s3_buckets(spec_for("s3://", ctx)));
  std::sort(names.begin(), names.end());
  std::vector<BucketInfo> out;
  for (auto& n : names)
    if (matches(re, n)) out.push_back(BucketInfo{n, "s3://" + n});
  return out;
}

Expected<std::vector<StoreObject>> store_ls(const std::string& url, const StoreContext& ctx,
                                            Recursive recursive, const std::string& filter) {
  ASSIGN_OR_RETURN(auto re, compile_filter(filter));
  ASSIGN_OR_RETURN(Location loc, locate(url, ctx));
  if (loc.kind == Kind::http)
    return make_error(ErrorCode::invalid_input,
                      "listing " + loc.url + ": listing is not supported over HTTP");
  std::string prefix = loc.key;  // raw prefix in the root
  std::string base;              // what shown names are relative to
  if (loc.kind == Kind::local) {
    ASSIGN_OR_RETURN(auto st, local_stat(loc.abs_path));
    if (!st) return make_error(ErrorCode::not_found, "no such file or folder: " + loc.abs_path);
    if (st->type != env::FileType::directory) {
      if (!matches(re, path::basename(loc.abs_path))) return std::vector<StoreObject>();
      return std::vector<StoreObject>{
          StoreObject{loc.abs_path, path::basename(loc.abs_path), false, st->size, st->mtime_ns, ""}};
    }
    prefix = loc.key.empty() ? "" : loc.key + "/";
    base = prefix;
  } else {
    auto slash = prefix.rfind('/');
    base = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
  }
  ASSIGN_OR_RETURN(auto remote, open_root(loc, ctx));
  std::map<std::string, StoreObject> shown;
  TRY_STATUS(remote->list(prefix, [&](const ObjectInfo& o) {
    StoreObject obj;
    obj.size = o.size;
    obj.mtime_ns = o.mtime_ns;
    obj.etag = o.etag;
    obj.url = loc.url_of(o.key);
    std::string rest = o.key.substr(prefix.size());
    auto slash = rest.find('/');
    if (recursive == Recursive::no && slash != std::string::npos) {
      std::string folder = o.key.substr(0, prefix.size() + slash + 1);
      obj = StoreObject{};
      obj.is_prefix = true;
      obj.url = loc.url_of(folder);
      obj.name = folder.substr(base.size());
    } else {
      obj.name = o.key.substr(base.size());
    }
    if (matches(re, obj.name)) shown.emplace(obj.name, std::move(obj));
    return true;
  }));
  std::vector<StoreObject> out;
  out.reserve(shown.size());
  for (auto& [name, obj] : shown) out.push_back(std::move(obj));
  return out;
}

Expected<Created> store_make_bucket(const std::string& url, const StoreContext& ctx) {
  ASSIGN_OR_RETURN(Location loc, locate(url, ctx));
  TRY_STATUS(need_bare_container(loc, "make bucket"));
  if (loc.kind == Kind::local) {
    ASSIGN_OR_RETURN(auto st, local_stat(loc.abs_path));
    if (st && st->type == env::FileType::directory) return Created::no;
    if (st) return make_error(ErrorCode::conflict, loc.abs_path + " exists and is not a folder");
    TRY_STATUS(fs()->make_dirs(loc.abs_path));
    return Created::yes;
  }
  ASSIGN_OR_RETURN(auto remote, open_root(loc, ctx));
  auto probe = remote->list("", [](const ObjectInfo&) { return false; });
  if (probe) return Created::no;
  if (probe.error().code() != ErrorCode::not_found) return std::unexpected(probe.error());
  TRY_STATUS(remote->make_root());
  return Created::yes;
}

Status store_remove_bucket(const std::string& url, const StoreContext& ctx, Remote::Force force) {
  ASSIGN_OR_RETURN(Location loc, locate(url, ctx));
  TRY_STATUS(need_bare_container(loc, "remove bucket"));
  if (loc.kind == Kind::local) {
    if (loc.abs_path == "/") return make_error(ErrorCode::invalid_input, "refusing to remove / as a bucket");
    LocalRemote folder(fs(), loc.abs_path);
    return folder.remove_root(force);
  }
  ASSIGN_OR_RETURN(auto remote, open_root(loc, ctx));
  return remote->remove_root(force);
}

Expected<StoreObject> store_put(const std::string& local_path, const std::string& url,
                                const StoreContext& ctx, const TransferObserver& observer) {
  ASSIGN_OR_RETURN(Location dst, locate(url, ctx));
  std::string cwd = ctx.cwd.empty() ? "/" : ctx.cwd;
  return put_into(path::absolute(local_path, cwd), local_path, dst, ctx, observer);
}

Expected<std::string> store_get(const std::string& url, const std::string& local_path,
                                const StoreContext& ctx, const TransferObserver& observer) {
  ASSIGN_OR_RETURN(Location src, locate(url, ctx));
  return get_into(src, local_path, ctx, observer);
}

Expected<std::optional<StoreObject>> store_stat(const std::string& url, const StoreContext& ctx) {
  ASSIGN_OR_RETURN(Location loc, locate(url, ctx));
  TRY_STATUS(need_object_key(loc));
  ASSIGN_OR_RETURN(auto remote, open_root(loc, ctx));
  ASSIGN_OR_RETURN(auto info, remote->stat(loc.key));
  if (!info) return std::optional<StoreObject>();
  StoreObject obj;
  obj.url = loc.url_of(loc.key);
  obj.name = loc.kind == Kind::local ? loc.abs_path : loc.key;
  obj.size = info->size;
  obj.mtime_ns = info->mtime_ns;
  obj.etag = info->etag;
  return std::optional<StoreObject>(std::move(obj));
}

Expected<std::string> store_cp(const std::string& src_url, const std::string& dst_url,
                               const StoreContext& ctx, const TransferObserver& observer) {
  ASSIGN_OR_RETURN(Location src, locate(src_url, ctx));
  ASSIGN_OR_RETURN(Location dst, locate(dst_url, ctx));
  if (src.kind == Kind::local && dst.kind == Kind::local) {
    ASSIGN_OR_RETURN(std::uint64_t size, local_source_size(src.abs_path, src_url));
    ASSIGN_OR_RETURN(std::string to, local_destination(dst_url, dst.abs_path, path::basename(src.abs_path)));
    if (to == src.abs_path)
      return make_error(ErrorCode::invalid_input, "'" + src_url + "' and its copy are the same file");
    TRY_STATUS(fs()->make_dirs(path::parent(to)));
    if (observer.start) observer.start(size);
    TRY_STATUS(copy_local(src.abs_path, to, observer));
    return to;
  }
  if (src.kind == Kind::local) {
    ASSIGN_OR_RETURN(StoreObject put, put_into(src.abs_path, src_url, dst, ctx, observer));
    return put.url;
  }
  if (dst.kind == Kind::local) return get_into(src, dst_url, ctx, observer);

  // Remote to remote.
  TRY_STATUS(need_object_key(src));
  if (dst.kind == Kind::http)
    return make_error(ErrorCode::permission, "copying to " + dst.url + ": HTTP stores are read-only");
  ASSIGN_OR_RETURN(std::string key, destination_key(dst, path::basename(src.key)));
  ASSIGN_OR_RETURN(auto from, open_root(src, ctx));
  ASSIGN_OR_RETURN(auto info, from->stat(src.key));
  if (!info) return make_error(ErrorCode::not_found, "no such object: " + src.url_of(src.key));
  if (observer.start) observer.start(info->size);
  if (src.kind == dst.kind && src.root_url == dst.root_url && src.kind != Kind::http) {
    TRY_STATUS(from->copy(src.key, key));  // server-side within one bucket/store
    if (observer.advance) observer.advance(info->size);
    return dst.url_of(key);
  }
  ASSIGN_OR_RETURN(auto to, open_root(dst, ctx));
  std::string tmp = env::temp_name_for(path::join(temp_dir(), "cairn-store-cp"));
  Status moved = from->get_file(src.key, tmp, [&](std::uint64_t n) {
    // Downloading is the first half of the work, uploading the second.
    if (observer.advance) observer.advance(n / 2);
  });
  if (moved)
    moved = to->put_file(key, tmp, [&](std::uint64_t n) {
      if (observer.advance) observer.advance(n - n / 2);
    });
  (void)fs()->remove_file(tmp);
  if (!moved) return std::unexpected(moved.error());
  return dst.url_of(key);
}

std::string store_url_join(const std::string& base, const std::string& name) {
  if (name.empty()) return base;
  if (name.front() == '/' || name.find("://") != std::string::npos) return name;
  if (base.empty()) return name;
  if (base.ends_with('/')) return base + name;
  return base + "/" + name;
}

Expected<std::vector<std::string>> store_rm(const std::string& url, const StoreContext& ctx,
                                            Recursive recursive) {
  ASSIGN_OR_RETURN(Location loc, locate(url, ctx));
  if (loc.kind == Kind::http)
    return make_error(ErrorCode::permission, "deleting " + loc.url + ": HTTP stores are read-only");
  std::vector<std::string> removed;
  if (recursive == Recursive::no) {
    TRY_STATUS(need_object_key(loc));
    ASSIGN_OR_RETURN(auto remote, open_root(loc, ctx));
    ASSIGN_OR_RETURN(auto info, remote->stat(loc.key));
    if (!info) return make_error(ErrorCode::not_found, "no such object: " + loc.url_of(loc.key));
    TRY_STATUS(remote->remove(loc.key));
    removed.push_back(loc.url_of(loc.key));
    return removed;
  }
  if (loc.kind == Kind::local) {
    if (loc.abs_path == "/") return make_error(ErrorCode::invalid_input, "refusing to remove /");
    ASSIGN_OR_RETURN(auto st, fs()->stat(loc.abs_path, env::Follow::no));
    if (!st) return make_error(ErrorCode::not_found, "no such file or folder: " + loc.abs_path);
    if (st->type != env::FileType::directory) {
      TRY_STATUS(fs()->remove_file(loc.abs_path));
      removed.push_back(loc.abs_path);
      return removed;
    }
    ASSIGN_OR_RETURN(auto listed, store_ls(loc.abs_path, ctx, Recursive::yes));
    TRY_STATUS(fs()->remove_tree(loc.abs_path));
    for (auto& o : listed) removed.push_back(std::move(o.url));
    return removed;
  }
  std::string prefix = loc.key;
  if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
  ASSIGN_OR_RETURN(auto remote, open_root(loc, ctx));
  std::vector<std::string> keys;
  TRY_STATUS(remote->list(prefix, [&](const ObjectInfo& o) {
    keys.push_back(o.key);
    return true;
  }));
  std::sort(keys.begin(), keys.end());
  std::mutex mu;
  std::optional<Error> first_error;
  parallel_for(keys.size(), k_remove_jobs, [&](std::size_t i) {
    auto st = remote->remove(keys[i]);
    if (!st) {
      std::lock_guard lock(mu);
      if (!first_error) first_error = st.error();
    }
  });
  if (first_error) return std::unexpected(*first_error);
  for (const auto& k : keys) removed.push_back(loc.url_of(k));
  return removed;
}

}  // namespace cairn::remote
