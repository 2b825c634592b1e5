// HttpTransport: blocking HTTP/1.1 exchanges over libcurl, on a pool of easy handles reused
// across calls and threads. Shared by every HTTP-speaking backend (S3, read-only HTTP); it
// knows nothing about either protocol.
//
// - Connection reuse: a handle keeps its live connections across curl_easy_reset(), so a
//   handle taken from the pool usually finds a kept-alive connection; DNS results and TLS
//   sessions are shared between all handles of one transport through a CURLSH (with
//   mutex lock callbacks). Connections themselves are not shared through CURLSH (libcurl's
//   shared connection cache has had thread-safety bugs); the pool gives the same effect.
// - perform() never retries. It follows redirects only when the request asks for it
//   (FollowRedirects::yes, at most 10 hops; the final URL is HttpResponse::effective_url).
//   Its error is transport-level only: connection refused/reset, DNS failure, incomplete
//   transfer -> unavailable; a timeout (connect_timeout, or no byte for read_timeout
//   seconds) -> timeout; a TLS certificate problem or a malformed URL -> invalid_input (a
//   configuration fix, not worth retrying); a failing body reader or writer -> its own error.
//   Any HTTP status is a successful HttpResponse; the caller maps statuses.
// - The request body comes from `body` (in memory) or from `reader` (streamed, exactly
//   `body_size` bytes; CURLOPT_READFUNCTION, no whole file in memory). "Expect:
//   100-continue" is disabled. The response body goes to `writer` for 2xx statuses (streamed)
//   and into HttpResponse::body otherwise (or always when there is no writer). With a writer,
//   `on_headers` (optional) sees the 2xx response's status and headers once, just before the
//   first body byte (never for an empty body); its error aborts the exchange like a writer's.
// - Messages name the host, never the full URL's path or query, nor any header value.
// Thread-safe: perform() may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::remote::http {

enum class TlsVerify { yes, no };
enum class FollowRedirects { no, yes };

struct TransportOptions {
  long connect_timeout_ms = 60000;
  long read_timeout_s = 60;
  TlsVerify tls_verify = TlsVerify::yes;
  std::string ca_bundle;  // empty: libcurl's default
};

// Fills `buf` with up to `n` bytes of the body; 0 at its end.
using BodyReader = std::function<Expected<std::size_t>(char* buf, std::size_t n)>;
// Receives a piece of a successful (2xx) response body.
using BodyWriter = std::function<Status(std::string_view chunk)>;

struct HttpResponse;
// Sees a successful response's status and headers before its body (HttpRequest::on_headers).
using HeadersHook = std::function<Status(const HttpResponse& head)>;

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string_view body;             // used when reader is empty
  BodyReader reader;
  std::uint64_t body_size = 0;  // with reader
  BodyWriter writer;
  HeadersHook on_headers;  // with writer
  FollowRedirects redirects = FollowRedirects::no;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-cased names, in order
  std::string body;           // whole body, or the error body when a writer took the 2xx body
  std::string effective_url;  // the URL that answered (after redirects)
  // The first header with this (lower-case) name, or "".
  std::string header(std::string_view name) const;
  // Whether a header with this (lower-case) name was sent (possibly empty).
  bool has_header(std::string_view name) const;
};

class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  Expected<HttpResponse> perform(const HttpRequest& request);

 private:
  struct Share;
  void* acquire();
  void release(void* handle);

  TransportOptions m_options;
  std::unique_ptr<Share> m_share;
  std::mutex m_pool_mu;
  std::vector<void*> m_pool;  // idle CURL* handles
};

// "bytes 0-99/1234" -> 1234 (a Content-Range header's total); nullopt when absent or "*".
std::optional<std::uint64_t> content_range_total(std::string_view header);

}  // namespace cairn::remote::http
