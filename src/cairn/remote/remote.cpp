// Shared helpers of the remote layer: key checking, transient-error classification, URL
// redaction and the generic copy.
#include "cairn/remote/remote.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace cairn::remote {

namespace {

// S3's limit on key length (bytes); no backend accepts longer.
constexpr std::size_t k_max_key_bytes = 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Query parameter names whose values are secrets (compared lower-cased): presigned URL
// signatures (AWS SigV2/SigV4, GCS, Azure SAS), bearer tokens, passwords.
bool is_secret_param(std::string_view name) {
  static constexpr std::array<std::string_view, 6> k_exact = {
      "sig", "key", "apikey", "api_key", "awsaccesskeyid", "pwd"};
  static constexpr std::array<std::string_view, 6> k_contains = {
      "signature", "credential", "token", "secret", "password", "passwd"};
  std::string n = lower(name);
  for (auto e : k_exact)
    if (n == e) return true;
  for (auto c : k_contains)
    if (n.find(c) != std::string::npos) return true;
  return false;
}

// Redacts the values of secret parameters in "a=1&X-Amz-Signature=abc" (no leading '?').
std::string redact_query(std::string_view query) {
  std::string out;
  std::size_t i = 0;
  while (i <= query.size()) {
    auto amp = query.find('&', i);
    if (amp == std::string_view::npos) amp = query.size();
    auto param = query.substr(i, amp - i);
    auto eq = param.find('=');
    if (eq != std::string_view::npos && is_secret_param(param.substr(0, eq))) {
      out.append(param.substr(0, eq + 1));
      out.append("***");
    } else {
      out.append(param);
    }
    if (amp < query.size()) out.push_back('&');
    i = amp + 1;
  }
  return out;
}

}  // namespace

Status check_key(std::string_view key) {
  auto bad = [&](std::string_view why) {
    // The key is echoed (it is not a secret) but cut short and without control bytes.
    std::string shown;
    for (char c : key.substr(0, 200)) shown.push_back(std::iscntrl(static_cast<unsigned char>(c)) ? '?' : c);
    return make_error(ErrorCode::invalid_input, "invalid remote key '" + shown + "': " + std::string(why));
  };
  if (key.empty()) return bad("empty");
  if (key.size() > k_max_key_bytes) return bad("longer than 1024 bytes");
  if (key.front() == '/') return bad("absolute");
  for (char c : key) {
    if (c == '\0' || c == '\n' || c == '\r') return bad("contains a control character");
    if (c == '\\') return bad("contains a backslash");
  }
  std::size_t i = 0;
  while (i <= key.size()) {
    auto j = key.find('/', i);
    if (j == std::string_view::npos) j = key.size();
    auto part = key.substr(i, j - i);
    if (part.empty()) return bad("empty path segment");
    if (part == "." || part == "..") return bad("'.' or '..' segment");
    i = j + 1;
  }
  return ok();
}

bool is_transient(const Error& error) {
  return error.code() == ErrorCode::unavailable || error.code() == ErrorCode::timeout;
}

std::string redact_url(std::string_view url) {
  std::string out;
  std::string_view rest = url;
  // Fragment: kept as is (never sent to a server, never holds credentials we produce).
  std::string_view fragment;
  if (auto hash = rest.find('#'); hash != std::string_view::npos) {
    fragment = rest.substr(hash);
    rest = rest.substr(0, hash);
  }
  std::string_view query;
  bool has_query = false;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    has_query = true;
  }
  // Userinfo: only in "scheme://userinfo@host/...".
  auto sep = rest.find("://");
  if (sep != std::string_view::npos) {
    auto authority_begin = sep + 3;
    auto authority_end = rest.find('/', authority_begin);
    if (authority_end == std::string_view::npos) authority_end = rest.size();
    auto authority = rest.substr(authority_begin, authority_end - authority_begin);
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
      out.append(rest.substr(0, authority_begin));
      out.append("***@");
      out.append(rest.substr(authority_begin + at + 1));
    } else {
      out.append(rest);
    }
  } else {
    out.append(rest);
  }
  if (has_query) {
    out.push_back('?');
    out.append(redact_query(query));
  }
  out.append(fragment);
  return out;
}

Expected<std::optional<std::string>> Remote::get_file_hashed(const std::string& key, const std::string& local_path,
                                                             const ByteProgress& progress) {
  TRY_STATUS(get_file(key, local_path, progress));
  return std::nullopt;
}

Status Remote::copy(const std::string& from_key, const std::string& to_key) {
  TRY_STATUS(check_key(from_key));
  TRY_STATUS(check_key(to_key));
  ASSIGN_OR_RETURN(std::string data, get_bytes(from_key));
  return put_bytes(to_key, data);
}

}  // namespace cairn::remote
