#include "cairn/remote/counting_remote.h"

#include <atomic>

#include "cairn/util/counters.h"

namespace cairn::remote {

namespace {

// Wraps `outer` so the bytes it sees are also summed into `total`.
ByteProgress summing(const ByteProgress& outer, std::atomic<std::uint64_t>& total) {
  return [&outer, &total](std::uint64_t delta) {
    total.fetch_add(delta, std::memory_order_relaxed);
    if (outer) outer(delta);
  };
}

}  // namespace

Expected<std::optional<ObjectInfo>> CountingRemote::stat(const std::string& key) {
  counters().remote_stats.fetch_add(1, std::memory_order_relaxed);
  return m_inner->stat(key);
}

Status CountingRemote::list(const std::string& prefix, const ListVisitor& visit) {
  counters().remote_lists.fetch_add(1, std::memory_order_relaxed);
  return m_inner->list(prefix, visit);
}

Status CountingRemote::put_bytes(const std::string& key, std::string_view data) {
  TRY_STATUS(m_inner->put_bytes(key, data));
  counters().objects_uploaded.fetch_add(1, std::memory_order_relaxed);
  counters().bytes_uploaded.fetch_add(data.size(), std::memory_order_relaxed);
  return ok();
}

Status CountingRemote::put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  std::atomic<std::uint64_t> bytes{0};
  TRY_STATUS(m_inner->put_file(key, local_path, summing(progress, bytes)));
  counters().objects_uploaded.fetch_add(1, std::memory_order_relaxed);
  counters().bytes_uploaded.fetch_add(bytes.load(), std::memory_order_relaxed);
  return ok();
}

Expected<std::string> CountingRemote::get_bytes(const std::string& key, ByteRange range) {
  ASSIGN_OR_RETURN(std::string data, m_inner->get_bytes(key, range));
  counters().objects_downloaded.fetch_add(1, std::memory_order_relaxed);
  counters().bytes_downloaded.fetch_add(data.size(), std::memory_order_relaxed);
  return data;
}

Status CountingRemote::get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  std::atomic<std::uint64_t> bytes{0};
  TRY_STATUS(m_inner->get_file(key, local_path, summing(progress, bytes)));
  counters().objects_downloaded.fetch_add(1, std::memory_order_relaxed);
  counters().bytes_downloaded.fetch_add(bytes.load(), std::memory_order_relaxed);
  return ok();
}

Expected<std::optional<std::string>> CountingRemote::get_file_hashed(const std::string& key,
                                                                     const std::string& local_path,
                                                                     const ByteProgress& progress) {
  std::atomic<std::uint64_t> bytes{0};
  ASSIGN_OR_RETURN(auto md5, m_inner->get_file_hashed(key, local_path, summing(progress, bytes)));
  counters().objects_downloaded.fetch_add(1, std::memory_order_relaxed);
  counters().bytes_downloaded.fetch_add(bytes.load(), std::memory_order_relaxed);
  return md5;
}

}  // namespace cairn::remote
