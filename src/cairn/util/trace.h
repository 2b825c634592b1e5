// TraceSpan: wall-clock timing of named phases, printed to stderr when the environment
// variable CAIRN_TRACE is set ("trace: walk 41.2 ms"). For finding where time goes in a
// command without a profiler; costs one getenv per process when off.
#pragma once

#include <chrono>
#include <string_view>

namespace cairn {

bool trace_enabled();

class TraceSpan {
 public:
  explicit TraceSpan(std::string_view name);
  ~TraceSpan();
  TraceSpan(const TraceSpan&) = delete;
  TraceSpan& operator=(const TraceSpan&) = delete;

 private:
  std::string_view m_name;
  std::chrono::steady_clock::time_point m_start;
  bool m_on;
};

}  // namespace cairn
