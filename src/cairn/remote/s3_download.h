// Download of one object into a local file, streamed, with parallel ranged GETs for large
// objects.
//
// - The first request asks for bytes [0, multipart_threshold): an object no larger than that
//   arrives in this one request, streamed straight into the file. Its Content-Range gives
//   the total size; the rest is fetched as ranges of multipart_chunksize by up to
//   max_concurrent_requests threads, each range into its own buffer and appended to the file
//   in order (memory stays at threads x chunk size). Later ranges carry If-Match with the
//   first response's ETag, so an object replaced mid-download fails with conflict instead of
//   mixing two versions.
// - A server that ignores Range (200) streams the whole object in the first request; an
//   empty object (416 to a range) is fetched with a plain GET.
// - Missing key -> not_found; a short range -> unavailable (transient). No retries here.
// `progress` receives the bytes as they arrive (from several threads).
#pragma once

#include <string>

#include "cairn/env/env.h"
#include "cairn/remote/remote.h"
#include "cairn/remote/s3_client.h"

namespace cairn::remote::s3 {

Status download_to_file(S3Client& client, const std::string& full_key, const std::string& display,
                        env::WritableFile& out, const ByteProgress& progress);

using http::content_range_total;  // "bytes 0-99/1234" -> 1234 (http_transport.h)

}  // namespace cairn::remote::s3
