// AwsConfig: the credentials, region, endpoint and transfer settings of an S3 remote,
// resolved from the remote's options (DVC's dvc-s3 keys), the AWS_* environment and the
// AWS shared files, in the order boto3 (and so DVC) applies them:
//
// files       credentials file: AWS_SHARED_CREDENTIALS_FILE, else option `credentialpath`
//             (DVC only sets the variable when it is unset, so the environment wins), else
//             ~/.aws/credentials; config file: AWS_CONFIG_FILE, else `configpath`, else
//             ~/.aws/config ("[profile x]" sections, "[default]"). "~/" is expanded with HOME.
// profile     option `profile`, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default". A
//             profile named explicitly (option or variable) that neither file has is
//             invalid_input, as boto's ProfileNotFound.
// credentials 1. options access_key_id + secret_access_key (+ session_token);
//             2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), skipped when
//                the `profile` option is set (boto: an explicit profile negates the
//                environment provider);
//             3. the profile in the credentials file (aws_access_key_id, ...);
//             4. the profile in the config file.
//             Half a key pair in one source is invalid_input. None found: nullopt (the
//             caller decides between anonymous access and a permission error).
// region      option `region`, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`,
//             else "us-east-1".
// endpoint    option `endpointurl`, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's
//             s3.endpoint_url, its endpoint_url, else empty (AWS's regional endpoint).
// ca bundle   AWS_CA_BUNDLE, else the profile's ca_bundle (the option ssl_verify, handled by
//             s3_settings, overrides both).
// s3          the profile's "s3 =" block (AWS CLI transfer settings: multipart_threshold,
//             multipart_chunksize, max_concurrent_requests, addressing_style), raw strings.
//
// Missing files are not an error; unreadable or malformed ones are. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/env/env.h"
#include "cairn/remote/aws_credentials.h"
#include "cairn/util/error.h"

namespace cairn::remote::aws {

// Looks up an environment variable (nullopt when unset). Tests pass a map-backed lookup.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv). Empty values count as unset, as in botocore.
EnvLookup process_environment();

struct AwsConfig {
  std::optional<AwsCredentials> credentials;
  std::string region;
  std::string endpoint_url;  // empty: AWS
  std::string profile;
  std::string ca_bundle;                  // empty: the system default
  std::map<std::string, std::string> s3;  // the profile's s3 block, key -> raw value
  std::string credentials_file;           // resolved paths (for messages)
  std::string config_file;
};

Expected<AwsConfig> resolve_aws_config(const std::map<std::string, std::string>& options,
                                       const EnvLookup& environment, env::Env& fs);

// AWS CLI size syntax: "8388608", "8MB", "8 MiB", "1.5GB", "512KB" (case-insensitive;
// KB/MB/GB/TB and KiB/MiB/GiB/TiB are all powers of 1024, as in the AWS CLI).
Expected<std::uint64_t> parse_size(std::string_view text);

}  // namespace cairn::remote::aws
