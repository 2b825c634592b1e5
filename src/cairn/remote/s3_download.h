// Download of one object into a local file: one streamed GET, and parallel ranged GETs for
// the rest of an object larger than one download part.
//
// - The first request is a plain GET (no Range), streamed straight into the file, as DVC
//   (s3fs) and `aws s3 cp` of a small object do: an object of at most download_part_size
//   bytes (and an empty one) arrives whole in this one request, whatever the server.
// - When its headers announce more than download_part_size bytes (Content-Length) and
//   max_concurrent_requests > 1, the first stream keeps only bytes [0, part) and is then cut
//   (its connection is dropped); the rest is fetched as ranges of download_part_size by up to
//   max_concurrent_requests threads, each written at its own offset in the file
//   (WritableFile::write_at), so memory stays at libcurl's buffers whatever the part size.
//   Those ranges carry If-Match with the first response's ETag, so an object replaced
//   mid-download fails with conflict (412) instead of mixing two versions.
// - Why fewer, larger parts than the AWS CLI (8 MiB x 10): a server like moto reads the whole
//   object for every range (an 8 MiB range of 1 GiB costs as much as the whole object), and on
//   servers that seek (s3rver, S3) 64 MiB parts were as fast or faster than 8 MiB ones; 4
//   streams of 64 MiB are rclone's defaults for S3. Figures: docs/benchmarks.md.
// - Missing key -> not_found; a short or non-206 range -> unavailable (transient). No retries
//   here; on failure the caller removes the partial file (a retry starts over).
// `progress` receives the bytes as they arrive (from several threads). With `md5`, the bytes
// are hashed as they land (trailing_md5.h): inline for a single stream of at most
// k_trailing_hash_min bytes, else by its trailing thread, told the file's completed prefix
// (the first part, then each range once all ranges before it are complete); the caller calls
// md5->finish().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/remote/remote.h"
#include "cairn/remote/s3_client.h"
#include "cairn/remote/trailing_md5.h"

namespace cairn::remote::s3 {

Status download_to_file(S3Client& client, const std::string& full_key, const std::string& display,
                        env::WritableFile& out, const ByteProgress& progress, TrailingMd5* md5 = nullptr);

// The ranges [begin, end) after the first part of an object of `total` bytes, in parts of
// `part_size` (the last one shorter); empty when the object fits in one part.
struct ByteSpan {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  bool operator==(const ByteSpan&) const = default;
};
std::vector<ByteSpan> download_ranges(std::uint64_t total, std::uint64_t part_size);

using http::content_range_total;  // "bytes 0-99/1234" -> 1234 (http_transport.h)

}  // namespace cairn::remote::s3
