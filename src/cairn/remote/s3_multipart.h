// Multipart upload of one object (for bodies of at least multipart_threshold bytes):
// CreateMultipartUpload, UploadPart for every chunk, CompleteMultipartUpload.
//
// - Parts are multipart_chunksize bytes (raised, in whole MiB, when the body would need more
//   than S3's 10,000 parts) and are uploaded by up to max_concurrent_requests threads. The
//   source is sequential: each thread takes the next chunk under a lock, reads it into its
//   own buffer and uploads it, so memory stays at (threads x part size) whatever the body's
//   size. Each part carries Content-MD5, so the server rejects a corrupted part.
// - The object becomes visible only when CompleteMultipartUpload succeeds (S3 makes it
//   atomic). On any failure the upload is aborted (AbortMultipartUpload, best effort) so no
//   parts linger, and the first error is returned. No retries here.
// - A source that yields fewer bytes than `size` is an io error ("file changed while
//   uploading").
// `progress` receives the bytes handed to the network as they go.
#pragma once

#include <cstdint>
#include <string>

#include "cairn/remote/remote.h"
#include "cairn/remote/s3_client.h"

namespace cairn::remote::s3 {

Status multipart_upload(S3Client& client, const std::string& full_key, const std::string& display,
                        const http::BodyReader& source, std::uint64_t size, const ByteProgress& progress);

// The part size used for a body of `size` bytes with the configured chunk size.
std::uint64_t part_size_for(std::uint64_t size, std::uint64_t chunksize);

}  // namespace cairn::remote::s3
