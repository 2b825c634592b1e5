#include "cairn/util/error.h"

#include <cerrno>
#include <cstring>

namespace cairn {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::invalid_input: return "invalid_input";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::io: return "io";
    case ErrorCode::permission: return "permission";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::timeout: return "timeout";
  }
  return "unknown";
}

ErrorCode error_code_from_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR: return ErrorCode::not_found;
    case EACCES:
    case EPERM:
    case EROFS: return ErrorCode::permission;
    case EEXIST:
    case ENOTEMPTY:
    case EBUSY:
    case EWOULDBLOCK: return ErrorCode::conflict;
    case ETIMEDOUT: return ErrorCode::timeout;
    case EINVAL:
    case ENAMETOOLONG: return ErrorCode::invalid_input;
    default: return ErrorCode::io;
  }
}

std::unexpected<Error> errno_error(int err, std::string_view what) {
  return make_error(error_code_from_errno(err), std::string(what) + ": " + std::strerror(err));
}

}  // namespace cairn
