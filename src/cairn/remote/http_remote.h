// HttpRemote: a read-only Remote over plain HTTP(S) (DVC's http/https remotes, and the source of
// `import-url https://...`), on the pooled libcurl transport (http_transport.h).
//
// Addressing: key "a/b c" of the remote opened at "https://host/base?q=1" is the URL
// "https://host/base/a/b%20c?q=1": each key byte outside RFC 3986's path characters is
// percent-encoded, and a query string on the root URL (a presigned or token URL) is kept after
// the key. Redirects are followed (at most 10).
//
// Contract beyond remote.h:
// - stat: HEAD. 2xx -> size from Content-Length (0 when absent), etag from ETag without its
//   quotes, mtime from Last-Modified; 404/410 -> nullopt. A server that refuses HEAD (405/501)
//   is asked with a one-byte ranged GET instead (size from Content-Range).
// - get_bytes/get_file: GET, streamed into the file; a ByteRange becomes a Range header (a
//   server that ignores it gets its full answer cut to the range; 416 -> ""). A missing key is
//   not_found. get_file leaves no partial file behind on failure.
// - list: invalid_input ("listing is not supported over HTTP"); put_*, remove, copy,
//   make_root and remove_root: permission ("read-only").
// - Errors: 404/410 not_found; 401/403 permission (the credentials are never echoed); 408
//   timeout; 429 and 5xx, connection refused/reset, truncated bodies -> unavailable (transient:
//   RetryRemote retries them; this class never retries); other 4xx -> invalid_input; anything
//   else -> io. Messages carry the URL redacted (redact_url) and never a header value.
// Options (DVC's http remote keys): auth (basic | custom), user, password, custom_auth_header,
// ssl_verify (true | false | CA bundle path), connect_timeout, read_timeout (seconds).
// Thread-safe: one connection pool per remote, shared by all threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/remote/http_transport.h"
#include "cairn/remote/registry.h"
#include "cairn/remote/remote.h"

namespace cairn::remote {

struct HttpRemoteOptions {
  http::TransportOptions transport;
  std::vector<std::string> headers;  // sent with every request ("Authorization: ...")
  std::vector<std::string> secrets;  // values scrubbed from every message (the password)
};

// What a HEAD (or its GET fallback) said about a URL, raw: for callers that need more than
// ObjectInfo (DVC's HTTP checksum is built from these headers).
struct HttpHead {
  std::string url;            // the URL asked
  std::string effective_url;  // the URL that answered, after redirects
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-cased names, in order
  std::string header(std::string_view name) const;           // "" when absent
  bool has_header(std::string_view name) const;
};

class HttpRemote final : public Remote {
 public:
  // `root_url`: "http(s)://host[:port][/path][?query]" (no trailing '/' needed).
  HttpRemote(std::string root_url, HttpRemoteOptions options, env::Env* env = env::default_env());

  // The URL of a key (see Addressing above).
  std::string url_of(const std::string& key) const;
  // HEAD of a key; nullopt for 404/410; other non-2xx statuses are errors as for stat().
  Expected<std::optional<HttpHead>> head(const std::string& key);

  std::string display_url() const override;
  Expected<std::optional<ObjectInfo>> stat(const std::string& key) override;
  Status list(const std::string& prefix, const ListVisitor& visit) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::string& local_path,
                  const ByteProgress& progress) override;
  Expected<std::string> get_bytes(const std::string& key, ByteRange range = {}) override;
  Status get_file(const std::string& key, const std::string& local_path,
                  const ByteProgress& progress) override;
  Status remove(const std::string& key) override;
  Status copy(const std::string& from_key, const std::string& to_key) override;
  Status make_root() override;
  Status remove_root(Force force) override;

 private:
  Error status_error(const http::HttpResponse& response, const std::string& what) const;
  Error scrub(const Error& error) const;
  Error read_only(const std::string& what) const;
  http::HttpRequest request(const std::string& method, const std::string& url) const;

  std::string m_base;   // scheme://host/path, without a trailing '/'
  std::string m_query;  // "" or "?query"
  HttpRemoteOptions m_options;
  env::Env* m_env;
  http::HttpTransport m_transport;
};

// Opens "http(s)://..." with the remote's options (see above). Does not contact the server.
Expected<std::unique_ptr<Remote>> open_http_remote(const RemoteSpec& spec);

// Splits a file URL into the root of its folder and the (percent-decoded) last path segment,
// so that HttpRemote(root).url_of(key) names the same file:
// "https://h/a/b%20c.txt?x=1" -> {"https://h/a?x=1", "b c.txt"}. invalid_input when the URL has
// no file name ("https://h/", "https://h").
Expected<std::pair<std::string, std::string>> split_http_url(std::string_view url);

// HttpRemoteOptions from DVC's http remote keys (see above).
Expected<HttpRemoteOptions> http_remote_options(const RemoteSpec& spec);

}  // namespace cairn::remote
