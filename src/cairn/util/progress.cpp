#include "cairn/util/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace cairn {
namespace {
std::atomic<int> g_enabled{-1};  // -1: follow isatty

bool enabled() {
  int e = g_enabled.load();
  if (e >= 0) return e == 1;
  return ::isatty(2) == 1;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%s", b, units[u]);
  return buf;
}
}  // namespace

void Progress::set_enabled(bool e) { g_enabled.store(e ? 1 : 0); }

Progress::Progress(std::string label, std::uint64_t total, ProgressMode mode, ProgressUnit unit)
    : m_label(std::move(label)),
      m_total(total),
      m_start(std::chrono::steady_clock::now()),
      m_active(mode == ProgressMode::automatic && enabled()),
      m_unit(unit) {
  // Do not draw at all for work that finishes within half a second (tests may shorten this
  // with CAIRN_PROGRESS_DELAY_MS).
  std::int64_t delay_ms = 500;
  if (const char* d = std::getenv("CAIRN_PROGRESS_DELAY_MS"); d && *d) delay_ms = std::atoll(d);
  m_next_draw_ns.store(now_ns() + delay_ms * 1'000'000);
}

Progress::~Progress() { finish(); }

void Progress::advance(std::uint64_t n, std::uint64_t bytes) {
  m_done.fetch_add(n, std::memory_order_relaxed);
  if (bytes) m_bytes.fetch_add(bytes, std::memory_order_relaxed);
  if (!m_active) return;
  std::int64_t t = now_ns();
  std::int64_t next = m_next_draw_ns.load(std::memory_order_relaxed);
  if (t < next) return;
  if (!m_next_draw_ns.compare_exchange_strong(next, t + 100'000'000)) return;
  draw(false);
}

void Progress::draw(bool final_line) {
  std::lock_guard lock(m_draw_mu);
  std::uint64_t done = m_done.load(), total = m_total.load(), bytes = m_bytes.load();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  char line[256];
  std::string rate = secs > 0 ? human_bytes(static_cast<double>(bytes) / secs) + "/s" : "";
  if (total > 0) {
    int pct = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total));
    if (pct > 100) pct = 100;
    int width = 24, fill = pct * width / 100;
    std::string bar(static_cast<std::size_t>(fill), '#');
    bar.resize(static_cast<std::size_t>(width), ' ');
    if (m_unit == ProgressUnit::bytes) {
      std::snprintf(line, sizeof line, "\r%s |%s| %3d%% %s/%s %s\x1b[K", m_label.c_str(), bar.c_str(), pct,
                    human_bytes(static_cast<double>(done)).c_str(), human_bytes(static_cast<double>(total)).c_str(),
                    rate.c_str());
    } else {
      std::snprintf(line, sizeof line, "\r%s |%s| %3d%% %llu/%llu files %s %s\x1b[K", m_label.c_str(),
                    bar.c_str(), pct, static_cast<unsigned long long>(done),
                    static_cast<unsigned long long>(total), human_bytes(static_cast<double>(bytes)).c_str(),
                    rate.c_str());
    }
  } else {
    std::snprintf(line, sizeof line, "\r%s %llu files %s %s\x1b[K", m_label.c_str(),
                  static_cast<unsigned long long>(done), human_bytes(static_cast<double>(bytes)).c_str(),
                  rate.c_str());
  }
  std::fputs(line, stderr);
  if (final_line) std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  m_drawn = true;
}

void Progress::finish() {
  if (!m_active) return;
  m_active = false;
  if (m_drawn) {
    std::lock_guard lock(m_draw_mu);
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
}

}  // namespace cairn
