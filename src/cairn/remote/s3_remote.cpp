// Placeholder until the S3 backend lands (being written in this change series).
#include "cairn/remote/s3_remote.h"

namespace cairn::remote {

Expected<std::unique_ptr<Remote>> open_s3_remote(const RemoteSpec& spec) {
  return make_error(ErrorCode::unavailable, "s3 remotes are not available in this build");
}

}  // namespace cairn::remote
