// OutputSink: where `repro` writes its messages and, when stages run in parallel, the output of
// their commands. Thread-safe: every call writes its text in one piece, so lines from
// concurrently running commands never interleave mid-line.
//
// info() is a DVC log message (suppressed by --quiet); warning() prints "WARNING: <text>" to
// stderr; command() is a chunk of a command's stdout or stderr (complete lines).
// StdioSink writes to the process's stdout/stderr and flushes after each call.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "cairn/env/env.h"

namespace cairn::pipeline {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void info(std::string_view line) = 0;
  virtual void warning(std::string_view line) = 0;
  virtual void command(env::OutputStream stream, std::string_view text) = 0;
};

enum class Quiet { no, yes };

class StdioSink : public OutputSink {
 public:
  explicit StdioSink(Quiet quiet) : m_quiet(quiet) {}
  void info(std::string_view line) override;
  void warning(std::string_view line) override;
  void command(env::OutputStream stream, std::string_view text) override;

 private:
  Quiet m_quiet;
  std::mutex m_mu;
};

// Splits a byte stream into complete lines; what is left at the end is flushed by finish().
class LineSplitter {
 public:
  LineSplitter(OutputSink& sink, env::OutputStream stream) : m_sink(sink), m_stream(stream) {}
  void feed(std::string_view data);
  void finish();

 private:
  OutputSink& m_sink;
  env::OutputStream m_stream;
  std::string m_pending;
};

}  // namespace cairn::pipeline
