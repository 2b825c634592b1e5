// Opening a Remote from a URL and its options (the `['remote "name"']` section of the DVC
// config, plus the environment for S3 credentials). The scheme picks the backend:
//   "/path", "relative/path", "file://..."  -> LocalRemote (local_remote.h)
//   "s3://bucket/prefix"                    -> S3 (s3_remote.h)
//   "http://", "https://"                   -> read-only HTTP (http_remote.h)
//   "mem://name"                            -> process-wide in-memory store (tests)
// open_remote() wraps the backend in the cross-cutting wrappers (retry with backoff and
// jitter, a concurrency limit), so backends never implement those themselves.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "cairn/remote/remote.h"

namespace cairn::remote {

struct RemoteSpec {
  std::string url;
  // Option name -> value as in the DVC config: endpointurl, region, profile,
  // access_key_id, secret_access_key, session_token, use_ssl, ssl_verify, jobs, ...
  std::map<std::string, std::string> options;
  // Base directory for a relative local URL (the directory of the config file it came from
  // has already been applied by the caller; this is for plain CLI URLs: the cwd).
  std::string base_dir;
};

struct WrapOptions {
  int max_attempts = 5;              // including the first
  int base_delay_ms = 100;           // first backoff; doubles, with full jitter
  int max_delay_ms = 5000;
  int total_deadline_ms = 120000;    // give up retrying after this much time per call
  int max_concurrency = 0;           // 0: no limit beyond the caller's jobs
};

// The backend alone (no wrappers).
Expected<std::unique_ptr<Remote>> open_backend(const RemoteSpec& spec);
// The backend inside RetryRemote and LimitRemote.
Expected<std::unique_ptr<Remote>> open_remote(const RemoteSpec& spec, const WrapOptions& wrap = {});

// The scheme of a URL ("s3", "http", "https", "mem", "file"; "file" for plain paths).
std::string url_scheme(std::string_view url);

}  // namespace cairn::remote
