// MemRemote: a process-wide in-memory object store for tests, addressed as "mem://name".
// Every MemRemote opened with the same name shares one store, so a repository test can
// push through one instance and check through another.
//
// Semantics follow a local folder remote: the store (its "root") comes into existence with
// make_root() or the first put; list and remove_root of a missing store are not_found.
// Objects get an etag (MD5 hex of their bytes) and an mtime. Local files named in
// put_file/get_file are read and written through env::Env.
//
// Test hooks (on the shared store, so they also reach instances opened by the registry):
// - inject(): queue failures, e.g. "the next 3 calls fail with unavailable", optionally only
//   for one kind of call, optionally after moving some bytes (a get_file that has written
//   half the file, a put_file that has read half of it and stored nothing).
// - set_latency(): every call sleeps first, so concurrency can be observed.
// - stats(): calls made and the peak number of calls in flight at once.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cairn/env/env.h"
#include "cairn/remote/remote.h"

namespace cairn::remote {

enum class MemOp { any, stat, list, put, get, remove, copy, root };

struct MemFault {
  ErrorCode code = ErrorCode::unavailable;
  int count = 1;                 // number of matching calls that fail
  MemOp op = MemOp::any;         // which calls match
  std::uint64_t after_bytes = 0;  // put_file/get_file: bytes moved before the failure
};

struct MemStats {
  std::uint64_t calls = 0;
  int peak_in_flight = 0;
};

struct MemStore;

class MemRemote : public Remote {
 public:
  // `url`: "mem://name" (or just "name").
  explicit MemRemote(std::string_view url, env::Env* env = env::default_env());
  ~MemRemote() override;

  std::string display_url() const override;
  Expected<std::optional<ObjectInfo>> stat(const std::string& key) override;
  Status list(const std::string& prefix, const ListVisitor& visit) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::string> get_bytes(const std::string& key, ByteRange range = {}) override;
  Status get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Status remove(const std::string& key) override;
  Status copy(const std::string& from_key, const std::string& to_key) override;
  Status make_root() override;
  Status remove_root(Force force) override;

  // ---- test hooks ----
  void inject(MemFault fault);
  void clear_faults();
  void set_latency(std::chrono::milliseconds latency);
  MemStats stats() const;
  void reset_stats();
  // Forgets the store of this name (its objects and hooks); later opens start empty.
  static void drop(std::string_view url);

 private:
  class Call;

  std::string m_name;
  env::Env* m_env;
  std::shared_ptr<MemStore> m_store;
};

}  // namespace cairn::remote
