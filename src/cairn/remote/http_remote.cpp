// The read-only HTTP backend of Remote; see http_remote.h for the contract.
#include "cairn/remote/http_remote.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "cairn/remote/s3_settings.h"

namespace cairn::remote {

namespace {

bool is_2xx(long status) {
  return status >= 200 && status < 300;
}

bool is_path_char(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(c)) != std::string_view::npos;
}

// Percent-encodes every byte that is not an RFC 3986 path character ('/' is kept).
std::string encode_path(std::string_view s) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (is_path_char(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "%20" -> " "; a malformed escape is kept as is (servers do the same).
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string strip_quotes(std::string v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

std::int64_t http_date_ns(const std::string& value) {
  if (value.empty()) return 0;
  time_t t = curl_getdate(value.c_str(), nullptr);
  return t < 0 ? 0 : static_cast<std::int64_t>(t) * 1000000000;
}

std::uint64_t parse_u64(const std::string& s) {
  if (s.empty()) return 0;
  return std::strtoull(s.c_str(), nullptr, 10);
}

const std::string* find_option(const RemoteSpec& spec, const std::string& key) {
  auto it = spec.options.find(key);
  return it == spec.options.end() ? nullptr : &it->second;
}

Expected<long> parse_seconds(const std::string& name, const std::string& value) {
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(v) || v <= 0)
    return make_error(ErrorCode::invalid_input,
                      "invalid " + name + " '" + value + "' (expected a number of seconds)");
  return static_cast<long>(std::lround(v * 1000));
}

}  // namespace

std::string HttpHead::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

bool HttpHead::has_header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return true;
  return false;
}

HttpRemote::HttpRemote(std::string root_url, HttpRemoteOptions options, env::Env* env)
    : m_options(std::move(options)), m_env(env), m_transport(m_options.transport) {
  std::string_view url = root_url;
  if (auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  if (auto q = url.find('?'); q != std::string_view::npos) {
    m_query = std::string(url.substr(q));
    url = url.substr(0, q);
  }
  while (url.ends_with('/')) url.remove_suffix(1);
  m_base = std::string(url);
}

std::string HttpRemote::url_of(const std::string& key) const {
  return m_base + "/" + encode_path(key) + m_query;
}

std::string HttpRemote::display_url() const {
  return redact_url(m_base + m_query);
}

Error HttpRemote::scrub(const Error& error) const {
  std::string message = error.message();
  for (const auto& secret : m_options.secrets) {
    if (secret.size() < 4) continue;
    std::size_t pos = 0;
    while ((pos = message.find(secret, pos)) != std::string::npos) {
      message.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return Error(error.code(), message);
}

Error HttpRemote::read_only(const std::string& what) const {
  return Error(ErrorCode::permission, what + ": " + display_url() + " is a read-only HTTP remote");
}

http::HttpRequest HttpRemote::request(const std::string& method, const std::string& url) const {
  http::HttpRequest req;
  req.method = method;
  req.url = url;
  req.headers = m_options.headers;
  req.redirects = http::FollowRedirects::yes;
  return req;
}

Error HttpRemote::status_error(const http::HttpResponse& response, const std::string& what) const {
  long s = response.status;
  std::string said = "HTTP " + std::to_string(s);
  if (s == 404 || s == 410) return scrub(Error(ErrorCode::not_found, what + ": no such file (" + said + ")"));
  if (s == 401 || s == 403)
    return scrub(Error(ErrorCode::permission,
                       what + ": access denied (" + said + "); check the remote's auth, user and password"));
  if (s == 408) return scrub(Error(ErrorCode::timeout, what + ": the server timed out (" + said + ")"));
  if (s == 429 || s >= 500)
    return scrub(
        Error(ErrorCode::unavailable, what + ": the server is unavailable or throttling (" + said + ")"));
  if (s >= 400) return scrub(Error(ErrorCode::invalid_input, what + ": request rejected (" + said + ")"));
  return scrub(Error(ErrorCode::io, what + ": unexpected response (" + said + ")"));
}

Expected<std::optional<HttpHead>> HttpRemote::head(const std::string& key) {
  TRY_STATUS(check_key(key));
  std::string url = url_of(key);
  std::string what = "checking " + redact_url(url);
  http::HttpRequest req = request("HEAD", url);
  req.headers.emplace_back("Accept-Encoding: identity");
  auto resp = m_transport.perform(req);
  if (!resp) return std::unexpected(scrub(resp.error().with_context(what)));
  if (resp->status == 405 || resp->status == 501) {
    // No HEAD here: ask for one byte instead.
    http::HttpRequest get = request("GET", url);
    get.headers.emplace_back("Accept-Encoding: identity");
    get.headers.emplace_back("Range: bytes=0-0");
    get.writer = [](std::string_view) { return ok(); };
    resp = m_transport.perform(get);
    if (!resp) return std::unexpected(scrub(resp.error().with_context(what)));
    if (resp->status == 206) {
      // Report the whole object's size as a HEAD would.
      auto total = http::content_range_total(resp->header("content-range"));
      std::erase_if(resp->headers, [](const auto& h) { return h.first == "content-length"; });
      if (total) resp->headers.emplace_back("content-length", std::to_string(*total));
      resp->status = 200;
    }
  }
  if (resp->status == 404 || resp->status == 410) return std::optional<HttpHead>();
  if (!is_2xx(resp->status)) return std::unexpected(status_error(*resp, what));
  HttpHead h;
  h.url = url;
  h.effective_url = resp->effective_url;
  h.status = resp->status;
  h.headers = std::move(resp->headers);
  return std::optional<HttpHead>(std::move(h));
}

Expected<std::optional<ObjectInfo>> HttpRemote::stat(const std::string& key) {
  ASSIGN_OR_RETURN(auto h, head(key));
  if (!h) return std::optional<ObjectInfo>();
  ObjectInfo info;
  info.key = key;
  info.size = parse_u64(h->header("content-length"));
  info.etag = strip_quotes(h->header("etag"));
  info.mtime_ns = http_date_ns(h->header("last-modified"));
  return std::optional<ObjectInfo>(std::move(info));
}

Status HttpRemote::list(const std::string& prefix, const ListVisitor&) {
  return make_error(
      ErrorCode::invalid_input,
      "listing " + display_url() + ": listing is not supported over HTTP (name the files instead)");
}

Status HttpRemote::put_bytes(const std::string& key, std::string_view) {
  return std::unexpected(read_only("uploading " + key));
}
Status HttpRemote::put_file(const std::string& key, const std::string&, const ByteProgress&) {
  return std::unexpected(read_only("uploading " + key));
}
Status HttpRemote::remove(const std::string& key) {
  return std::unexpected(read_only("deleting " + key));
}
Status HttpRemote::copy(const std::string& from_key, const std::string&) {
  return std::unexpected(read_only("copying " + from_key));
}
Status HttpRemote::make_root() {
  return std::unexpected(read_only("creating the root"));
}
Status HttpRemote::remove_root(Force) {
  return std::unexpected(read_only("removing the root"));
}

Expected<std::string> HttpRemote::get_bytes(const std::string& key, ByteRange range) {
  TRY_STATUS(check_key(key));
  std::string url = url_of(key);
  std::string what = "reading " + redact_url(url);
  bool ranged = range.offset > 0 || range.length.has_value();
  if (range.length && *range.length == 0) {
    ASSIGN_OR_RETURN(auto info, stat(key));
    if (!info) return make_error(ErrorCode::not_found, what + ": no such file");
    return std::string();
  }
  http::HttpRequest get = request("GET", url);
  get.headers.emplace_back("Accept-Encoding: identity");
  if (ranged) {
    std::string value = "Range: bytes=" + std::to_string(range.offset) + "-";
    if (range.length) value += std::to_string(range.offset + *range.length - 1);
    get.headers.push_back(value);
  }
  auto resp = m_transport.perform(get);
  if (!resp) return std::unexpected(scrub(resp.error().with_context(what)));
  if (resp->status == 416 && ranged) return std::string();
  if (!is_2xx(resp->status)) return std::unexpected(status_error(*resp, what));
  if (ranged && resp->status == 200) {
    if (range.offset >= resp->body.size()) return std::string();
    return resp->body.substr(range.offset, range.length.value_or(std::string::npos));
  }
  return std::move(resp->body);
}

Status HttpRemote::get_file(const std::string& key, const std::string& local_path,
                            const ByteProgress& progress) {
  TRY_STATUS(check_key(key));
  std::string url = url_of(key);
  std::string what = "downloading " + redact_url(url);
  auto file = m_env->open_write(local_path);
  if (!file) return std::unexpected(file.error().with_context(what + " to " + local_path));
  http::HttpRequest get = request("GET", url);
  get.headers.emplace_back("Accept-Encoding: identity");
  get.writer = [&](std::string_view chunk) -> Status {
    TRY_STATUS((*file)->append(chunk));
    if (progress) progress(chunk.size());
    return ok();
  };
  Status st = ok();
  auto resp = m_transport.perform(get);
  if (!resp)
    st = std::unexpected(scrub(resp.error().with_context(what)));
  else if (!is_2xx(resp->status))
    st = std::unexpected(status_error(*resp, what));
  Status closed = (*file)->close();
  if (st && !closed) st = std::unexpected(closed.error().with_context("writing " + local_path));
  if (!st) (void)m_env->remove_file(local_path);
  return st;
}

Expected<std::pair<std::string, std::string>> split_http_url(std::string_view url) {
  std::string_view rest = url;
  std::string_view query;
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q);
    rest = rest.substr(0, q);
  }
  auto sep = rest.find("://");
  std::size_t path_begin = sep == std::string_view::npos ? std::string_view::npos : rest.find('/', sep + 3);
  auto slash = rest.rfind('/');
  if (path_begin == std::string_view::npos || slash + 1 >= rest.size())
    return make_error(ErrorCode::invalid_input, "URL " + redact_url(url) + " does not name a file");
  std::string key = percent_decode(rest.substr(slash + 1));
  if (!check_key(key))
    return make_error(ErrorCode::invalid_input, "URL " + redact_url(url) + " does not name a file");
  return std::pair<std::string, std::string>(std::string(rest.substr(0, slash)) + std::string(query), key);
}

Expected<HttpRemoteOptions> http_remote_options(const RemoteSpec& spec) {
  HttpRemoteOptions o;
  std::string where = redact_url(spec.url);
  if (auto* v = find_option(spec, "ssl_verify")) {
    auto b = s3::parse_bool_option("ssl_verify", *v);
    if (b) {
      o.transport.tls_verify = *b ? http::TlsVerify::yes : http::TlsVerify::no;
    } else {
      o.transport.ca_bundle = *v;  // a CA bundle path
    }
  }
  if (auto* v = find_option(spec, "connect_timeout")) {
    auto ms = parse_seconds("connect_timeout", *v);
    if (!ms) return std::unexpected(ms.error().with_context(where));
    o.transport.connect_timeout_ms = std::max(1L, *ms);
  }
  if (auto* v = find_option(spec, "read_timeout")) {
    auto ms = parse_seconds("read_timeout", *v);
    if (!ms) return std::unexpected(ms.error().with_context(where));
    o.transport.read_timeout_s = std::max(1L, *ms / 1000);
  }
  const std::string* auth = find_option(spec, "auth");
  const std::string* password = find_option(spec, "password");
  if (password) o.secrets.push_back(*password);
  if (auth && *auth == "basic") {
    const std::string* user = find_option(spec, "user");
    if (!user || !password)
      return make_error(ErrorCode::invalid_input,
                        where + ": HTTP 'basic' authentication requires both 'user' and 'password'");
    std::string token = base64(*user + ":" + *password);
    o.secrets.push_back(token);
    o.headers.push_back("Authorization: Basic " + token);
  } else if (auth && *auth == "custom") {
    const std::string* header = find_option(spec, "custom_auth_header");
    if (!header || !password)
      return make_error(
          ErrorCode::invalid_input,
          where + ": HTTP 'custom' authentication requires both 'custom_auth_header' and 'password'");
    o.headers.push_back(*header + ": " + *password);
  } else if (auth && !auth->empty()) {
    return make_error(ErrorCode::invalid_input,
                      where + ": HTTP auth method '" + *auth + "' is not supported (basic or custom)");
  }
  return o;
}

Expected<std::unique_ptr<Remote>> open_http_remote(const RemoteSpec& spec) {
  ASSIGN_OR_RETURN(HttpRemoteOptions options, http_remote_options(spec));
  std::string_view url = spec.url;
  auto sep = url.find("://");
  if (sep == std::string_view::npos || url.size() <= sep + 3 || url[sep + 3] == '/')
    return make_error(ErrorCode::invalid_input, "HTTP URL without a host: '" + redact_url(url) + "'");
  return std::unique_ptr<Remote>(std::make_unique<HttpRemote>(spec.url, std::move(options)));
}

}  // namespace cairn::remote
