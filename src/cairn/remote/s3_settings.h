// S3Settings: everything the S3 backend needs to talk to one bucket, parsed once from the
// remote's URL and options (DVC's dvc-s3 keys) plus AwsConfig (aws_config.h). Does not
// contact the server.
//
// Options read (values as stored in the DVC config):
//   endpointurl, region, profile, credentialpath, configpath, access_key_id,
//   secret_access_key, session_token           -> see aws_config.h
//   use_ssl (default true)                     -> scheme for an endpoint without one and for AWS
//   ssl_verify (true | false | CA bundle path) -> TLS verification
//   connect_timeout, read_timeout (seconds, default 60 as botocore)
//   allow_anonymous_login (default false)      -> unsigned requests when no credentials
//   sse (AES256 | aws:kms), sse_kms_key_id, acl, grant_read, grant_read_acp,
//   grant_write_acp, grant_full_control       -> headers of every object write
//   multipart_threshold, multipart_chunksize   -> cairn options (AWS CLI sizes, default 8MB;
//                                                 chunksize 5MiB..5GiB); else the AWS config
//                                                 profile's s3 block; else 8 MiB
//   max_concurrent_requests (default 4)        -> parallel parts per transfer (same fallback)
//   download_part_size (default 64MiB, >= 1MiB) -> cairn option: downloads of larger objects
//                                                 are split into ranges of this size
//                                                 (s3_download.h; same fallback)
// Unknown keys are ignored (the same section holds DVC's own keys: jobs, verify, ...).
// sse_customer_key/sse_customer_algorithm (SSE-C) are rejected with invalid_input rather
// than ignored, so data is never silently stored without the encryption asked for.
//
// Addressing: a custom endpoint (MinIO, moto, Ceph) is path-style
// (http://host:port/bucket/key); AWS itself is virtual-hosted
// (https://bucket.s3.REGION.amazonaws.com/key) when the bucket name is DNS-compatible without
// dots, path-style otherwise; the profile's s3.addressing_style (path|virtual|auto) overrides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cairn/env/env.h"
#include "cairn/remote/aws_config.h"
#include "cairn/remote/aws_sigv4.h"
#include "cairn/remote/registry.h"
#include "cairn/remote/http_transport.h"

namespace cairn::remote::s3 {

enum class Addressing { path, virtual_host };
enum class AnonymousAccess { refused, allowed };
enum class BucketRequired { yes, no };

struct S3Endpoint {
  std::string scheme;     // "http" or "https"
  std::string host;       // "host" or "host:port", sent as the Host header
  std::string base_path;  // "" or "/some/path" in front of every request path
  bool is_aws = false;    // AWS's own endpoint (not a custom one)
};

struct S3Settings {
  std::string bucket;
  std::string prefix;       // "" or "a/b" (no leading or trailing '/')
  std::string display_url;  // "s3://bucket/prefix", redacted
  S3Endpoint endpoint;
  Addressing addressing = Addressing::path;
  std::string region;
  std::optional<aws::AwsCredentials> credentials;
  AnonymousAccess anonymous = AnonymousAccess::refused;
  // Where credentials were looked for (for the "no credentials" message).
  std::string credentials_hint;
  http::TransportOptions transport;
  aws::NameValues write_headers;  // sse / acl / grants for PutObject, CreateMultipartUpload, CopyObject
  std::uint64_t multipart_threshold = 8ull << 20;
  std::uint64_t multipart_chunksize = 8ull << 20;
  int max_concurrent_requests = 4;
  std::uint64_t download_part_size = 64ull << 20;
};

Expected<S3Settings> parse_s3_settings(const RemoteSpec& spec, BucketRequired bucket_required,
                                       const aws::EnvLookup& environment, env::Env& fs);

// "true"/"false" (also yes/no/1/0/on/off), case-insensitive.
Expected<bool> parse_bool_option(std::string_view name, std::string_view value);

}  // namespace cairn::remote::s3
