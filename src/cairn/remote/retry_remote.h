// RetryRemote: a Remote wrapper that retries calls failing with a transient error
// (is_transient(): unavailable, timeout) with exponential backoff and full jitter:
//   attempt k (k >= 1) failed -> sleep uniform(0, min(max_delay, base_delay * 2^(k-1)))
// It gives up when max_attempts calls were made, when the next sleep would end past the
// per-call total deadline (measured from the first attempt), or at the first
// non-transient error (permission, not_found, invalid_input, ... are returned at once).
// WrapOptions::total_deadline_ms <= 0 means no deadline; max_attempts < 1 means 1.
// The error returned is the last one, with "after N attempts" added when it retried.
// Every retry bumps counters().retries.
//
// Restarts are clean: each attempt of put_file re-reads the local file from its start and
// each attempt of get_file truncates the local file (the Remote contract). Progress
// callbacks see a monotone count: bytes an attempt re-sends are not reported again, so the
// total reported never exceeds the object's size.
//
// The wrapped remote's own copy() is used (server-side copy where the backend has one).
// Thread-safe if the wrapped remote is; the clock and sleep are injectable for tests.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "cairn/remote/registry.h"
#include "cairn/remote/remote.h"

namespace cairn::remote {

struct RetryClock {
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
  // A random double in [0, 1) for the jitter; may be called from any thread.
  std::function<double()> uniform;
};

// The real steady clock, std::this_thread::sleep_for and a thread-local PRNG.
RetryClock system_retry_clock();

class RetryRemote : public Remote {
 public:
  RetryRemote(std::unique_ptr<Remote> inner, const WrapOptions& options, RetryClock clock = system_retry_clock());

  std::string display_url() const override { return m_inner->display_url(); }
  Expected<std::optional<ObjectInfo>> stat(const std::string& key) override;
  Status list(const std::string& prefix, const ListVisitor& visit) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::string> get_bytes(const std::string& key, ByteRange range = {}) override;
  Status get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::optional<std::string>> get_file_hashed(const std::string& key, const std::string& local_path,
                                                       const ByteProgress& progress) override;
  Status remove(const std::string& key) override;
  Status copy(const std::string& from_key, const std::string& to_key) override;
  Status make_root() override;
  Status remove_root(Force force) override;

 private:
  // Runs `attempt` until it succeeds, fails for good, or the budget is spent.
  template <class T>
  Expected<T> run(const std::function<Expected<T>()>& attempt);

  std::unique_ptr<Remote> m_inner;
  WrapOptions m_options;
  RetryClock m_clock;
};

}  // namespace cairn::remote
