#include "cairn/repo/transfer.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "cairn/util/progress.h"

namespace cairn::repo {

std::string hash_info_text(const object::ObjectId& id) {
  return std::string(id.name == object::HashName::md5 ? "md5: " : "md5-dos2unix: ") + id.value;
}

std::vector<Status> run_transfers(const std::vector<object::ObjectId>& ids, std::size_t jobs, const std::string& label,
                                  const std::function<Status(const object::ObjectId&, const remote::ByteProgress&)>& op,
                                  const std::function<void(const object::ObjectId&)>& after_each) {
  std::vector<Status> results(ids.size());
  if (ids.empty()) return results;
  Progress bar(label, ids.size());
  remote::ByteProgress bytes = [&bar](std::uint64_t delta) { bar.advance(0, delta); };
  // One object per work item: transfers are latency-bound, so no batching.
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    while (true) {
      std::size_t i = next.fetch_add(1);
      if (i >= ids.size()) return;
      results[i] = op(ids[i], bytes);
      if (results[i] && after_each) after_each(ids[i]);
      bar.advance(1, 0);
    }
  };
  std::size_t threads = std::max<std::size_t>(1, std::min(jobs, ids.size()));
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  bar.finish();
  return results;
}

}  // namespace cairn::repo
