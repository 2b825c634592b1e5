// Counters: what a command did (files walked, stat-cache hits, files hashed, bytes hashed,
// objects added, files linked, objects and bytes moved to and from remotes, retries), so
// tests assert on behaviour instead of timing. One global instance per process; all fields
// are atomic and may be bumped from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace cairn {

struct Counters {
  std::atomic<std::uint64_t> files_walked{0};
  std::atomic<std::uint64_t> stat_cache_hits{0};
  std::atomic<std::uint64_t> files_hashed{0};
  std::atomic<std::uint64_t> bytes_hashed{0};
  std::atomic<std::uint64_t> objects_added{0};
  std::atomic<std::uint64_t> files_linked{0};
  std::atomic<std::uint64_t> objects_removed{0};
  // Whole-directory answers from the state memos (cache/tree_memo.h, cache/presence_memo.h).
  std::atomic<std::uint64_t> tree_memo_hits{0};
  std::atomic<std::uint64_t> presence_memo_hits{0};
  std::atomic<std::uint64_t> bytes_verified{0};  // bytes of objects re-hashed to check them (cache, downloads)
  // Remote transfers (remote/counting_remote.h, remote/retry_remote.h): successful uploads
  // and downloads, and calls retried after a transient error.
  std::atomic<std::uint64_t> objects_uploaded{0};
  std::atomic<std::uint64_t> bytes_uploaded{0};
  std::atomic<std::uint64_t> objects_downloaded{0};
  std::atomic<std::uint64_t> bytes_downloaded{0};
  std::atomic<std::uint64_t> retries{0};
  // Remote requests that ask what a remote holds (remote/counting_remote.h): stat calls and
  // list calls, so tests can assert that a no-op push asks (almost) nothing.
  std::atomic<std::uint64_t> remote_stats{0};
  std::atomic<std::uint64_t> remote_lists{0};

  // {"files_walked": N, ...} (one line of JSON).
  std::string to_json() const;
};

Counters& counters();

}  // namespace cairn
