// S3Client: one S3 REST call at a time (from any number of threads): builds the request URL
// from S3Settings (path-style or virtual-hosted), signs it with SigV4 (aws_sigv4.h) or sends
// it anonymously when allowed, runs it on the pooled transport (http_transport.h) and maps failures
// (s3_errors.h).
//
// - Keys are full bucket keys (the remote's prefix already applied), raw; they are
//   URI-encoded here per SigV4 ('/' kept). Query parameters are raw names and values, sent in
//   canonical (sorted, encoded) order so that what is signed is exactly what is sent.
// - Payload hash: sha256 of an in-memory body up to 1 MiB; "UNSIGNED-PAYLOAD" for larger
//   in-memory bodies and for streamed ones (callers add Content-MD5 where they have the
//   bytes). Every request carries x-amz-content-sha256 and x-amz-date; a session token is
//   sent (and signed) as x-amz-security-token.
// - No credentials and allow_anonymous_login unset: every call fails with permission,
//   saying where credentials were looked for.
// - Every error message goes through scrub_secrets() with the secret key and session token.
// Never retries.
#pragma once

#include <string>
#include <string_view>

#include "cairn/remote/aws_sigv4.h"
#include "cairn/remote/s3_errors.h"
#include "cairn/remote/http_transport.h"
#include "cairn/remote/s3_settings.h"

namespace cairn::remote::s3 {

enum class Scope { bucket, service };  // a call on the bucket (and its keys), or GET / (ListBuckets)

struct S3Call {
  std::string method = "GET";
  Scope scope = Scope::bucket;
  std::string key;  // full key in the bucket; "" for a bucket-level call
  aws::NameValues query;
  aws::NameValues headers;
  std::string_view body;
  http::BodyReader reader;  // streamed body of body_size bytes (then `body` is unused)
  std::uint64_t body_size = 0;
  http::BodyWriter writer;  // receives a 2xx response body (else it is in http::HttpResponse::body)
  http::HeadersHook on_headers;  // with writer: the 2xx status and headers before the body
};

class S3Client {
 public:
  explicit S3Client(S3Settings settings);

  const S3Settings& settings() const { return m_settings; }

  // Sends the call; any HTTP status is returned. Errors are transport-level only (and the
  // missing-credentials permission error).
  Expected<http::HttpResponse> exchange(const S3Call& call);
  // exchange(), with every non-2xx status mapped to an Error about `what`
  // ("reading s3://bucket/prefix/key").
  Expected<http::HttpResponse> send(const S3Call& call, std::string_view what);
  // The Error for a non-2xx response (for callers that handle some statuses themselves).
  Error error_for(const http::HttpResponse& response, std::string_view what) const;
  // The Error for a failed HEAD. HEAD responses have no body, so a 4xx other than 404 says
  // nothing about why (an expired session token and a wrong region are both a bare 400); the
  // same resource is then probed once with a GET (a 1-byte range, or a 1-key listing for a
  // bucket) whose error body names the S3 error code. Only on this error path.
  Error error_for_head(const S3Call& head, const http::HttpResponse& response, std::string_view what);
  // The message with the secret key, session token and signatures replaced by "***".
  std::string scrub(std::string message) const;
  Error scrub(const Error& error) const { return Error(error.code(), scrub(error.message())); }

  // "s3://bucket/prefix/rel" for a key relative to the remote's prefix (for messages).
  std::string display(std::string_view relative_key) const;
  // "http://host:port" (for messages).
  std::string endpoint_display() const;

 private:
  S3Settings m_settings;
  http::HttpTransport m_transport;
};

}  // namespace cairn::remote::s3
