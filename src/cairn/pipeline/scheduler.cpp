#include "cairn/pipeline/scheduler.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace cairn::pipeline {

namespace {

bool done_ok(TaskState s) { return s == TaskState::ran || s == TaskState::unchanged; }

// Marks every not-started task that (transitively) needs `failed` as blocked.
void block_dependents(const SchedulePlan& plan, std::vector<TaskState>& state, std::size_t failed) {
  bool changed = true;
  std::vector<bool> bad(plan.size(), false);
  bad[failed] = true;
  while (changed) {
    changed = false;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (bad[i]) continue;
      for (std::size_t p : plan.prereqs[i])
        if (bad[p]) {
          bad[i] = true;
          changed = true;
          if (state[i] == TaskState::not_started) state[i] = TaskState::blocked;
          break;
        }
    }
  }
}

}  // namespace

std::vector<TaskState> Scheduler::run(const std::function<Outcome(std::size_t)>& work) {
  const std::size_t n = m_plan.size();
  std::vector<TaskState> state(n, TaskState::not_started);
  std::vector<bool> running(n, false);
  std::mutex mu;
  std::condition_variable cv;
  std::size_t active = 0;
  bool stop = false;

  auto finish = [&](std::size_t i, Outcome o) {
    running[i] = false;
    --active;
    if (o == Outcome::ran) state[i] = TaskState::ran;
    else if (o == Outcome::unchanged) state[i] = TaskState::unchanged;
    else {
      state[i] = TaskState::failed;
      block_dependents(m_plan, state, i);
      if (m_on_error == OnError::fail) stop = true;
    }
  };
  // The first task (plan order) that may start now; n when none.
  auto pick = [&]() -> std::size_t {
    for (std::size_t i = 0; i < n; ++i) {
      if (state[i] != TaskState::not_started || running[i]) continue;
      bool ready = true;
      for (std::size_t p : m_plan.prereqs[i])
        if (!done_ok(state[p])) {
          ready = false;
          break;
        }
      if (!ready) continue;
      for (std::size_t c : m_plan.conflicts[i])
        if (running[c]) {
          ready = false;
          break;
        }
      if (ready) return i;
    }
    return n;
  };

  if (m_jobs == 1) {
    for (std::size_t i = 0; i < n; ++i) {
      if (stop || m_cancelled.load()) break;
      std::size_t next = pick();
      if (next == n) break;
      running[next] = true;
      ++active;
      finish(next, work(next));
    }
    return state;
  }

  std::vector<std::thread> threads;
  std::unique_lock lock(mu);
  while (true) {
    if (!stop && !m_cancelled.load()) {
      while (active < m_jobs) {
        std::size_t next = pick();
        if (next == n) break;
        running[next] = true;
        ++active;
        threads.emplace_back([&, next] {
          Outcome o = Outcome::failed;
          try {
            o = work(next);
          } catch (...) {
            o = Outcome::failed;
          }
          std::lock_guard g(mu);
          finish(next, o);
          cv.notify_all();
        });
      }
    }
    if (active == 0) break;
    // Wake up periodically to notice cancel().
    cv.wait_for(lock, std::chrono::milliseconds(50));
  }
  lock.unlock();
  for (auto& t : threads) t.join();
  return state;
}

}  // namespace cairn::pipeline
