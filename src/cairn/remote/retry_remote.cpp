#include "cairn/remote/retry_remote.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "cairn/util/counters.h"

namespace cairn::remote {

namespace {

// Progress for a call that may be attempted several times: forwards only bytes beyond the
// most reported by any attempt so far, so a restarted transfer is not counted twice.
class MonotoneProgress {
 public:
  explicit MonotoneProgress(const ByteProgress& outer) : m_outer(outer) {}

  // The callback for one attempt (resets the attempt's own count).
  ByteProgress attempt() {
    m_attempt.store(0);
    if (!m_outer) return {};
    return [this](std::uint64_t delta) {
      std::uint64_t now = m_attempt.fetch_add(delta) + delta;
      std::uint64_t seen = m_reported.load();
      while (now > seen) {
        if (m_reported.compare_exchange_weak(seen, now)) {
          m_outer(now - seen);
          return;
        }
      }
    };
  }

 private:
  const ByteProgress& m_outer;
  std::atomic<std::uint64_t> m_attempt{0};
  std::atomic<std::uint64_t> m_reported{0};
};

// A 128-bit digest of a listed key (two independent 64-bit hashes), so a retried listing
// can skip keys it already delivered without keeping the keys themselves.
using KeyDigest = std::pair<std::uint64_t, std::uint64_t>;

KeyDigest digest(std::string_view key) {
  std::uint64_t fnv = 1469598103934665603ULL;
  for (unsigned char c : key) {
    fnv ^= c;
    fnv *= 1099511628211ULL;
  }
  return {std::hash<std::string_view>{}(key), fnv};
}

template <class T>
Expected<T> annotate(Expected<T> result, int attempts) {
  if (result || attempts <= 1) return result;
  const Error& e = result.error();
  return std::unexpected(Error(e.code(), e.message() + " (after " + std::to_string(attempts) + " attempts)"));
}

}  // namespace

RetryClock system_retry_clock() {
  RetryClock clock;
  clock.now = [] { return std::chrono::steady_clock::now(); };
  clock.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  clock.uniform = [] {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  };
  return clock;
}

RetryRemote::RetryRemote(std::unique_ptr<Remote> inner, const WrapOptions& options, RetryClock clock)
    : m_inner(std::move(inner)), m_options(options), m_clock(std::move(clock)) {}

template <class T>
Expected<T> RetryRemote::run(const std::function<Expected<T>()>& attempt) {
  const auto start = m_clock.now();
  const int max_attempts = std::max(1, m_options.max_attempts);
  for (int n = 1;; ++n) {
    Expected<T> result = attempt();
    if (result || !is_transient(result.error()) || n >= max_attempts) return annotate(std::move(result), n);
    double cap_ms = std::min<double>(std::max(0, m_options.max_delay_ms),
                                     std::max(0, m_options.base_delay_ms) * std::ldexp(1.0, std::min(n - 1, 30)));
    auto delay = std::chrono::milliseconds(static_cast<long long>(m_clock.uniform() * cap_ms));
    if (m_options.total_deadline_ms > 0) {
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - start);
      if (elapsed + delay > std::chrono::milliseconds(m_options.total_deadline_ms))
        return annotate(std::move(result), n);
    }
    if (delay.count() > 0) m_clock.sleep(delay);
    counters().retries.fetch_add(1, std::memory_order_relaxed);
  }
}

Expected<std::optional<ObjectInfo>> RetryRemote::stat(const std::string& key) {
  return run<std::optional<ObjectInfo>>([&] { return m_inner->stat(key); });
}

Status RetryRemote::list(const std::string& prefix, const ListVisitor& visit) {
  std::mutex mu;
  std::vector<KeyDigest> seen;   // delivered by earlier attempts (sorted)
  std::vector<KeyDigest> fresh;  // delivered by the current attempt
  bool stopped = false;
  return run<void>([&]() -> Status {
    {
      std::lock_guard lock(mu);
      seen.insert(seen.end(), fresh.begin(), fresh.end());
      fresh.clear();
      std::sort(seen.begin(), seen.end());
    }
    if (stopped) return ok();
    return m_inner->list(prefix, [&](const ObjectInfo& info) {
      std::lock_guard lock(mu);
      if (stopped) return false;
      KeyDigest d = digest(info.key);
      if (!seen.empty() && std::binary_search(seen.begin(), seen.end(), d)) return true;
      fresh.push_back(d);
      if (!visit(info)) stopped = true;
      return !stopped;
    });
  });
}

Status RetryRemote::put_bytes(const std::string& key, std::string_view data) {
  return run<void>([&] { return m_inner->put_bytes(key, data); });
}

Status RetryRemote::put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  MonotoneProgress monotone(progress);
  return run<void>([&] { return m_inner->put_file(key, local_path, monotone.attempt()); });
}

Expected<std::string> RetryRemote::get_bytes(const std::string& key, ByteRange range) {
  return run<std::string>([&] { return m_inner->get_bytes(key, range); });
}

Status RetryRemote::get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  MonotoneProgress monotone(progress);
  return run<void>([&] { return m_inner->get_file(key, local_path, monotone.attempt()); });
}

Expected<std::optional<std::string>> RetryRemote::get_file_hashed(const std::string& key, const std::string& local_path,
                                                                  const ByteProgress& progress) {
  MonotoneProgress monotone(progress);
  return run<std::optional<std::string>>(
      [&] { return m_inner->get_file_hashed(key, local_path, monotone.attempt()); });
}

Status RetryRemote::remove(const std::string& key) {
  return run<void>([&] { return m_inner->remove(key); });
}

Status RetryRemote::copy(const std::string& from_key, const std::string& to_key) {
  return run<void>([&] { return m_inner->copy(from_key, to_key); });
}

Status RetryRemote::make_root() {
  return run<void>([&] { return m_inner->make_root(); });
}

Status RetryRemote::remove_root(Force force) {
  return run<void>([&] { return m_inner->remove_root(force); });
}

}  // namespace cairn::remote
