// Resolution of AWS credentials, region, endpoint and transfer settings; see aws_config.h.
#include "cairn/remote/aws_config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "cairn/remote/aws_ini.h"

namespace cairn::remote::aws {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<std::string> option(const std::map<std::string, std::string>& options, const std::string& key) {
  auto it = options.find(key);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string expand_home(const std::string& path, const EnvLookup& environment) {
  if (path == "~" || path.starts_with("~/")) {
    if (auto home = environment("HOME")) return *home + path.substr(1);
  }
  return path;
}

// Reads and parses an AWS shared file; an empty IniFile when it does not exist.
Expected<IniFile> load_ini(env::Env& fs, const std::string& path) {
  if (path.empty()) return IniFile{};
  ASSIGN_OR_RETURN(auto st, fs.stat(path, env::Follow::yes));
  if (!st || st->type != env::FileType::regular) return IniFile{};
  auto text = fs.read_file(path);
  if (!text) return std::unexpected(text.error().with_context("reading AWS file " + path));
  return parse_aws_ini(*text, path);
}

const IniSection* find_section(const IniFile& file, const std::string& name) {
  auto it = file.find(name);
  return it == file.end() ? nullptr : &it->second;
}

std::optional<std::string> entry(const IniSection* section, const std::string& key) {
  if (!section) return std::nullopt;
  auto it = section->find(key);
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// A key pair from one source; invalid_input when only half of it is there.
Expected<std::optional<AwsCredentials>> pair_from(std::optional<std::string> id,
                                                  std::optional<std::string> secret,
                                                  std::optional<std::string> token, std::string source,
                                                  std::string_view id_name, std::string_view secret_name) {
  if (!id && !secret) return std::optional<AwsCredentials>{};
  if (!id || !secret) {
    return make_error(ErrorCode::invalid_input,
                      std::string(id ? secret_name : id_name) + " is missing while " +
                          std::string(id ? id_name : secret_name) + " is set (in " + source + ")");
  }
  return std::optional<AwsCredentials>(AwsCredentials{*id, *secret, token.value_or(""), std::move(source)});
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

Expected<AwsConfig> resolve_aws_config(const std::map<std::string, std::string>& options,
                                       const EnvLookup& environment, env::Env& fs) {
  AwsConfig config;
  auto home_file = [&](const char* name) -> std::string {
    auto home = environment("HOME");
    return home ? *home + "/.aws/" + name : std::string();
  };
  config.credentials_file =
      expand_home(environment("AWS_SHARED_CREDENTIALS_FILE")
                      .value_or(option(options, "credentialpath").value_or(home_file("credentials"))),
                  environment);
  config.config_file = expand_home(
      environment("AWS_CONFIG_FILE").value_or(option(options, "configpath").value_or(home_file("config"))),
      environment);

  auto profile_option = option(options, "profile");
  std::optional<std::string> profile_env = environment("AWS_PROFILE");
  if (!profile_env) profile_env = environment("AWS_DEFAULT_PROFILE");
  config.profile = profile_option.value_or(profile_env.value_or("default"));
  bool profile_named = profile_option || profile_env;

  ASSIGN_OR_RETURN(IniFile cred_file, load_ini(fs, config.credentials_file));
  ASSIGN_OR_RETURN(IniFile conf_file, load_ini(fs, config.config_file));
  const IniSection* cred_section = find_section(cred_file, config.profile);
  const IniSection* conf_section = find_section(conf_file, "profile " + config.profile);
  if (!conf_section && config.profile == "default") conf_section = find_section(conf_file, "default");

  // Credentials, first source that has any.
  ASSIGN_OR_RETURN(
      config.credentials,
      pair_from(option(options, "access_key_id"), option(options, "secret_access_key"),
                option(options, "session_token"), "remote options", "access_key_id", "secret_access_key"));
  if (!config.credentials && !profile_option) {
    auto token = environment("AWS_SESSION_TOKEN");
    if (!token) token = environment("AWS_SECURITY_TOKEN");
    ASSIGN_OR_RETURN(config.credentials,
                     pair_from(environment("AWS_ACCESS_KEY_ID"), environment("AWS_SECRET_ACCESS_KEY"), token,
                               "environment", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"));
  }
  if (profile_named && !cred_section && !conf_section && !config.credentials) {
    return make_error(ErrorCode::invalid_input, "AWS profile '" + config.profile + "' not found in " +
                                                    config.credentials_file + " or " + config.config_file);
  }
  if (!config.credentials) {
    ASSIGN_OR_RETURN(config.credentials, pair_from(entry(cred_section, "aws_access_key_id"),
                                                   entry(cred_section, "aws_secret_access_key"),
                                                   entry(cred_section, "aws_session_token"),
                                                   config.credentials_file + " [" + config.profile + "]",
                                                   "aws_access_key_id", "aws_secret_access_key"));
  }
  if (!config.credentials) {
    ASSIGN_OR_RETURN(config.credentials, pair_from(entry(conf_section, "aws_access_key_id"),
                                                   entry(conf_section, "aws_secret_access_key"),
                                                   entry(conf_section, "aws_session_token"),
                                                   config.config_file + " [profile " + config.profile + "]",
                                                   "aws_access_key_id", "aws_secret_access_key"));
  }

  if (auto v = option(options, "region"))
    config.region = *v;
  else if (auto e = environment("AWS_REGION"))
    config.region = *e;
  else if (auto d = environment("AWS_DEFAULT_REGION"))
    config.region = *d;
  else if (auto r = entry(conf_section, "region"))
    config.region = *r;
  else
    config.region = "us-east-1";

  if (auto v = option(options, "endpointurl"))
    config.endpoint_url = *v;
  else if (auto e = environment("AWS_ENDPOINT_URL_S3"))
    config.endpoint_url = *e;
  else if (auto g = environment("AWS_ENDPOINT_URL"))
    config.endpoint_url = *g;
  else if (auto s = entry(conf_section, "s3.endpoint_url"))
    config.endpoint_url = *s;
  else if (auto p = entry(conf_section, "endpoint_url"))
    config.endpoint_url = *p;

  if (auto e = environment("AWS_CA_BUNDLE"))
    config.ca_bundle = *e;
  else if (auto c = entry(conf_section, "ca_bundle"))
    config.ca_bundle = expand_home(*c, environment);

  if (conf_section) {
    for (const auto& [key, value] : *conf_section)
      if (key.starts_with("s3.")) config.s3[key.substr(3)] = value;
  }
  return config;
}

Expected<std::uint64_t> parse_size(std::string_view text) {
  std::string_view s = trim(text);
  auto bad = [&] {
    return make_error(ErrorCode::invalid_input,
                      "invalid size '" + std::string(text) + "' (expected e.g. 8388608, 8MB, 16MiB, 1GB)");
  };
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return bad();
  std::string number(s.substr(0, i));
  std::string unit = lower(trim(s.substr(i)));
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value) || value < 0) return bad();
  double scale = 0;
  if (unit.empty() || unit == "b")
    scale = 1;
  else if (unit == "kb" || unit == "kib")
    scale = 1024.0;
  else if (unit == "mb" || unit == "mib")
    scale = 1024.0 * 1024;
  else if (unit == "gb" || unit == "gib")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "tb" || unit == "tib")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else
    return bad();
  double bytes = value * scale;
  if (bytes > 1.8e19 || (scale == 1 && number.find('.') != std::string::npos)) return bad();
  return static_cast<std::uint64_t>(bytes + 0.5);
}

}  // namespace cairn::remote::aws
