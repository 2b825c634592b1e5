// AwsCredentials: an access key pair (and optional session token) used to sign S3 requests,
// with a description of where it came from for error messages.
//
// The secret and the token are never printed: to_string()-style helpers do not exist on
// purpose; messages use `source` and, at most, the access key id.
#pragma once

#include <string>

namespace cairn::remote::aws {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // Where the keys were found, e.g. "remote options", "environment (AWS_ACCESS_KEY_ID)",
  // "/home/u/.aws/credentials [default]".
  std::string source;
};

}  // namespace cairn::remote::aws
