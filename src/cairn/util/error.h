// Error and Expected<T>: how every fallible engine call reports failure.
//
// An Error carries a small actionable code and a human message that gains context as it
// travels up ("adding data: reading data/x: No space left on device"). Library code never
// throws for user errors; the CLI maps codes to exit codes and the Python binding maps them
// to exception classes. A cache miss is an empty std::optional, not an Error.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace cairn {

enum class ErrorCode {
  not_found,      // a named thing does not exist
  invalid_input,  // user input (file, flag, query) is malformed
  corrupt,        // stored bytes do not match their name or format
  conflict,       // the operation would overwrite/lose something, or a lock is held
  io,             // an OS-level I/O failure (EIO, ENOSPC, ...)
  permission,     // EACCES / EPERM
  unavailable,    // a server or resource cannot be reached
  timeout,        // an operation ran out of time
};

std::string_view error_code_name(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : m_code(code), m_message(std::move(message)) {}

  ErrorCode code() const { return m_code; }
  const std::string& message() const { return m_message; }

  // Returns a copy whose message is "context: message".
  Error with_context(std::string_view context) const& {
    return Error(m_code, std::string(context) + ": " + m_message);
  }
  Error with_context(std::string_view context) && {
    m_message = std::string(context) + ": " + m_message;
    return std::move(*this);
  }

 private:
  ErrorCode m_code;
  std::string m_message;
};

template <class T>
using Expected = std::expected<T, Error>;

using Status = Expected<void>;

inline std::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}

inline Status ok() { return {}; }

// Maps an errno value onto an ErrorCode.
ErrorCode error_code_from_errno(int err);

// An Error from errno: "<what>: <strerror(err)>".
std::unexpected<Error> errno_error(int err, std::string_view what);

}  // namespace cairn

// TRY(expr): evaluates an Expected; on error returns it from the enclosing function.
#define CAIRN_CONCAT_INNER(a, b) a##b
#define CAIRN_CONCAT(a, b) CAIRN_CONCAT_INNER(a, b)
#define TRY_STATUS(expr)                                              \
  do {                                                                \
    auto&& cairn_try_result_ = (expr);                                \
    if (!cairn_try_result_) return std::unexpected(cairn_try_result_.error()); \
  } while (0)
// ASSIGN_OR_RETURN(lhs, expr): lhs = *expr or return the error.
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(CAIRN_CONCAT(cairn_r_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)            \
  auto tmp = (expr);                                     \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
