// S3 error mapping; see s3_errors.h.
#include "cairn/remote/s3_errors.h"

#include <cctype>

namespace cairn::remote::s3 {

namespace {

std::string server_said(long status, const S3ErrorBody& body) {
  std::string out = std::to_string(status);
  if (!body.code.empty()) out += " " + body.code;
  if (!body.message.empty()) out += ": " + body.message;
  return out;
}

bool is_one_of(const std::string& code, std::initializer_list<std::string_view> codes) {
  for (auto c : codes)
    if (code == c) return true;
  return false;
}

// Replaces the value after each occurrence of `marker` up to the first byte in `stop`.
void redact_after(std::string& s, std::string_view marker, std::string_view stop) {
  std::size_t pos = 0;
  while ((pos = s.find(marker, pos)) != std::string::npos) {
    std::size_t begin = pos + marker.size();
    std::size_t end = s.find_first_of(stop, begin);
    if (end == std::string::npos) end = s.size();
    if (end > begin) s.replace(begin, end - begin, "***");
    pos = begin + 3;
  }
}

}  // namespace

Error map_s3_error(const http::HttpResponse& response, const ErrorSubject& subject) {
  S3ErrorBody body = parse_error_body(response.body);
  long status = response.status;
  const std::string& code = body.code;
  std::string said = server_said(status, body);
  std::string prefix = subject.what + ": ";

  if (code == "NoSuchBucket") {
    return Error(ErrorCode::not_found, "bucket '" + subject.bucket + "' does not exist" +
                                           (subject.endpoint.empty() ? "" : " at " + subject.endpoint) +
                                           " (" + subject.what + ": " + said + ")");
  }
  if (is_one_of(code, {"SlowDown", "ServiceUnavailable", "InternalError", "OperationAborted", "Throttling",
                       "ThrottlingException", "RequestLimitExceeded"}) ||
      status >= 500 || status == 429) {
    return Error(ErrorCode::unavailable, prefix + "the server is unavailable or throttling (" + said + ")");
  }
  if (code == "RequestTimeout" || status == 408) {
    return Error(ErrorCode::timeout, prefix + "the server timed out waiting for the request (" + said + ")");
  }
  if (code == "RequestTimeTooSkewed") {
    return Error(ErrorCode::permission,
                 prefix + "request rejected (" + said +
                     "): the system clock is too far from the server's; fix the clock");
  }
  if (status == 403 ||
      is_one_of(code, {"ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AccessDenied",
                       "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"})) {
    std::string server = said == std::to_string(status) ? said + " Forbidden" : said;
    return Error(ErrorCode::permission, prefix + "access denied (" + server +
                                            "); check the credentials for bucket '" + subject.bucket + "' (" +
                                            subject.credentials + ") and that they allow this operation");
  }
  if (code == "NoSuchKey" || (status == 404 && code.empty())) {
    return Error(ErrorCode::not_found, prefix + "no such object (" + said + ")");
  }
  if (status == 404) return Error(ErrorCode::not_found, prefix + said);
  if (is_one_of(code, {"BucketNotEmpty", "BucketAlreadyExists", "PreconditionFailed"}) || status == 409 ||
      status == 412) {
    return Error(ErrorCode::conflict, prefix + said);
  }
  if (status == 301 || status == 307 || code == "PermanentRedirect" ||
      code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException") {
    std::string region = !body.region.empty() ? body.region : response.header("x-amz-bucket-region");
    std::string hint = region.empty()
                           ? "check the remote's region and endpointurl"
                           : "the bucket is in region '" + region + "'; set the remote's region to it";
    return Error(ErrorCode::invalid_input, prefix + "wrong region or endpoint (" + said + "): " + hint);
  }
  if (status >= 400 && status < 500)
    return Error(ErrorCode::invalid_input, prefix + "request rejected (" + said + ")");
  return Error(ErrorCode::io, prefix + "unexpected response (" + said + ")");
}

std::string scrub_secrets(std::string message, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 4) continue;
    std::size_t pos = 0;
    while ((pos = message.find(secret, pos)) != std::string::npos) {
      message.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  redact_after(message, "Signature=", " ,;&\"'<\n");
  redact_after(message, "<SignatureProvided>", "<");
  redact_after(message, "X-Amz-Security-Token=", " ,;&\"'<\n");
  return message;
}

}  // namespace cairn::remote::s3
