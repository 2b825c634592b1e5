// Remote: an object store reachable by URL (a local folder, an S3 bucket prefix, an HTTP
// server, an in-memory map for tests) seen as a flat namespace of keys under one root.
//
// Keys are '/'-separated relative paths under the remote's root ("files/md5/ab/cdef…"). A
// key is checked before use (no "..", no absolute path, no empty segment): implementations
// call check_key() and return invalid_input for a bad one.
//
// Contract shared by every implementation (one conformance suite, tests/unit/remote_*):
// - put_*: nothing partial is ever visible at the key; a put either fully replaces the
//   object or leaves the previous state.
// - get_file: writes `local_path` (created or truncated); the caller chooses a temp name and
//   verifies the bytes before publishing them (the remote does not know what the bytes
//   should hash to).
// - stat of a missing key is std::nullopt, not an error; remove of a missing key is ok.
// - Errors use the ErrorCode set: not_found (missing bucket/root), permission (rejected
//   credentials), unavailable/timeout (transient: connection refused or reset, 5xx,
//   SlowDown; retried by RetryRemote), invalid_input, io, corrupt.
// - Messages never contain a secret (URLs are redacted with redact_url()).
// - Every method may be called concurrently from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::remote {

struct ObjectInfo {
  std::string key;          // relative to the remote root
  std::uint64_t size = 0;
  std::string etag;         // empty when the backend has none
  std::int64_t mtime_ns = 0;  // 0 when unknown
};

// Called with the number of bytes moved since the previous call (may be called from any
// thread). May be empty.
using ByteProgress = std::function<void(std::uint64_t delta)>;

// Called once per listed object; return false to stop listing early.
using ListVisitor = std::function<bool(const ObjectInfo&)>;

// An optional byte range [offset, offset+length) for reads.
struct ByteRange {
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
};

class Remote {
 public:
  virtual ~Remote() = default;

  // The URL this remote was opened with, credentials redacted (for messages and logs).
  virtual std::string display_url() const = 0;

  // nullopt when the key does not exist.
  virtual Expected<std::optional<ObjectInfo>> stat(const std::string& key) = 0;
  // Every object whose key starts with `prefix` (a '/'-terminated folder prefix or ""),
  // recursively, in no particular order. not_found when the root (bucket) does not exist.
  virtual Status list(const std::string& prefix, const ListVisitor& visit) = 0;

  virtual Status put_bytes(const std::string& key, std::string_view data) = 0;
  virtual Status put_file(const std::string& key, const std::string& local_path,
                          const ByteProgress& progress) = 0;
  virtual Expected<std::string> get_bytes(const std::string& key, ByteRange range = {}) = 0;
  virtual Status get_file(const std::string& key, const std::string& local_path,
                          const ByteProgress& progress) = 0;
  // get_file that also returns the MD5 (32 lowercase hex chars) of the bytes it wrote,
  // computed while they arrived (trailing_md5.h), so that a caller verifying the download
  // need not read the file again; nullopt when this backend does not compute it. The
  // default is get_file and nullopt.
  virtual Expected<std::optional<std::string>> get_file_hashed(const std::string& key, const std::string& local_path,
                                                               const ByteProgress& progress);
  virtual Status remove(const std::string& key) = 0;
  // Server-side copy within this remote where the backend has one (S3 CopyObject); the
  // default downloads and re-uploads through memory.
  virtual Status copy(const std::string& from_key, const std::string& to_key);

  // The root as a container: create it if missing (a bucket, a folder), and remove it
  // (conflict when not empty unless force). Backends without containers return ok.
  virtual Status make_root() = 0;
  enum class Force { no, yes };
  virtual Status remove_root(Force force) = 0;
};

// invalid_input unless `key` is a safe relative '/'-separated path.
Status check_key(std::string_view key);

// True for errors worth retrying (ErrorCode::unavailable or ErrorCode::timeout).
bool is_transient(const Error& error);

// "s3://user:secret@host/x?X-Amz-Signature=..." -> credentials and signed query values
// replaced by "***".
std::string redact_url(std::string_view url);

}  // namespace cairn::remote
