// libcurl transport with a handle pool; see http_transport.h.
#include "cairn/remote/http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace cairn::remote::http {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string host_of(std::string_view url) {
  auto sep = url.find("://");
  std::string_view rest = sep == std::string_view::npos ? url : url.substr(sep + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  return std::string(rest);
}

// State shared with the libcurl callbacks of one exchange.
struct Exchange {
  CURL* handle = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  std::string_view memory_body;  // remaining in-memory body
  std::optional<Error> reader_error;
  std::optional<Error> writer_error;
  bool body_started = false;
};

bool is_success(CURL* handle) {
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  if (ex->request->writer && is_success(ex->handle)) {
    if (!ex->body_started) {
      ex->body_started = true;
      if (ex->request->on_headers) {
        curl_easy_getinfo(ex->handle, CURLINFO_RESPONSE_CODE, &ex->response->status);
        auto st = ex->request->on_headers(*ex->response);
        if (!st) {
          ex->writer_error = st.error();
          return 0;  // CURLE_WRITE_ERROR
        }
      }
    }
    auto st = ex->request->writer(std::string_view(data, n));
    if (!st) {
      ex->writer_error = st.error();
      return 0;  // CURLE_WRITE_ERROR
    }
    return n;
  }
  ex->response->body.append(data, n);
  return n;
}

size_t on_read(char* buf, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  if (ex->request->reader) {
    auto got = ex->request->reader(buf, n);
    if (!got) {
      ex->reader_error = got.error();
      return CURL_READFUNC_ABORT;
    }
    return *got;
  }
  std::size_t take = std::min(n, ex->memory_body.size());
  std::memcpy(buf, ex->memory_body.data(), take);
  ex->memory_body.remove_prefix(take);
  return take;
}

// libcurl rewinds the body when it re-sends a request on a new connection (a reused one the
// server had closed): an in-memory body rewinds; a streamed one cannot (the exchange then fails
// with CURLE_SEND_FAIL_REWIND, a transient error: the caller's retry starts over).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(user);
  if (ex->request->reader || origin != SEEK_SET || offset < 0 ||
      static_cast<std::uint64_t>(offset) > ex->request->body.size())
    return CURL_SEEKFUNC_CANTSEEK;
  ex->memory_body = ex->request->body.substr(static_cast<std::size_t>(offset));
  return CURL_SEEKFUNC_OK;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    ex->response->headers.clear();  // a new response (after an interim 1xx)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  ex->response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

ErrorCode code_of(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::timeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_AGAIN:
    case CURLE_SEND_FAIL_REWIND:
      return ErrorCode::unavailable;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_TOO_MANY_REDIRECTS:
      return ErrorCode::invalid_input;
    default:
      return ErrorCode::io;
  }
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

bool HttpResponse::has_header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return true;
  return false;
}

std::optional<std::uint64_t> content_range_total(std::string_view header) {
  auto slash = header.rfind('/');
  if (slash == std::string_view::npos || slash + 1 >= header.size()) return std::nullopt;
  std::string total(header.substr(slash + 1));
  char* end = nullptr;
  unsigned long long v = std::strtoull(total.c_str(), &end, 10);
  if (*end != '\0' || total.front() == '-') return std::nullopt;
  return v;
}

struct HttpTransport::Share {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Share*>(user)->locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Share*>(user)->locks[data].unlock();
  }

  Share() {
    share = curl_share_init();
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Share::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Share::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Share() { curl_share_cleanup(share); }
};

HttpTransport::HttpTransport(TransportOptions options) : m_options(std::move(options)) {
  global_init_once();
  m_share = std::make_unique<Share>();
}

HttpTransport::~HttpTransport() {
  for (void* h : m_pool) curl_easy_cleanup(static_cast<CURL*>(h));
  m_pool.clear();
}

void* HttpTransport::acquire() {
  {
    std::lock_guard lock(m_pool_mu);
    if (!m_pool.empty()) {
      void* h = m_pool.back();
      m_pool.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpTransport::release(void* handle) {
  std::lock_guard lock(m_pool_mu);
  m_pool.push_back(handle);
}

Expected<HttpResponse> HttpTransport::perform(const HttpRequest& request) {
  CURL* h = static_cast<CURL*>(acquire());
  if (!h) return make_error(ErrorCode::io, "cannot create a libcurl handle");
  struct Release {
    HttpTransport* self;
    CURL* h;
    curl_slist* headers = nullptr;
    ~Release() {
      curl_slist_free_all(headers);
      self->release(h);
    }
  } guard{this, h};
  curl_easy_reset(h);

  HttpResponse response;
  Exchange ex;
  ex.handle = h;
  ex.request = &request;
  ex.response = &response;
  ex.memory_body = request.body;
  char errbuf[CURL_ERROR_SIZE] = {0};

  for (const auto& line : request.headers) guard.headers = curl_slist_append(guard.headers, line.c_str());
  guard.headers = curl_slist_append(guard.headers, "Expect:");

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, guard.headers);
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  if (request.redirects == FollowRedirects::yes) {
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  }
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_SHARE, m_share->share);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, m_options.connect_timeout_ms);
  if (m_options.read_timeout_s > 0) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, m_options.read_timeout_s);
  }
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 1024L * 1024);
  if (m_options.tls_verify == TlsVerify::no) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!m_options.ca_bundle.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, m_options.ca_bundle.c_str());
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);

  auto body_size = static_cast<curl_off_t>(request.reader ? request.body_size : request.body.size());
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, body_size);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &ex);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, &on_seek);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &ex);
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, body_size);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &ex);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, &on_seek);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &ex);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    if (ex.writer_error) return std::unexpected(*ex.writer_error);
    if (ex.reader_error) return std::unexpected(*ex.reader_error);
    std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    return make_error(code_of(rc), request.method + " " + host_of(request.url) + ": " + detail);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
  response.effective_url = effective ? effective : request.url;
  return response;
}

}  // namespace cairn::remote::http
