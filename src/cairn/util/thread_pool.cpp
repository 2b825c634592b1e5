#include "cairn/util/thread_pool.h"

#include <algorithm>
#include <atomic>

namespace cairn {

ThreadPool::ThreadPool(std::size_t threads) {
  threads = std::max<std::size_t>(1, threads);
  m_workers.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) m_workers.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(m_mu);
    m_stop = true;
  }
  m_cv.notify_all();
  for (auto& t : m_workers) t.join();
}

void ThreadPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(m_mu);
    m_queue.push_back(std::move(task));
  }
  m_cv.notify_one();
}

void ThreadPool::wait_idle() {
  std::unique_lock lock(m_mu);
  m_idle_cv.wait(lock, [this] { return m_queue.empty() && m_active == 0; });
}

void ThreadPool::work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(m_mu);
      m_cv.wait(lock, [this] { return m_stop || !m_queue.empty(); });
      if (m_queue.empty()) return;  // stopping and drained
      task = std::move(m_queue.front());
      m_queue.pop_front();
      ++m_active;
    }
    task();
    {
      std::lock_guard lock(m_mu);
      --m_active;
      if (m_queue.empty() && m_active == 0) m_idle_cv.notify_all();
    }
  }
}

std::size_t default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

void parallel_for(std::size_t n, std::size_t jobs, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  jobs = std::max<std::size_t>(1, std::min(jobs, n));
  if (jobs == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  const std::size_t batch = std::max<std::size_t>(1, std::min<std::size_t>(64, n / (jobs * 8)));
  auto runner = [&] {
    while (true) {
      std::size_t start = next.fetch_add(batch);
      if (start >= n) return;
      std::size_t end = std::min(n, start + batch);
      for (std::size_t i = start; i < end; ++i) fn(i);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs - 1);
  for (std::size_t t = 1; t < jobs; ++t) threads.emplace_back(runner);
  runner();
  for (auto& t : threads) t.join();
}

}  // namespace cairn
