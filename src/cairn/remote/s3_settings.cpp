// Parsing of an S3 remote's URL and options; see s3_settings.h.
#include "cairn/remote/s3_settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace cairn::remote::s3 {

namespace {

constexpr std::uint64_t k_min_part = 5ull << 20;
constexpr std::uint64_t k_max_part = 5ull << 30;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const std::string* find_option(const RemoteSpec& spec, const std::string& key) {
  auto it = spec.options.find(key);
  if (it == spec.options.end()) return nullptr;
  return &it->second;
}

Expected<double> parse_seconds(std::string_view name, const std::string& value) {
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(v) || v <= 0) {
    return make_error(ErrorCode::invalid_input,
                      "invalid " + std::string(name) + " '" + value + "' (expected a number of seconds)");
  }
  return v;
}

// "s3://bucket/prefix/..." -> bucket, prefix.
Status parse_url(const std::string& url, BucketRequired bucket_required, S3Settings& out) {
  std::string_view rest = url;
  if (rest.starts_with("s3://"))
    rest.remove_prefix(5);
  else if (!(rest.empty() && bucket_required == BucketRequired::no))
    return make_error(ErrorCode::invalid_input,
                      "not an S3 URL: '" + redact_url(url) + "' (expected s3://bucket/prefix)");
  auto slash = rest.find('/');
  out.bucket = std::string(rest.substr(0, slash));
  std::string_view prefix = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.front() == '/') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  out.prefix = std::string(prefix);
  if (out.bucket.empty() && bucket_required == BucketRequired::yes)
    return make_error(ErrorCode::invalid_input, "S3 URL without a bucket: '" + redact_url(url) + "'");
  if (out.bucket.find('@') != std::string::npos || out.bucket.find(':') != std::string::npos)
    return make_error(ErrorCode::invalid_input,
                      "invalid bucket name in '" + redact_url(url) +
                          "' (put credentials in access_key_id/secret_access_key, not in the URL)");
  if (!out.prefix.empty()) {
    auto st = check_key(out.prefix);
    if (!st)
      return make_error(ErrorCode::invalid_input,
                        "invalid prefix in '" + redact_url(url) + "': " + st.error().message());
  }
  out.display_url = out.bucket.empty()
                        ? "s3://"
                        : redact_url("s3://" + out.bucket + (out.prefix.empty() ? "" : "/" + out.prefix));
  return ok();
}

Status parse_endpoint(const std::string& endpoint_url, bool use_ssl, const std::string& region,
                      S3Endpoint& out) {
  if (endpoint_url.empty()) {
    out.scheme = use_ssl ? "https" : "http";
    out.host = "s3." + region + ".amazonaws.com" + (region.starts_with("cn-") ? ".cn" : "");
    out.is_aws = true;
    return ok();
  }
  std::string_view rest = endpoint_url;
  auto sep = rest.find("://");
  if (sep != std::string_view::npos) {
    out.scheme = lower(rest.substr(0, sep));
    rest.remove_prefix(sep + 3);
    if (out.scheme != "http" && out.scheme != "https")
      return make_error(ErrorCode::invalid_input,
                        "endpointurl '" + redact_url(endpoint_url) + "' must be http:// or https://");
  } else {
    out.scheme = use_ssl ? "https" : "http";
  }
  auto slash = rest.find('/');
  out.host = std::string(rest.substr(0, slash));
  if (out.host.find('@') != std::string::npos)
    return make_error(ErrorCode::invalid_input,
                      "endpointurl '" + redact_url(endpoint_url) + "' must not hold credentials");
  if (out.host.empty())
    return make_error(ErrorCode::invalid_input, "endpointurl '" + redact_url(endpoint_url) + "' has no host");
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.base_path = std::string(path);
  // An endpoint that names AWS itself is treated as AWS (virtual-hosted addressing).
  std::string lhost = lower(out.host);
  out.is_aws = lhost.ends_with(".amazonaws.com") || lhost.ends_with(".amazonaws.com.cn");
  return ok();
}

bool dns_compatible(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return bucket.front() != '-' && bucket.back() != '-';
}

Expected<std::uint64_t> size_setting(const RemoteSpec& spec, const aws::AwsConfig& aws,
                                     const std::string& key, std::uint64_t fallback) {
  const std::string* v = find_option(spec, key);
  if (!v) {
    auto it = aws.s3.find(key);
    if (it == aws.s3.end()) return fallback;
    v = &it->second;
  }
  auto parsed = aws::parse_size(*v);
  if (!parsed) return std::unexpected(parsed.error().with_context(key));
  return *parsed;
}

}  // namespace

Expected<bool> parse_bool_option(std::string_view name, std::string_view value) {
  std::string v = lower(value);
  if (v == "true" || v == "yes" || v == "1" || v == "on") return true;
  if (v == "false" || v == "no" || v == "0" || v == "off") return false;
  return make_error(ErrorCode::invalid_input, "invalid " + std::string(name) + " '" + std::string(value) +
                                                  "' (expected true or false)");
}

Expected<S3Settings> parse_s3_settings(const RemoteSpec& spec, BucketRequired bucket_required,
                                       const aws::EnvLookup& environment, env::Env& fs) {
  S3Settings s;
  TRY_STATUS(parse_url(spec.url, bucket_required, s));
  auto context = [&](const Error& e) { return std::unexpected(e.with_context(s.display_url)); };

  for (const char* key : {"sse_customer_key", "sse_customer_algorithm"}) {
    if (find_option(spec, key))
      return make_error(ErrorCode::invalid_input,
                        s.display_url + ": option " + key +
                            " (SSE-C) is not supported by cairn; use sse = AES256 or aws:kms");
  }

  auto aws = aws::resolve_aws_config(spec.options, environment, fs);
  if (!aws) return context(aws.error());
  s.region = aws->region;
  s.credentials = aws->credentials;
  s.credentials_hint =
      "remote options access_key_id/secret_access_key, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, " +
      aws->credentials_file + " or " + aws->config_file + " (profile '" + aws->profile + "')";

  bool use_ssl = true;
  if (auto* v = find_option(spec, "use_ssl")) {
    auto b = parse_bool_option("use_ssl", *v);
    if (!b) return context(b.error());
    use_ssl = *b;
  }
  auto ep = parse_endpoint(aws->endpoint_url, use_ssl, s.region, s.endpoint);
  if (!ep) return context(ep.error());

  s.addressing = s.endpoint.is_aws && dns_compatible(s.bucket) ? Addressing::virtual_host : Addressing::path;
  if (auto it = aws->s3.find("addressing_style"); it != aws->s3.end()) {
    std::string style = lower(it->second);
    if (style == "path")
      s.addressing = Addressing::path;
    else if (style == "virtual")
      s.addressing = Addressing::virtual_host;
    else if (style != "auto")
      return make_error(ErrorCode::invalid_input,
                        s.display_url + ": invalid s3.addressing_style '" + it->second + "'");
  }

  s.transport.ca_bundle = aws->ca_bundle;
  if (auto* v = find_option(spec, "ssl_verify")) {
    auto b = parse_bool_option("ssl_verify", *v);
    if (b) {
      s.transport.tls_verify = *b ? http::TlsVerify::yes : http::TlsVerify::no;
    } else {
      s.transport.tls_verify = http::TlsVerify::yes;
      s.transport.ca_bundle = *v;  // a CA bundle path
    }
  }
  if (auto* v = find_option(spec, "connect_timeout")) {
    auto secs = parse_seconds("connect_timeout", *v);
    if (!secs) return context(secs.error());
    s.transport.connect_timeout_ms = std::max(1L, static_cast<long>(std::lround(*secs * 1000)));
  }
  if (auto* v = find_option(spec, "read_timeout")) {
    auto secs = parse_seconds("read_timeout", *v);
    if (!secs) return context(secs.error());
    s.transport.read_timeout_s = std::max(1L, static_cast<long>(std::lround(*secs)));
  }
  if (auto* v = find_option(spec, "allow_anonymous_login")) {
    auto b = parse_bool_option("allow_anonymous_login", *v);
    if (!b) return context(b.error());
    s.anonymous = *b ? AnonymousAccess::allowed : AnonymousAccess::refused;
  }

  if (auto* v = find_option(spec, "sse")) {
    if (*v != "AES256" && *v != "aws:kms")
      return make_error(ErrorCode::invalid_input,
                        s.display_url + ": invalid sse '" + *v + "' (expected AES256 or aws:kms)");
    s.write_headers.emplace_back("x-amz-server-side-encryption", *v);
  }
  if (auto* v = find_option(spec, "sse_kms_key_id"))
    s.write_headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", *v);
  bool has_grant = false;
  for (const char* grant : {"grant_read", "grant_read_acp", "grant_write_acp", "grant_full_control"}) {
    if (auto* v = find_option(spec, grant)) {
      std::string header = std::string("x-amz-") + grant;
      std::replace(header.begin(), header.end(), '_', '-');
      s.write_headers.emplace_back(header, *v);
      has_grant = true;
    }
  }
  if (auto* v = find_option(spec, "acl")) {
    if (has_grant)
      return make_error(ErrorCode::invalid_input,
                        s.display_url + ": acl and grant_* options are mutually exclusive");
    s.write_headers.emplace_back("x-amz-acl", *v);
  }

  auto threshold = size_setting(spec, *aws, "multipart_threshold", 8ull << 20);
  if (!threshold) return context(threshold.error());
  s.multipart_threshold = *threshold;
  auto chunk = size_setting(spec, *aws, "multipart_chunksize", 8ull << 20);
  if (!chunk) return context(chunk.error());
  if (*chunk < k_min_part || *chunk > k_max_part)
    return make_error(
        ErrorCode::invalid_input,
        s.display_url + ": multipart_chunksize must be between 5MiB and 5GiB (S3's part size limits)");
  s.multipart_chunksize = *chunk;
  auto download_part = size_setting(spec, *aws, "download_part_size", 64ull << 20);
  if (!download_part) return context(download_part.error());
  if (*download_part < (1ull << 20))
    return make_error(ErrorCode::invalid_input, s.display_url + ": download_part_size must be at least 1MiB");
  s.download_part_size = *download_part;
  const std::string* conc = find_option(spec, "max_concurrent_requests");
  if (!conc) {
    auto it = aws->s3.find("max_concurrent_requests");
    if (it != aws->s3.end()) conc = &it->second;
  }
  if (conc) {
    char* end = nullptr;
    long n = std::strtol(conc->c_str(), &end, 10);
    if (conc->empty() || *end != '\0' || n < 1 || n > 256)
      return make_error(ErrorCode::invalid_input,
                        s.display_url + ": invalid max_concurrent_requests '" + *conc + "'");
    s.max_concurrent_requests = static_cast<int>(n);
  }
  return s;
}

}  // namespace cairn::remote::s3
