#include "cairn/util/trace.h"

#include <cstdio>
#include <cstdlib>

namespace cairn {

bool trace_enabled() {
  static const bool on = std::getenv("CAIRN_TRACE") != nullptr;
  return on;
}

TraceSpan::TraceSpan(std::string_view name) : m_name(name), m_on(trace_enabled()) {
  if (m_on) m_start = std::chrono::steady_clock::now();
}

TraceSpan::~TraceSpan() {
  if (!m_on) return;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start).count();
  std::fprintf(stderr, "trace: %.*s %.1f ms\n", static_cast<int>(m_name.size()), m_name.data(), ms);
}

}  // namespace cairn
