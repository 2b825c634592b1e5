// Signed S3 REST calls; see s3_client.h.
#include "cairn/remote/s3_client.h"

#include <chrono>

namespace cairn::remote::s3 {

namespace {

constexpr std::size_t k_max_hashed_body = 1 << 20;

}  // namespace

S3Client::S3Client(S3Settings settings)
    : m_settings(std::move(settings)), m_transport(m_settings.transport) {}

std::string S3Client::display(std::string_view relative_key) const {
  if (relative_key.empty()) return m_settings.display_url;
  std::string out = m_settings.display_url;
  if (!out.ends_with('/')) out.push_back('/');
  return out + std::string(relative_key);
}

std::string S3Client::endpoint_display() const {
  return m_settings.endpoint.scheme + "://" + m_settings.endpoint.host + m_settings.endpoint.base_path;
}

std::string S3Client::scrub(std::string message) const {
  std::vector<std::string> secrets;
  if (m_settings.credentials) {
    secrets.push_back(m_settings.credentials->secret_access_key);
    secrets.push_back(m_settings.credentials->session_token);
  }
  return scrub_secrets(std::move(message), secrets);
}

Error S3Client::error_for(const http::HttpResponse& response, std::string_view what) const {
  ErrorSubject subject;
  subject.what = std::string(what);
  subject.bucket = m_settings.bucket;
  subject.endpoint = endpoint_display();
  subject.credentials = m_settings.credentials
                            ? "credentials from " + m_settings.credentials->source + ", access key id " +
                                  m_settings.credentials->access_key_id
                            : "no credentials: anonymous requests";
  return scrub(map_s3_error(response, subject));
}

Error S3Client::error_for_head(const S3Call& head, const http::HttpResponse& response, std::string_view what) {
  if (response.body.empty() && response.status >= 400 && response.status < 500 && response.status != 404) {
    S3Call probe;
    probe.key = head.key;
    if (head.key.empty())
      probe.query = {{"list-type", "2"}, {"max-keys", "1"}};
    else
      probe.headers = {{"range", "bytes=0-0"}};
    auto detail = exchange(probe);
    if (detail && (detail->status < 200 || detail->status >= 300) &&
        !parse_error_body(detail->body).code.empty())
      return error_for(*detail, what);
  }
  return error_for(response, what);
}

Expected<http::HttpResponse> S3Client::exchange(const S3Call& call) {
  const S3Settings& s = m_settings;
  if (!s.credentials && s.anonymous == AnonymousAccess::refused) {
    return make_error(ErrorCode::permission,
                      s.display_url + ": no AWS credentials found (looked in " + s.credentials_hint +
                          "); set them, or set allow_anonymous_login = true for a public bucket");
  }
  std::string host = s.endpoint.host;
  std::string path = s.endpoint.base_path;
  if (call.scope == Scope::service) {
    path += "/";
  } else if (s.addressing == Addressing::virtual_host) {
    host = s.bucket + "." + host;
    path += "/" + aws::uri_encode(call.key, aws::EncodeSlash::no);
  } else {
    path += "/" + aws::uri_encode(s.bucket, aws::EncodeSlash::yes);
    if (!call.key.empty()) path += "/" + aws::uri_encode(call.key, aws::EncodeSlash::no);
  }
  std::string query = aws::canonical_query_string(call.query);

  http::HttpRequest request;
  request.method = call.method;
  request.url = s.endpoint.scheme + "://" + host + path + (query.empty() ? "" : "?" + query);
  request.body = call.body;
  request.reader = call.reader;
  request.body_size = call.body_size;
  request.writer = call.writer;
  request.on_headers = call.on_headers;

  aws::NameValues headers = call.headers;
  headers.emplace_back("host", host);
  if (s.credentials) {
    std::string payload_hash;
    if (call.reader || call.body.size() > k_max_hashed_body)
      payload_hash = aws::k_unsigned_payload;
    else
      payload_hash = call.body.empty() ? std::string(aws::k_empty_sha256) : aws::sha256_hex(call.body);
    std::string timestamp = aws::amz_timestamp(std::chrono::system_clock::now());
    headers.emplace_back("x-amz-date", timestamp);
    headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!s.credentials->session_token.empty())
      headers.emplace_back("x-amz-security-token", s.credentials->session_token);
    aws::SigningRequest signing{call.method, path, call.query, headers, payload_hash};
    auto sig = aws::sign_v4(signing, *s.credentials, s.region, "s3", timestamp);
    headers.emplace_back("authorization", sig.authorization);
  }
  for (const auto& [name, value] : headers) request.headers.push_back(name + ": " + value);

  auto response = m_transport.perform(request);
  if (!response) return std::unexpected(scrub(response.error()));
  return response;
}

Expected<http::HttpResponse> S3Client::send(const S3Call& call, std::string_view what) {
  auto response = exchange(call);
  if (!response) return std::unexpected(Error(response.error()).with_context(what));
  if (response->status < 200 || response->status >= 300) return std::unexpected(error_for(*response, what));
  return response;
}

}  // namespace cairn::remote::s3
