// FirstParseError: the first error a hand-written text parser (JSON, TOML) meets, reported as
// one line "<file>:<line>: <what>" with the line counted at the failing byte offset.
//
// fail() records only the first error (later ones are consequences) and returns false so a
// parser can `return fail(...)`. line_at() is cheap for increasing offsets (it resumes from
// the last one). Not thread-safe; one per parse.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cairn/util/error.h"

namespace cairn::pipeline {

class FirstParseError {
 public:
  FirstParseError(std::string_view text, std::string_view file) : m_text(text), m_file(file) {}

  bool fail(std::size_t pos, const std::string& what) {
    if (m_error.empty()) m_error = std::to_string(line_at(pos)) + ": " + what;
    return false;
  }
  bool failed() const { return !m_error.empty(); }
  std::unexpected<Error> error() const {
    return make_error(ErrorCode::invalid_input, std::string(m_file) + ":" + m_error);
  }
  int line_at(std::size_t pos) {
    if (pos < m_line_pos) {
      m_line_pos = 0;
      m_line = 1;
    }
    for (; m_line_pos < pos && m_line_pos < m_text.size(); ++m_line_pos)
      if (m_text[m_line_pos] == '\n') ++m_line;
    return m_line;
  }

 private:
  std::string_view m_text;
  std::string_view m_file;
  std::size_t m_line_pos = 0;
  int m_line = 1;
  std::string m_error;
};

}  // namespace cairn::pipeline
