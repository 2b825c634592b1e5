// S3-compatible remote over libcurl with SigV4 request signing (aws_sigv4.h).
//
// Opening: "s3://bucket/prefix" plus the remote's options; credentials, region and endpoint
// are resolved as described in aws_config.h (remote options, AWS_* environment,
// ~/.aws/credentials and ~/.aws/config), the other options in s3_settings.h. Opening does
// not contact the server.
//
// Contract beyond remote.h:
// - Keys map to "<prefix>/<key>" in the bucket. list() returns keys relative to the prefix
//   and skips any listed key that is not a safe relative key (check_key), e.g. "folder/"
//   markers made by consoles.
// - put_*: a single PUT (Content-Type: application/octet-stream, streamed from the file)
//   below multipart_threshold; a multipart upload (s3_multipart.h) from it on. S3 makes both
//   atomic: readers see the old object or the new one.
// - get_file: streamed, parallel ranged GETs for large objects (s3_download.h).
//   get_bytes(range): a ranged GET; a range starting at or past the end gives "".
// - stat: HEAD. A 404 is "no such key" once the bucket is known to exist (checked with one
//   HEAD on the bucket the first time); a missing bucket is not_found.
// - remove: DELETE (a missing key is ok). copy: server-side CopyObject (x-amz-copy-source;
//   objects up to 5 GiB).
// - make_root: HEAD bucket, else create it (LocationConstraint outside us-east-1); a bucket
//   owned by someone else is conflict. remove_root: without a prefix, the bucket: conflict
//   when it holds objects unless Force::yes (then every object is deleted with DeleteObjects,
//   then the bucket). With a prefix, only the objects under it (the bucket is kept).
//   not_found when the bucket does not exist.
// - Errors map as in s3_errors.h; transient ones (unavailable/timeout) are never retried
//   here (RetryRemote does). No message holds the secret key, the session token or a
//   signature.
// Thread-safe: one pool of connections per remote, shared by all threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cairn/remote/registry.h"
#include "cairn/remote/remote.h"

namespace cairn::remote {

// Opens "s3://bucket/prefix" with the given options. Does not contact the server.
Expected<std::unique_ptr<Remote>> open_s3_remote(const RemoteSpec& spec);

// The names of the buckets the spec's credentials can see on its endpoint (ListBuckets,
// GET /), for `cairn store ls` without a URL. spec.url may be "s3://" or empty; the other
// options are read as for open_s3_remote().
Expected<std::vector<std::string>> list_s3_buckets(const RemoteSpec& spec);

}  // namespace cairn::remote
