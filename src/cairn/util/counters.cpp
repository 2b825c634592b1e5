#include "cairn/util/counters.h"

namespace cairn {

std::string Counters::to_json() const {
  auto f = [](const char* k, const std::atomic<std::uint64_t>& v) {
    return std::string("\"") + k + "\": " + std::to_string(v.load());
  };
  return "{" + f("files_walked", files_walked) + ", " + f("stat_cache_hits", stat_cache_hits) + ", " +
         f("files_hashed", files_hashed) + ", " + f("bytes_hashed", bytes_hashed) + ", " +
         f("objects_added", objects_added) + ", " + f("files_linked", files_linked) + ", " +
         f("objects_removed", objects_removed) + ", " + f("objects_uploaded", objects_uploaded) + ", " +
         f("bytes_uploaded", bytes_uploaded) + ", " + f("objects_downloaded", objects_downloaded) + ", " +
         f("bytes_downloaded", bytes_downloaded) + ", " + f("retries", retries) + ", " +
         f("remote_stats", remote_stats) + ", " + f("remote_lists", remote_lists) + ", " +
         f("tree_memo_hits", tree_memo_hits) + ", " + f("presence_memo_hits", presence_memo_hits) + ", " +
         f("bytes_verified", bytes_verified) + "}";
}

Counters& counters() {
  static Counters c;
  return c;
}

}  // namespace cairn
