// store_ops: the bucket and object operations behind `cairn store` and cairn.Store (story F: one
// interface to every store), the same on every backend the registry opens.
//
// Store URLs name a container ("bucket") or an object in it:
//   s3://bucket[/key]          an S3 bucket (endpoint, credentials: StoreContext + aws_config.h)
//   /abs/path, rel/path, file:///abs/path
//                              a local folder or file (relative paths against StoreContext::cwd)
//   http(s)://host/path        a file on a web server (read-only: stat, get, cp from)
//   mem://name[/key]           the process-wide in-memory store (tests)
// A URL ending in '/' names a folder (prefix): put/get/cp into it keep the source's file name.
//
// Operations (every URL and error message is redacted; no secret ever appears):
// - list_buckets: the buckets the credentials see on the S3 endpoint, sorted, optionally only
//   those a regex matches (std::regex ECMAScript, searched anywhere in the name).
// - ls: objects under a URL, as `aws s3 ls` shows them: for S3/mem the URL's key is a raw
//   prefix ("s3://b/da" matches "data/x"); non-recursive listings fold everything below the
//   next '/' into one prefix entry ("data/"); names are relative to the URL's folder (also
//   with Recursive::yes, unlike `aws s3 ls --recursive`, so that every backend names objects
//   alike). A local URL naming a folder lists its contents. The filter
//   regex is searched in the shown name. Sorted by name. not_found for a missing bucket/folder.
// - make_bucket: find-or-create (Created::no when it was there). S3 takes a bare bucket URL.
// - remove_bucket: conflict when it holds objects unless Force::yes (then everything in it is
//   deleted first); not_found when missing. S3 takes a bare bucket URL; "/" is refused.
// - put: a local regular file to an object (atomic on every backend: readers see the old or
//   the new object). get: an object to a local file, atomically (temp file next to it, then
//   rename), never leaving a partial file. cp: any combination of local and remote URLs;
//   within one S3 bucket (or one mem store) the copy is server-side, between stores it
//   streams through a temporary file; local to local is a streamed copy.
// - stat: nullopt when the object does not exist.
// - rm: one object (not_found when missing) or, with Recursive::yes, every object under the
//   URL's folder (a local folder is removed as a whole); returns what was removed.
// Big transfers report progress through TransferObserver (the caller decides how to draw it).
// Thread-safe; every call opens its own remote.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cairn/remote/registry.h"
#include "cairn/remote/remote.h"
#include "cairn/util/error.h"

namespace cairn::remote {

struct StoreContext {
  std::string endpoint_url;  // S3: like the AWS CLI's --endpoint-url (beats AWS_ENDPOINT_URL*)
  std::string profile;       // S3: like the AWS CLI's --profile (beats AWS_PROFILE)
  std::string cwd;           // base of relative local paths (absolute); "" = the process cwd
  std::map<std::string, std::string> options;  // more remote options (region, ssl_verify, ...)
  WrapOptions wrap;                            // retries of transient failures
};

struct StoreObject {
  std::string url;         // the object's URL (a prefix entry's URL ends with '/')
  std::string name;        // ls: relative to the listed URL's folder; stat/put: the key
  bool is_prefix = false;  // a folded "data/" entry of a non-recursive listing
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // 0 when unknown
  std::string etag;           // "" when the backend has none
};

struct BucketInfo {
  std::string name;
  std::string url;  // "s3://name"
};

enum class Recursive { no, yes };
enum class Created { no, yes };

// Told the size of a transfer once it is known, then every chunk moved. Both may be empty.
struct TransferObserver {
  std::function<void(std::uint64_t total_bytes)> start;
  ByteProgress advance;
};

Expected<std::vector<BucketInfo>> store_list_buckets(const StoreContext& ctx, const std::string& filter = "");
Expected<std::vector<StoreObject>> store_ls(const std::string& url, const StoreContext& ctx,
                                            Recursive recursive = Recursive::no,
                                            const std::string& filter = "");
Expected<Created> store_make_bucket(const std::string& url, const StoreContext& ctx);
Status store_remove_bucket(const std::string& url, const StoreContext& ctx, Remote::Force force);
// Returns the object written.
Expected<StoreObject> store_put(const std::string& local_path, const std::string& url,
                                const StoreContext& ctx, const TransferObserver& observer = {});
// Returns the local path written (absolute).
Expected<std::string> store_get(const std::string& url, const std::string& local_path,
                                const StoreContext& ctx, const TransferObserver& observer = {});
Expected<std::optional<StoreObject>> store_stat(const std::string& url, const StoreContext& ctx);
// Returns the destination URL (a local destination as an absolute path).
Expected<std::string> store_cp(const std::string& src, const std::string& dst, const StoreContext& ctx,
                               const TransferObserver& observer = {});
// The URL of `name` in a store opened at `base` (cairn.Store's methods take such names):
// `name` itself when it is a URL ("scheme://...") or an absolute path, `base` for "", else
// base + "/" + name ("s3://" + "b/k" -> "s3://b/k").
std::string store_url_join(const std::string& base, const std::string& name);

// Returns the URLs removed.
Expected<std::vector<std::string>> store_rm(const std::string& url, const StoreContext& ctx,
                                            Recursive recursive = Recursive::no);

}  // namespace cairn::remote
