// Progress: a single-line progress bar on stderr for long work, drawn only when stderr is a
// terminal (and not disabled by quiet mode). Counters are atomic; any thread may call
// advance(). Redraws are throttled to ~10 per second by whichever thread crosses the
// deadline. finish() clears the line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace cairn {

enum class ProgressMode { automatic, off };
// What advance(n) counts: files (the bar shows "done/total files") or bytes (the bar shows
// "12.0MB/26.0MB"; advance(n, n)).
enum class ProgressUnit { files, bytes };

class Progress {
 public:
  Progress(std::string label, std::uint64_t total, ProgressMode mode = ProgressMode::automatic,
           ProgressUnit unit = ProgressUnit::files);
  ~Progress();
  void set_total(std::uint64_t total) { m_total.store(total); }
  void advance(std::uint64_t n = 1, std::uint64_t bytes = 0);
  void finish();

  // Globally disables bars (e.g. -q); the default follows isatty(stderr).
  static void set_enabled(bool enabled);

 private:
  void draw(bool final_line);

  std::string m_label;
  std::atomic<std::uint64_t> m_total;
  std::atomic<std::uint64_t> m_done{0};
  std::atomic<std::uint64_t> m_bytes{0};
  std::atomic<std::int64_t> m_next_draw_ns{0};
  std::chrono::steady_clock::time_point m_start;
  std::mutex m_draw_mu;
  bool m_active;
  ProgressUnit m_unit = ProgressUnit::files;
  bool m_drawn = false;
};

}  // namespace cairn
