// ThreadPool: a fixed set of worker threads running submitted tasks, and parallel_for(),
// which runs fn(i) for i in [0, n) over the pool in chunks and waits for all of them.
//
// Tasks must not throw. wait_idle() blocks until every submitted task has finished.
// The destructor finishes queued tasks, then joins. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cairn {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void submit(std::function<void()> task);
  void wait_idle();
  std::size_t size() const { return m_workers.size(); }

 private:
  void work();

  std::vector<std::thread> m_workers;
  std::deque<std::function<void()>> m_queue;
  std::mutex m_mu;
  std::condition_variable m_cv;
  std::condition_variable m_idle_cv;
  std::size_t m_active = 0;
  bool m_stop = false;
};

// Number of worker threads to use by default: hardware concurrency, at least 1.
std::size_t default_jobs();

// Runs fn(i) for every i in [0, n) on up to `jobs` threads (the calling thread included).
// Indices are handed out dynamically in small batches, so uneven work balances out.
void parallel_for(std::size_t n, std::size_t jobs, const std::function<void(std::size_t)>& fn);

}  // namespace cairn
