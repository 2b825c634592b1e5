// S3-compatible remote over libcurl (SigV4). See s3_remote.cpp for the contract details:
// credentials order (remote options, AWS_* environment, ~/.aws/credentials and
// ~/.aws/config), endpoint resolution (endpointurl, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL),
// multipart uploads above the part size, ranged streamed downloads.
#pragma once

#include <memory>

#include "cairn/remote/registry.h"
#include "cairn/remote/remote.h"

namespace cairn::remote {

// Opens "s3://bucket/prefix" with the given options. Does not contact the server.
Expected<std::unique_ptr<Remote>> open_s3_remote(const RemoteSpec& spec);

}  // namespace cairn::remote
