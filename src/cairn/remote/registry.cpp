#include "cairn/remote/registry.h"

#include <cctype>

#include "cairn/env/env.h"
#include "cairn/remote/counting_remote.h"
#include "cairn/remote/http_remote.h"
#include "cairn/remote/limit_remote.h"
#include "cairn/remote/local_remote.h"
#include "cairn/remote/mem_remote.h"
#include "cairn/remote/retry_remote.h"
#include "cairn/remote/s3_remote.h"
#include "cairn/util/path.h"

namespace cairn::remote {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "%20" -> " "; invalid_input on a malformed escape or an encoded NUL.
Expected<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
      return make_error(ErrorCode::invalid_input, "bad percent-escape in URL path '" + std::string(s) + "'");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// The folder a local URL names: a plain path (relative ones against base_dir) or
// "file:///abs/path" ("file://localhost/abs/path").
Expected<std::string> local_root(const RemoteSpec& spec) {
  std::string_view url = spec.url;
  if (url.empty()) return make_error(ErrorCode::invalid_input, "remote URL is empty");
  if (url.substr(0, 7) == "file://" || url.substr(0, 7) == "FILE://") {
    std::string_view rest = url.substr(7);
    auto slash = rest.find('/');
    std::string_view host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost")
      return make_error(ErrorCode::invalid_input,
                        "file URL " + redact_url(url) + " names host '" + std::string(host) +
                            "': only local paths (file:///path) are supported");
    if (slash == std::string_view::npos)
      return make_error(ErrorCode::invalid_input, "file URL " + redact_url(url) + " has no path");
    rest = rest.substr(slash);
    if (auto q = rest.find_first_of("?#"); q != std::string_view::npos) rest = rest.substr(0, q);
    return percent_decode(rest);
  }
  if (url.front() == '/' || spec.base_dir.empty()) return path::normalize(url);
  return path::absolute(url, spec.base_dir);
}

}  // namespace

std::string url_scheme(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return "file";
  auto scheme = url.substr(0, sep);
  if (!std::isalpha(static_cast<unsigned char>(scheme.front()))) return "file";
  std::string out;
  for (char c : scheme) {
    auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return "file";
    out.push_back(static_cast<char>(std::tolower(u)));
  }
  return out;
}

Expected<std::unique_ptr<Remote>> open_backend(const RemoteSpec& spec) {
  std::string scheme = url_scheme(spec.url);
  if (scheme == "file") {
    ASSIGN_OR_RETURN(std::string root, local_root(spec));
    return std::unique_ptr<Remote>(new LocalRemote(env::default_env(), std::move(root)));
  }
  if (scheme == "s3") return open_s3_remote(spec);
  if (scheme == "mem") {
    std::string_view name = std::string_view(spec.url).substr(6);
    if (name.empty() || name.find('/') != std::string_view::npos)
      return make_error(ErrorCode::invalid_input, "mem remote URL must be mem://<name>, got " + redact_url(spec.url));
    return std::unique_ptr<Remote>(new MemRemote(spec.url));
  }
  if (scheme == "http" || scheme == "https") return open_http_remote(spec);
  return make_error(ErrorCode::invalid_input,
                    "unsupported remote URL scheme '" + scheme + "' in " + redact_url(spec.url) +
                        " (supported: a local path, file://, s3://, http://, https://, mem://)");
}

Expected<std::unique_ptr<Remote>> open_remote(const RemoteSpec& spec, const WrapOptions& wrap) {
  ASSIGN_OR_RETURN(std::unique_ptr<Remote> remote, open_backend(spec));
  // Innermost first: the limit guards the backend, retries re-enter the limit (a call
  // sleeping in backoff holds no slot), counting sees each logical call once.
  if (wrap.max_concurrency > 0) remote = std::make_unique<LimitRemote>(std::move(remote), wrap.max_concurrency);
  remote = std::make_unique<RetryRemote>(std::move(remote), wrap);
  remote = std::make_unique<CountingRemote>(std::move(remote));
  return remote;
}

}  // namespace cairn::remote
