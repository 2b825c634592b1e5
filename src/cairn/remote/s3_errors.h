// Mapping of S3 failures onto cairn's ErrorCode set, with messages that say what failed, on
// which bucket/key, what the server said (its error Code and Message, never the rest of the
// body) and what to do:
//   5xx, 429, SlowDown, ServiceUnavailable, InternalError, OperationAborted -> unavailable
//   408, RequestTimeout                                                 -> timeout
//     (both transient: RetryRemote retries them; the backend itself never retries)
//   403 (AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch, ...), ExpiredToken,
//   InvalidToken -> permission, naming the bucket and where the credentials came from
//   RequestTimeTooSkewed -> permission, suggesting to fix the clock
//   NoSuchBucket -> not_found "bucket 'x' does not exist"; NoSuchKey/404 -> not_found
//   BucketNotEmpty, BucketAlreadyExists, 412 -> conflict
//   301/PermanentRedirect, AuthorizationHeaderMalformed (wrong region), 400/416 others
//   -> invalid_input; anything else -> io.
// scrub_secrets() is the last step of every message the backend produces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/remote/http_transport.h"
#include "cairn/remote/s3_xml.h"
#include "cairn/util/error.h"

namespace cairn::remote::s3 {

struct ErrorSubject {
  std::string what;  // "reading s3://bucket/prefix/key", "listing s3://bucket/prefix"
  std::string bucket;
  std::string endpoint;     // "http://127.0.0.1:9000" (for "bucket does not exist" messages)
  std::string credentials;  // "from remote options" / "none (anonymous)"
};

// The Error for a non-2xx response (the body is parsed for an S3 <Error>).
Error map_s3_error(const http::HttpResponse& response, const ErrorSubject& subject);

// Replaces every occurrence of each secret (ignoring ones shorter than 4 bytes) and any
// "Signature=<hex>" / "<SignatureProvided>..." value with "***".
std::string scrub_secrets(std::string message, const std::vector<std::string>& secrets);

}  // namespace cairn::remote::s3
