// AWS Signature Version 4 (header-based authentication) for S3 requests.
//
// Why cairn signs requests itself instead of using libcurl's CURLOPT_AWS_SIGV4: the installed
// libcurl 7.88.1 copies the query string into the canonical request verbatim. Parameters are
// not sorted, and a sub-resource without a value ("?uploads" for CreateMultipartUpload,
// "?delete" for DeleteObjects) is not written as "uploads=". S3 (and moto, which verifies
// with botocore's signer) answers 403 SignatureDoesNotMatch to those requests (checked
// against moto with authentication enforced: "?list-type=2&max-keys=5" and "?uploads" were
// rejected, "?list-type=2", "?uploads=" and plain object GETs were accepted). libcurl 7.88
// also sends no x-amz-content-sha256 header (S3 requires one; moto rejected such requests),
// so the caller must add it, with UNSIGNED-PAYLOAD for a streamed (CURLOPT_READFUNCTION)
// upload, whose body libcurl cannot hash. Signing here is ~150 lines, is checked against the signatures
// published in the AWS documentation (tests/unit/remote_aws_config_test.cpp), and does not change when a
// newer libcurl changes its own canonicalisation.
//
// Contract:
// - canonical_uri is passed already encoded (uri_encode(path, EncodeSlash::no)); S3 does not
//   encode it a second time and nothing normalises "." or "//" in it.
// - query holds the raw (decoded) names and values; they are encoded and sorted here.
// - headers must include "host" and "x-amz-date"; every header given is signed.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/remote/aws_credentials.h"

namespace cairn::remote::aws {

using NameValues = std::vector<std::pair<std::string, std::string>>;

// The payload hash S3 accepts for a body that is not hashed (streamed uploads).
inline constexpr std::string_view k_unsigned_payload = "UNSIGNED-PAYLOAD";
// sha256("") in hex.
inline constexpr std::string_view k_empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);
// base64(MD5(data)): the Content-MD5 header S3 checks a body against.
std::string content_md5(std::string_view data);

enum class EncodeSlash { yes, no };
// SigV4 URI encoding: every byte except A-Z a-z 0-9 '-' '.' '_' '~' becomes %XX (upper-case
// hex); '/' is kept when slash == EncodeSlash::no. Non-ASCII text is encoded byte by byte
// (UTF-8).
std::string uri_encode(std::string_view s, EncodeSlash slash);

// "20150830T123600Z" (UTC) for x-amz-date.
std::string amz_timestamp(std::chrono::system_clock::time_point t);

struct SigningRequest {
  std::string method;         // "GET", "PUT", ...
  std::string canonical_uri;  // encoded path, "/" at least
  NameValues query;           // raw names and values
  NameValues headers;         // any case; values are trimmed when canonicalised
  std::string payload_hash;   // hex sha256 of the body, or k_unsigned_payload
};

// "a=1&b=" with names and values encoded and sorted by name, then value.
std::string canonical_query_string(const NameValues& query);

// The canonical request (SigV4 task 1); `signed_headers` receives "host;x-amz-date;...".
std::string canonical_request(const SigningRequest& request, std::string* signed_headers);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                               std::string_view service);

struct Signature {
  std::string authorization;  // the Authorization header value
  std::string signature;      // its hex signature (for tests; never put into messages)
  std::string canonical_request;
  std::string string_to_sign;
};

// Signs `request` at `timestamp` (the request's x-amz-date value, "YYYYMMDDTHHMMSSZ").
Signature sign_v4(const SigningRequest& request, const AwsCredentials& credentials, std::string_view region,
                  std::string_view service, std::string_view timestamp);

}  // namespace cairn::remote::aws
