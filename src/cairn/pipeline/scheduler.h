// Scheduler: runs the stages of a repro plan, one at a time in plan order (jobs == 1, DVC's
// behaviour) or several at once (jobs > 1). It knows nothing about stages: tasks are indices
// into the plan.
//
// Contract:
//  - A task starts only after every task in its `prereqs` finished with Outcome::ran or
//    Outcome::unchanged. When a task fails, every task that depends on it (directly or
//    transitively) is `blocked` and never started.
//  - Two tasks listed in each other's `conflicts` never run at the same time (their paths
//    overlap); with jobs == 1 nothing runs concurrently anyway.
//  - Among the ready tasks the earliest in plan order starts first, so jobs == 1 runs exactly the
//    plan order.
//  - OnError::fail: after the first failure no new task starts (running ones finish; the rest
//    stay `not_started`). OnError::keep_going: independent tasks continue.
//  - cancel() (thread-safe, e.g. from a signal thread): no new task starts; run() returns once
//    the running ones returned.
//  - `work` is called on worker threads (the calling thread when jobs == 1) and must be
//    thread-safe for jobs > 1.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

namespace cairn::pipeline {

enum class Outcome { ran, unchanged, failed };
enum class TaskState { not_started, ran, unchanged, failed, blocked };
enum class OnError { fail, keep_going };

struct SchedulePlan {
  std::vector<std::vector<std::size_t>> prereqs;    // per task: tasks it needs first
  std::vector<std::vector<std::size_t>> conflicts;  // per task: tasks it must not overlap with
  std::size_t size() const { return prereqs.size(); }
};

class Scheduler {
 public:
  Scheduler(const SchedulePlan& plan, std::size_t jobs, OnError on_error)
      : m_plan(plan), m_jobs(jobs == 0 ? 1 : jobs), m_on_error(on_error) {}

  // Runs every task; returns each task's final state.
  std::vector<TaskState> run(const std::function<Outcome(std::size_t)>& work);

  void cancel() { m_cancelled.store(true); }
  bool cancelled() const { return m_cancelled.load(); }

 private:
  const SchedulePlan& m_plan;
  std::size_t m_jobs;
  OnError m_on_error;
  std::atomic<bool> m_cancelled{false};
};

}  // namespace cairn::pipeline
