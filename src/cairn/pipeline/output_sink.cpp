#include "cairn/pipeline/output_sink.h"

#include <cstdio>

namespace cairn::pipeline {

void StdioSink::info(std::string_view line) {
  if (m_quiet == Quiet::yes) return;
  std::lock_guard lock(m_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void StdioSink::warning(std::string_view line) {
  std::lock_guard lock(m_mu);
  std::fflush(stdout);
  std::fputs("WARNING: ", stderr);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void StdioSink::command(env::OutputStream stream, std::string_view text) {
  std::lock_guard lock(m_mu);
  FILE* f = stream == env::OutputStream::out ? stdout : stderr;
  std::fwrite(text.data(), 1, text.size(), f);
  std::fflush(f);
}

void LineSplitter::feed(std::string_view data) {
  auto nl = data.rfind('\n');
  if (nl == std::string_view::npos) {
    m_pending.append(data);
    return;
  }
  m_pending.append(data.substr(0, nl + 1));
  m_sink.command(m_stream, m_pending);
  m_pending.assign(data.substr(nl + 1));
}

void LineSplitter::finish() {
  if (m_pending.empty()) return;
  m_sink.command(m_stream, m_pending);
  m_pending.clear();
}

}  // namespace cairn::pipeline
