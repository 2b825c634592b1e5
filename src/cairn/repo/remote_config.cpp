#include "cairn/repo/remote_config.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

#include "cairn/repo/repository.h"

namespace cairn::repo {
namespace {

// ----------------------------------------------------------------------------- messages

constexpr std::string_view k_unexpected = "unexpected error - ";

std::unexpected<Error> config_error(const std::string& what) {
  return make_error(ErrorCode::invalid_input, "config file error: " + what);
}

std::unexpected<Error> unexpected(const std::string& what) {
  return make_error(ErrorCode::invalid_input, std::string(k_unexpected) + what);
}

// Python's repr() of a str (the quoting and escapes a config name can plausibly need).
std::string py_repr(std::string_view s) {
  bool sq = s.find('\'') != std::string_view::npos, dq = s.find('"') != std::string_view::npos;
  char q = (sq && !dq) ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == static_cast<unsigned char>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
  return out;
}

// " @ data['remote']['name']" (+ "['key']").
std::string where(std::string_view name, std::optional<std::string_view> key = std::nullopt) {
  std::string out = " @ data['remote'][" + py_repr(name) + "]";
  if (key) out += "[" + py_repr(*key) + "]";
  return out;
}

// ----------------------------------------------------------------------------- Python parsing

bool py_space(unsigned char c) {
  return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20);
}

std::string py_strip(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && py_space(s[b])) ++b;
  while (e > b && py_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Digits with single underscores between them (Python's numeric literal rule), from i.
bool scan_digits(const std::string& s, std::size_t& i, std::string& out) {
  std::size_t start = i;
  while (i < s.size()) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      out += s[i++];
    } else if (s[i] == '_' && i > start && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
               i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      ++i;
    } else {
      break;
    }
  }
  return i > start;
}

// Python int(str): nullopt when it raises ValueError.
std::optional<long double> py_int(std::string_view text) {
  std::string s = py_strip(text), digits;
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (!scan_digits(s, i, digits) || i != s.size()) return std::nullopt;
  long double v = std::strtold(digits.c_str(), nullptr);
  return neg ? -v : v;
}

// Python float(str): nullopt when it raises ValueError.
std::optional<double> py_float(std::string_view text) {
  std::string s = py_strip(text);
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  std::string rest = python_lower(s.substr(i));
  if (rest == "inf" || rest == "infinity") return neg ? -HUGE_VAL : HUGE_VAL;
  if (rest == "nan") return std::nan("");
  std::string num;
  bool int_part = scan_digits(s, i, num);
  bool frac_part = false;
  if (i < s.size() && s[i] == '.') {
    num += s[i++];
    frac_part = scan_digits(s, i, num);
  }
  if (!int_part && !frac_part) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    num += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) num += s[i++];
    if (!scan_digits(s, i, num)) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double v = std::strtod(num.c_str(), nullptr);
  return neg ? -v : v;
}

// re.match(r"\w+://", url)
bool has_scheme(std::string_view v) {
  std::size_t i = 0;
  while (i < v.size()) {
    unsigned char c = v[i];
    if (std::isalnum(c) || c == '_' || c >= 0x80) {
      ++i;
    } else {
      break;
    }
  }
  return i > 0 && v.substr(i, 3) == "://";
}

// urllib.parse.urlsplit (Python 3.11.7), the parts DVC looks at.
struct UrlParts {
  std::string scheme;  // lower-cased; empty when none
  std::string netloc;
  std::string path;
  bool invalid = false;  // urlsplit raised ValueError
};

// urllib.parse._check_bracketed_host
bool valid_bracketed_host(const std::string& host) {
  if (!host.empty() && host[0] == 'v') {
    // \Av[a-fA-F0-9]+\..+\Z
    std::size_t i = 1;
    while (i < host.size() && std::isxdigit(static_cast<unsigned char>(host[i]))) ++i;
    if (i == 1 || i >= host.size() || host[i] != '.') return false;
    std::string rest = host.substr(i + 1);
    return !rest.empty() && rest.find('\n') == std::string::npos;
  }
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return false;  // IPv4 cannot be bracketed
  std::string addr = host;
  if (auto pct = host.find('%'); pct != std::string::npos) {
    std::string scope = host.substr(pct + 1);
    if (scope.empty() || scope.find('%') != std::string::npos) return false;
    addr = host.substr(0, pct);
  }
  return inet_pton(AF_INET6, addr.c_str(), buf) == 1;
}

UrlParts url_split(std::string_view raw) {
  std::string url;
  std::size_t b = 0;
  while (b < raw.size() && static_cast<unsigned char>(raw[b]) <= 0x20) ++b;
  for (char c : raw.substr(b)) {
    if (c != '\t' && c != '\r' && c != '\n') url += c;
  }
  UrlParts p;
  std::size_t colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(url[0])) &&
      static_cast<unsigned char>(url[0]) < 0x80) {
    bool ok = true;
    for (std::size_t i = 0; i < colon; ++i) {
      unsigned char c = url[i];
      ok &= (c < 0x80 && std::isalnum(c)) || c == '+' || c == '-' || c == '.';
    }
    if (ok) {
      for (std::size_t i = 0; i < colon; ++i) p.scheme += static_cast<char>(std::tolower(url[i]));
      url = url.substr(colon + 1);
    }
  }
  if (url.starts_with("//")) {
    std::size_t delim = url.find_first_of("/?#", 2);
    if (delim == std::string::npos) delim = url.size();
    p.netloc = url.substr(2, delim - 2);
    url = url.substr(delim);
    bool open = p.netloc.find('[') != std::string::npos, close = p.netloc.find(']') != std::string::npos;
    if (open != close) p.invalid = true;
    if (open && close) {
      std::string host = p.netloc.substr(p.netloc.find('[') + 1);
      host = host.substr(0, host.find(']'));
      if (!valid_bracketed_host(host)) p.invalid = true;
    }
  }
  if (auto hash = url.find('#'); hash != std::string::npos) url.resize(hash);
  if (auto q = url.find('?'); q != std::string::npos) url.resize(q);
  p.path = url;
  return p;
}

// ----------------------------------------------------------------------------- schema

// The voluptuous validators of dvc/config_schema.py used by remote options.
enum class Check {
  any,          // object ("remote://" remotes take any option)
  str,          // str
  boolean,      // Bool
  integer,      // Coerce(int)
  int_min1,     // All(Coerce(int), Range(1))
  number_min0,  // All(Coerce(float), Range(0, min_included=True))
  cache_type,   // supported_cache_type
  shared,       // All(Lower, Choices("group"))
  auth,         // All(Lower, Choices("basic", "digest", "custom"))
  bool_or_str,  // Any(Bool, str)
  py_bool,      // bool (a config string never is one)
  py_int,       // int (a config string never is one)
};

using Schema = std::map<std::string, Check, std::less<>>;

const std::map<std::string, Schema, std::less<>>& remote_schemas() {
  static const auto schemas = [] {
    using C = Check;
    const Schema common = {
        {"url", C::str},          {"checksum_jobs", C::int_min1}, {"jobs", C::int_min1},
        {"worktree", C::boolean}, {"no_traverse", C::boolean},    {"version_aware", C::boolean}};
    const Schema local = {{"type", C::cache_type},
                          {"protected", C::boolean},
                          {"shared", C::shared},
                          {"slow_link_warning", C::boolean},
                          {"verify", C::boolean}};
    const Schema http = {
        {"auth", C::auth},     {"custom_auth_header", C::str},      {"user", C::str},
        {"password", C::str},  {"ask_password", C::boolean},        {"ssl_verify", C::bool_or_str},
        {"method", C::str},    {"connect_timeout", C::number_min0}, {"read_timeout", C::number_min0},
        {"verify", C::boolean}};
    const Schema webdav = {{"user", C::str},
                           {"password", C::str},
                           {"ask_password", C::boolean},
                           {"token", C::str},
                           {"bearer_token_command", C::str},
                           {"custom_auth_header", C::str},
                           {"cert_path", C::str},
                           {"key_path", C::str},
                           {"timeout", C::integer},
                           {"ssl_verify", C::bool_or_str},
                           {"verify", C::boolean}};
    const Schema s3 = {{"region", C::str},
                       {"profile", C::str},
                       {"credentialpath", C::str},
                       {"configpath", C::str},
                       {"endpointurl", C::str},
                       {"access_key_id", C::str},
                       {"secret_access_key", C::str},
                       {"session_token", C::str},
                       {"listobjects", C::boolean},
                       {"use_ssl", C::boolean},
                       {"allow_anonymous_login", C::boolean},
                       {"ssl_verify", C::bool_or_str},
                       {"sse", C::str},
                       {"sse_kms_key_id", C::str},
                       {"sse_customer_algorithm", C::str},
                       {"sse_customer_key", C::str},
                       {"acl", C::str},
                       {"grant_read", C::str},
                       {"grant_read_acp", C::str},
                       {"grant_write_acp", C::str},
                       {"grant_full_control", C::str},
                       {"cache_regions", C::py_bool},
                       {"read_timeout", C::integer},
                       {"connect_timeout", C::integer},
                       {"verify", C::boolean}};
    const Schema gs = {{"projectname", C::str},
                       {"credentialpath", C::str},
                       {"endpointurl", C::str},
                       {"verify", C::boolean},
                       {"allow_anonymous_login", C::boolean}};
    const Schema ssh = {
        {"type", C::cache_type},        {"port", C::integer},         {"user", C::str},
        {"password", C::str},           {"ask_password", C::boolean}, {"passphrase", C::str},
        {"ask_passphrase", C::boolean}, {"keyfile", C::str},          {"timeout", C::integer},
        {"gss_auth", C::boolean},       {"allow_agent", C::boolean},  {"max_sessions", C::integer},
        {"verify", C::boolean}};
    const Schema hdfs = {{"user", C::str}, {"kerb_ticket", C::str}, {"replication", C::py_int}};
    const Schema webhdfs = {{"kerberos", C::boolean},
                            {"kerberos_principal", C::str},
                            {"proxy_to", C::str},
                            {"ssl_verify", C::bool_or_str},
                            {"token", C::str},
                            {"use_https", C::boolean},
                            {"user", C::str},
                            {"password", C::str},
                            {"data_proxy_target", C::str},
                            {"verify", C::boolean}};
    const Schema azure = {{"connection_string", C::str},
                          {"sas_token", C::str},
                          {"account_name", C::str},
                          {"account_key", C::str},
                          {"tenant_id", C::str},
                          {"client_id", C::str},
                          {"client_secret", C::str},
                          {"allow_anonymous_login", C::boolean},
                          {"exclude_environment_credential", C::boolean},
                          {"exclude_visual_studio_code_credential", C::boolean},
                          {"exclude_shared_token_cache_credential", C::boolean},
                          {"exclude_managed_identity_credential", C::boolean},
                          {"verify", C::boolean},
                          {"timeout", C::integer},
                          {"read_timeout", C::integer},
                          {"connection_timeout", C::integer}};
    const Schema oss = {
        {"oss_key_id", C::str}, {"oss_key_secret", C::str}, {"oss_endpoint", C::str}, {"verify", C::boolean}};
    const Schema gdrive = {{"profile", C::str},
                           {"gdrive_use_service_account", C::boolean},
                           {"gdrive_client_id", C::str},
                           {"gdrive_client_secret", C::str},
                           {"gdrive_user_credentials_file", C::str},
                           {"gdrive_service_account_user_email", C::str},
                           {"gdrive_service_account_json_file_path", C::str},
                           {"gdrive_trash_only", C::boolean},
                           {"gdrive_acknowledge_abuse", C::boolean},
                           {"verify", C::boolean}};
    // a | b: keys of b win (Python dict union; here the shared keys have equal checks).
    auto with = [](Schema a, const Schema& b) {
      for (const auto& [k, v] : b) a[k] = v;
      return a;
    };
    std::map<std::string, Schema, std::less<>> out;
    out[""] = with(local, common);
    out["s3"] = with(s3, common);
    out["gs"] = with(gs, common);
    out["ssh"] = with(ssh, common);
    out["hdfs"] = with(hdfs, common);
    out["webhdfs"] = with(webhdfs, common);
    out["azure"] = with(azure, common);
    out["oss"] = with(oss, common);
    out["gdrive"] = with(gdrive, common);
    out["http"] = with(http, common);
    out["https"] = with(http, common);
    out["webdav"] = with(webdav, common);
    out["webdavs"] = with(webdav, common);
    out["remote"] = {};  // {str: object}
    return out;
  }();
  return schemas;
}

// str(value).lower() for voluptuous' Lower (None -> "none").
std::string lowered(const std::optional<IniValue>& v) {
  return v ? python_lower(v->display()) : std::string("none");
}

// The message of the validator's Invalid, or nullopt when the value passes. nullopt value:
// Python's None (`dvc remote modify NAME OPTION` without a value).
std::optional<std::string> check_value(Check check, const std::optional<IniValue>& v) {
  bool is_str = v && !v->is_list;
  switch (check) {
    case Check::any:
      return std::nullopt;
    case Check::str:
      if (!is_str) return "expected str";
      return std::nullopt;
    case Check::boolean: {
      std::string l = lowered(v);
      if (l != "true" && l != "false") return "expected true or false";
      return std::nullopt;
    }
    case Check::integer:
    case Check::int_min1: {
      auto n = is_str ? py_int(v->str) : std::nullopt;
      if (!n) return "expected int";
      if (check == Check::int_min1 && *n < 1) return "value must be at least 1";
      return std::nullopt;
    }
    case Check::number_min0: {
      auto n = is_str ? py_float(v->str) : std::nullopt;
      if (!n) return "expected float";
      if (!(*n >= 0)) return "value must be at least 0";
      return std::nullopt;
    }
    case Check::cache_type: {
      if (!v) return std::nullopt;
      std::vector<std::string> types;
      if (v->is_list) {
        types = v->list;
      } else {
        std::size_t i = 0;
        while (true) {
          std::size_t j = v->str.find(',', i);
          types.push_back(py_strip(std::string_view(v->str).substr(i, j == std::string::npos ? j : j - i)));
          if (j == std::string::npos) break;
          i = j + 1;
        }
      }
      std::vector<std::string> bad;
      for (const auto& t : types) {
        if (t == "reflink" || t == "hardlink" || t == "symlink" || t == "copy") continue;
        bool seen = false;
        for (const auto& b : bad) seen |= b == t;
        if (!seen) bad.push_back(t);
      }
      if (bad.empty()) return std::nullopt;
      std::string msg = "Unsupported cache type(s): ";
      for (std::size_t i = 0; i < bad.size(); ++i) msg += (i ? ", " : "") + bad[i];
      return msg;
    }
    case Check::shared:
      if (lowered(v) != "group") return "expected one of group";
      return std::nullopt;
    case Check::auth: {
      std::string l = lowered(v);
      if (l != "basic" && l != "digest" && l != "custom") return "expected one of basic, digest, custom";
      return std::nullopt;
    }
    case Check::bool_or_str:
      if (is_str) return std::nullopt;
      return "expected true or false";
    case Check::py_bool:
      return "expected bool";
    case Check::py_int:
      return "expected int";
  }
  return std::nullopt;
}

// ByUrl: the schema for a remote's url, or the error message (with its path).
Expected<const Schema*> schema_for_url(std::string_view name, const IniValue& url) {
  const auto& schemas = remote_schemas();
  // A relative path is resolved to an absolute one before DVC parses it: always local.
  if (url.is_list || (!has_scheme(url.str) && !url.str.starts_with("/"))) return &schemas.at("");
  UrlParts parts = url_split(url.str);
  if (parts.invalid) return config_error("not a valid value for dictionary value" + where(name));
  if (parts.netloc.empty()) return &schemas.at("");
  auto it = schemas.find(parts.scheme);
  if (it == schemas.end()) {
    return config_error("Unsupported URL type " + parts.scheme + ":// for dictionary value" + where(name));
  }
  return &it->second;
}

// ----------------------------------------------------------------------------- config helpers

const IniSection* find_remote(const IniFile& ini, std::string_view name) {
  for (const auto& s : ini.sections()) {
    if (s.kind == "remote" && s.name == name) return &s;
  }
  return nullptr;
}

IniSection* find_remote(IniFile& ini, std::string_view name) {
  return const_cast<IniSection*>(find_remote(std::as_const(ini), name));
}

// Finds or appends `[remote "name"]`.
IniSection& remote_section(IniFile& ini, std::string_view name) {
  if (IniSection* s = find_remote(ini, name)) return *s;
  ini.sections().push_back(IniSection{"remote", std::string(name), {}});
  return ini.sections().back();
}

// Config.load_config_to_level(level): the available levels below `level` (all for nullopt).
std::vector<ConfigLevel> levels_below(const Config& config, std::optional<ConfigLevel> level) {
  std::vector<ConfigLevel> out;
  for (ConfigLevel l : config.levels()) {
    if (level && l == *level) break;
    out.push_back(l);
  }
  return out;
}

bool remote_in(const Config& config, const std::vector<ConfigLevel>& levels, std::string_view name) {
  for (ConfigLevel l : levels) {
    if (find_remote(config.ini(l), name)) return true;
  }
  return false;
}

// The remote names of the merged levels, first-seen order.
std::vector<std::string> merged_remote_names(const Config& config, const std::vector<ConfigLevel>& levels) {
  std::vector<std::string> names;
  for (ConfigLevel l : levels) {
    for (const auto& s : config.ini(l).sections()) {
      if (s.kind != "remote") continue;
      bool seen = false;
      for (const auto& n : names) seen |= n == s.name;
      if (!seen) names.push_back(s.name);
    }
  }
  return names;
}

// The level (highest first) holding section.key among `levels`.
std::optional<ConfigLevel> origin_in(const Config& config, const std::vector<ConfigLevel>& levels,
                                     std::string_view section, std::string_view key) {
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
    if (config.ini(*it).get(section, key)) return *it;
  }
  return std::nullopt;
}

Status check_available(const Config& config, ConfigLevel level) {
  if (!config.file(level)) return config_error("Not inside a DVC repo");
  return ok();
}

// Config.read(level) of an unavailable level fails on `self.files[level]` (a KeyError).
Status check_readable(const Config& config, ConfigLevel level) {
  if (!config.file(level)) return unexpected("'" + std::string(config_level_name(level)) + "'");
  return ok();
}

bool core_remote_is(const IniFile& ini, std::string_view name) {
  const IniValue* v = ini.get("core", "remote");
  return v && !v->is_list && v->str == name;
}

// One `Config.edit(level)` that only rewrites the file (no path value from the command line).
template <class F>
Status edit(Config& config, ConfigLevel level, F&& mutate) {
  TRY_STATUS(check_available(config, level));
  IniFile ini = config.ini(level);
  TRY_STATUS(mutate(ini));
  return config.write(level, std::move(ini), "/");
}

// DVC walks reversed(Config.LEVELS): local, repo, global, system.
constexpr std::array<ConfigLevel, 4> k_levels_high_first = {ConfigLevel::local, ConfigLevel::repo,
                                                            ConfigLevel::global, ConfigLevel::system};

}  // namespace

// ----------------------------------------------------------------------------- public API

std::string remote_name_key(std::string_view name) {
  return python_lower(name);
}

bool is_unexpected_error(const Error& error) {
  return error.message().starts_with(k_unexpected);
}

Status validate_remote_section(std::string_view name,
                               const std::vector<std::pair<std::string, IniValue>>& entries) {
  const IniValue* url = nullptr;
  for (const auto& [k, v] : entries) {
    if (k == "url") url = &v;
  }
  if (!url) return config_error("expected 'url' for dictionary value" + where(name));
  ASSIGN_OR_RETURN(const Schema* schema, schema_for_url(name, *url));
  bool any = schema->empty();  // "remote://": {str: object}
  for (const auto& [k, v] : entries) {
    if (any) break;
    auto it = schema->find(k);
    if (it == schema->end()) return config_error("extra keys not allowed" + where(name, k));
    if (auto msg = check_value(it->second, v)) {
      return config_error(*msg + " for dictionary value" + where(name, k));
    }
  }
  return ok();
}

Status add_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name,
                  std::string_view url, bool make_default, bool force, const std::string& cwd) {
  ConfigLevel target = level.value_or(ConfigLevel::repo);
  TRY_STATUS(check_available(config, target));
  std::string key = remote_name_key(name);
  IniFile ini = config.ini(target);
  if (find_remote(ini, key) && !force) {
    return config_error("remote '" + key + "' already exists. Use `-f|--force` to overwrite it.");
  }
  IniSection& section = remote_section(ini, key);
  section.entries = {{"url", IniValue(std::string(url))}};
  std::string full = section.full_name();
  if (make_default) ini.set("core", "remote", IniValue(key));
  return config.write(target, std::move(ini), cwd, std::make_pair(full, std::string("url")));
}

Status modify_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name,
                     std::string_view option, std::optional<std::string_view> value, bool unset,
                     const std::string& cwd) {
  ConfigLevel target = level.value_or(ConfigLevel::repo);
  TRY_STATUS(check_available(config, target));
  std::string key = remote_name_key(name);
  IniFile ini = config.ini(target);
  if (!find_remote(ini, key) && !remote_in(config, levels_below(config, level), key)) {
    return config_error("remote '" + key + "' doesn't exist.");
  }
  IniSection& section = remote_section(ini, key);
  std::string opt(option);
  std::optional<std::pair<std::string, std::string>> new_path;
  if (unset) {
    section.erase(opt);
  } else if (value) {
    section.set(opt, IniValue(std::string(*value)));
    if (Config::is_path_key(section, opt)) new_path.emplace(section.full_name(), opt);
  } else {
    // Python's None: DVC's path re-saving chokes on it; the schema rejects it for most
    // options; otherwise ConfigObj writes it as "None".
    if (Config::is_path_key(section, opt)) {
      return unexpected("expected string or bytes-like object, got 'NoneType'");
    }
    std::vector<std::pair<std::string, IniValue>> merged;
    for (ConfigLevel l : levels_below(config, target)) {
      if (const IniSection* s = find_remote(config.ini(l), key)) {
        for (const auto& e : s->entries) merged.push_back(e);
      }
    }
    for (const auto& e : section.entries) merged.push_back(e);
    const IniValue* url = nullptr;
    for (const auto& [k, v] : merged) {
      if (k == "url") url = &v;
    }
    if (url) {
      if (auto schema = schema_for_url(key, *url); schema && !(*schema)->empty()) {
        auto it = (*schema)->find(opt);
        if (it != (*schema)->end()) {
          if (auto msg = check_value(it->second, std::nullopt)) {
            return config_error(*msg + " for dictionary value" + where(key, opt));
          }
        }
      }
    }
    section.set(opt, IniValue(std::string("None")));
  }
  return config.write(target, std::move(ini), cwd, std::move(new_path));
}

Status remove_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name) {
  ConfigLevel target = level.value_or(ConfigLevel::repo);
  std::string key = remote_name_key(name);
  TRY_STATUS(edit(config, target, [&](IniFile& ini) -> Status {
    if (!find_remote(ini, key)) return config_error("remote '" + key + "' doesn't exist.");
    ini.remove_section(Config::remote_section(key));
    return ok();
  }));
  // Drop core.remote references to it in this level and every level shadowing it.
  for (ConfigLevel l : k_levels_high_first) {
    TRY_STATUS(edit(config, l, [&](IniFile& ini) -> Status {
      if (core_remote_is(ini, key)) ini.unset("core", "remote");
      return ok();
    }));
    if (l == target) break;
  }
  return ok();
}

Status rename_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name,
                     std::string_view new_name) {
  // DVC compares the new name as typed (not lower-cased) with every level's remotes.
  if (remote_in(config, config.levels(), new_name)) {
    return config_error("Rename failed. Remote name " + py_repr(new_name) + " already exists.");
  }
  ConfigLevel target = level.value_or(ConfigLevel::repo);
  std::string key = remote_name_key(name);
  std::string renamed(new_name);
  auto rename_default = [&](IniFile& ini) {
    if (core_remote_is(ini, key)) ini.set("core", "remote", IniValue(renamed));
  };
  TRY_STATUS(edit(config, target, [&](IniFile& ini) -> Status {
    IniSection* s = find_remote(ini, key);
    if (!s) return config_error("remote '" + key + "' doesn't exist.");
    auto entries = std::move(s->entries);
    auto& sections = ini.sections();
    for (auto it = sections.begin(); it != sections.end(); ++it) {
      if (it->kind == "remote" && it->name == key) {
        sections.erase(it);
        break;
      }
    }
    sections.push_back(IniSection{"remote", renamed, std::move(entries)});
    rename_default(ini);
    return ok();
  }));
  for (ConfigLevel l : k_levels_high_first) {
    if (l == target) break;
    TRY_STATUS(edit(config, l, [&](IniFile& ini) -> Status {
      rename_default(ini);
      return ok();
    }));
  }
  return ok();
}

Expected<RemoteList> list_remotes(const Config& config, std::optional<ConfigLevel> level) {
  std::vector<ConfigLevel> levels = config.levels();
  if (level) {
    TRY_STATUS(check_readable(config, *level));
    levels = {*level};
  }
  RemoteList out;
  std::optional<ConfigLevel> def_level = origin_in(config, levels, "core", "remote");
  const IniValue* def = def_level ? config.ini(*def_level).get("core", "remote") : nullptr;
  for (const auto& name : merged_remote_names(config, levels)) {
    std::string section = Config::remote_section(name);
    auto url_level = origin_in(config, levels, section, "url");
    if (!url_level) {
      out.error = unexpected("'url'").error();
      break;
    }
    RemoteListEntry e;
    e.name = name;
    e.url = config.get(*url_level, section, "url").value_or("");
    e.is_default = def && !def->is_list && def->str == name;
    out.entries.push_back(std::move(e));
  }
  return out;
}

Expected<std::optional<std::string>> get_default_remote(const Config& config,
                                                        std::optional<ConfigLevel> level) {
  std::vector<ConfigLevel> levels = config.levels();
  if (level) {
    TRY_STATUS(check_readable(config, *level));
    levels = {*level};
  }
  auto l = origin_in(config, levels, "core", "remote");
  if (!l) return std::optional<std::string>();
  return std::optional<std::string>(config.ini(*l).get("core", "remote")->display());
}

Status set_default_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name) {
  ConfigLevel target = level.value_or(ConfigLevel::repo);
  std::string key = remote_name_key(name);
  return edit(config, target, [&](IniFile& ini) -> Status {
    if (!find_remote(ini, key)) {
      auto below = levels_below(config, level);
      // load_config_to_level("system") is {}: DVC's merged_conf["remote"] is a KeyError.
      if (below.empty()) return unexpected("'remote'");
      if (!remote_in(config, below, key))
        return config_error("default remote must be present in remote list.");
    }
    ini.set("core", "remote", IniValue(key));
    return ok();
  });
}

Status unset_default_remote(Config& config, std::optional<ConfigLevel> level) {
  return edit(config, level.value_or(ConfigLevel::repo), [](IniFile& ini) -> Status {
    ini.unset("core", "remote");
    return ok();
  });
}

namespace {

// get_fs_config + _resolve_remote_refs for one (lower-cased) remote name.
Expected<ResolvedRemote> resolve_named(const Config& config, std::string_view shown_name, int depth) {
  std::string key = remote_name_key(shown_name);
  std::vector<ConfigLevel> levels = config.levels();
  if (!remote_in(config, levels, key) || depth > 64) {
    return make_error(ErrorCode::not_found,
                      "config file error: remote '" + std::string(shown_name) + "' doesn't exist");
  }
  std::string section = Config::remote_section(key);
  ResolvedRemote r;
  r.name = key;
  for (ConfigLevel l : levels) {
    if (const IniSection* s = find_remote(config.ini(l), key)) {
      for (const auto& [k, v] : s->entries) r.options[k] = config.get(l, section, k).value_or("");
    }
  }
  auto url = r.options.find("url");
  if (url == r.options.end()) {
    return config_error("expected 'url' for dictionary value" + where(key));
  }
  r.url = url->second;
  r.options.erase(url);
  UrlParts parts = url_split(r.url);
  if (parts.scheme == "remote") {
    ASSIGN_OR_RETURN(ResolvedRemote base, resolve_named(config, parts.netloc, depth + 1));
    std::size_t b = parts.path.find_first_not_of('/');
    std::string rel = b == std::string::npos ? "" : parts.path.substr(b);
    for (auto& [k, v] : r.options) base.options[k] = v;
    r.options = std::move(base.options);
    r.url = base.url + "/" + rel;
  }
  return r;
}

}  // namespace

Expected<ResolvedRemote> resolve_remote(const Config& config, std::string_view root_dir,
                                        std::string_view name, std::string_view command) {
  std::string chosen(name);
  if (chosen.empty()) {
    // The validated config holds core.remote lower-cased (schema: Lower).
    if (auto def = config.get("core", "remote")) chosen = python_lower(*def);
  }
  if (chosen.empty()) {
    std::string msg = "config file error: no remote specified in " + std::string(root_dir) + ".";
    if (!merged_remote_names(config, config.levels()).empty()) {
      msg += " Setup default remote with\n    dvc remote default <remote name>\nor use:\n    dvc " +
             std::string(command) + " -r <remote name>";
    } else {
      msg += " Create a default remote with\n    dvc remote add -d <remote name> <remote url>";
    }
    return make_error(ErrorCode::not_found, msg);
  }
  ASSIGN_OR_RETURN(ResolvedRemote r, resolve_named(config, chosen, 0));
  if (!r.options.contains("checksum_jobs")) {
    if (auto jobs = config.get("core", "checksum_jobs"); jobs && !jobs->empty())
      r.options["checksum_jobs"] = *jobs;
  }
  return r;
}

Expected<ResolvedRemote> resolve_remote(const Repository& repo, std::string_view name,
                                        std::string_view command) {
  return resolve_remote(repo.config(), repo.root(), name, command);
}

}  // namespace cairn::repo
