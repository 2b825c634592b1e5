#include "cairn/repo/config.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "cairn/repo/remote_config.h"
#include "cairn/util/path.h"

namespace cairn::repo {
namespace {

constexpr std::array<std::string_view, 13> k_schema_sections = {
    "core",  "cache", "remote",  "state", "index",  "machine", "feature",
    "plots", "exp",   "parsing", "hydra", "studio", "db"};

bool is_path_key(const IniSection& s, std::string_view key) {
  if (s.kind.empty()) return s.name == "cache" && key == "dir";
  if (s.kind == "remote") {
    return key == "url" || key == "gdrive_user_credentials_file" ||
           key == "gdrive_service_account_json_file_path" || key == "credentialpath" || key == "configpath" ||
           key == "keyfile" || key == "cert_path" || key == "key_path";
  }
  if (s.kind == "machine") return key == "startup_script" || key == "setup_script";
  return false;
}

// re.match(r"\w+://", path)
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

bool is_abs(std::string_view p) {
  return !p.empty() && p.front() == '/';
}

// os.path.expanduser
std::string expand_user(std::string_view p, const std::string& home) {
  if (p.empty() || p.front() != '~') return std::string(p);
  std::size_t slash = p.find('/');
  if (slash == std::string_view::npos) slash = p.size();
  std::string user(p.substr(1, slash - 1));
  std::string dir;
  if (user.empty()) {
    dir = home;
    if (dir.empty()) {
      if (const passwd* pw = getpwuid(getuid())) dir = pw->pw_dir;
    }
    if (dir.empty()) return std::string(p);
  } else {
    const passwd* pw = getpwnam(user.c_str());
    if (!pw) return std::string(p);
    dir = pw->pw_dir;
  }
  while (!dir.empty() && dir.back() == '/') dir.pop_back();
  std::string out = dir + std::string(p.substr(slash));
  return out.empty() ? "/" : out;
}

// Config._resolve: the value DVC holds after loading.
std::string resolve_path(const std::string& conf_dir, const std::string& raw, const std::string& home) {
  if (has_scheme(raw) || is_abs(raw)) return raw;
  std::string expanded = expand_user(raw, home);
  if (is_abs(expanded)) return expanded;
  return path::normalize(path::join(conf_dir, raw));
}

// Config._to_relpath applied to a value that was loaded from the file.
std::string resave_path(const std::string& conf_dir, const std::string& raw, const std::string& home) {
  if (has_scheme(raw) || is_abs(raw)) return raw;
  if (is_abs(expand_user(raw, home))) return raw;  // ExpPath keeps its original spelling
  return path::relative(path::normalize(path::join(conf_dir, raw)), conf_dir);
}

// Config._to_relpath applied to a value given on the command line.
std::string save_new_path(const std::string& conf_dir, const std::string& value, const std::string& cwd,
                          const std::string& home) {
  if (has_scheme(value)) return value;
  if (expand_user(value, home) != value) return value;
  if (!is_abs(value)) return path::relative(path::absolute(value, cwd), conf_dir);
  return value;
}

std::string key_repr(std::string_view k) {
  bool sq = k.find('\'') != std::string_view::npos, dq = k.find('"') != std::string_view::npos;
  char q = (sq && !dq) ? '"' : '\'';
  return q + std::string(k) + q;
}

std::string where(std::string_view section, std::string_view key) {
  return " @ data[" + key_repr(section) + "][" + key_repr(key) + "]";
}

std::string py_strip_ascii(std::string_view s) {
  std::size_t b = 0, e = s.size();
  auto sp = [](unsigned char c) { return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20); };
  while (b < e && sp(s[b])) ++b;
  while (e > b && sp(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Python int(str).
std::optional<long long> py_int(std::string_view text) {
  std::string s = py_strip_ascii(text);
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i >= s.size()) return std::nullopt;
  long long v = 0;
  bool prev_digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      if (!prev_digit || i + 1 >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i + 1])))
        return std::nullopt;
      prev_digit = false;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (v < (1LL << 60)) v = v * 10 + (c - '0');
    prev_digit = true;
  }
  return neg ? -v : v;
}

// str(value).lower() for voluptuous' Lower.
std::string lowered(const IniValue& v) {
  return python_lower(v.display());
}

std::vector<std::string> split_types(const IniValue& v) {
  std::vector<std::string> out;
  if (v.is_list) return v.list;
  std::size_t i = 0;
  while (true) {
    std::size_t j = v.str.find(',', i);
    out.push_back(py_strip_ascii(
        std::string_view(v.str).substr(i, j == std::string::npos ? std::string::npos : j - i)));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

Status invalid(const std::string& msg) {
  return make_error(ErrorCode::invalid_input, "config file error: " + msg);
}

Status check_value(std::string_view section, const std::string& key, const IniValue& v) {
  auto at = where(section, key);
  enum Kind { str, boolean, integer, lower, shared, types };
  auto kind_of = [&]() -> std::optional<Kind> {
    if (section == "core") {
      if (key == "remote" || key == "machine") return lower;
      if (key == "checksum_jobs") return integer;
      if (key == "interactive" || key == "analytics" || key == "hardlink_lock" || key == "no_scm" ||
          key == "autostage" || key == "experiments" || key == "check_update")
        return boolean;
      if (key == "site_cache_dir") return str;
      return std::nullopt;
    }
    if (key == "local" || key == "s3" || key == "gs" || key == "hdfs" || key == "webhdfs" || key == "ssh" ||
        key == "azure" || key == "dir")
      return str;
    if (key == "type") return types;
    if (key == "protected" || key == "slow_link_warning" || key == "verify") return boolean;
    if (key == "shared") return shared;
    return std::nullopt;
  };
  auto kind = kind_of();
  if (!kind) return invalid("extra keys not allowed" + at);
  switch (*kind) {
    case str:
      if (v.is_list) return invalid("expected str for dictionary value" + at);
      break;
    case lower:
      break;
    case boolean: {
      std::string l = lowered(v);
      if (l != "true" && l != "false") {
        return invalid("expected true or false for dictionary value" + at);
      }
      break;
    }
    case integer: {
      auto n = v.is_list ? std::nullopt : py_int(v.str);
      if (!n) return invalid("expected int for dictionary value" + at);
      if (*n < 1) return invalid("value must be at least 1 for dictionary value" + at);
      break;
    }
    case shared:
      if (lowered(v) != "group") return invalid("expected one of group for dictionary value" + at);
      break;
    case types: {
      std::string bad;
      std::vector<std::string> seen;
      for (const auto& t : split_types(v)) {
        if (t == "reflink" || t == "hardlink" || t == "symlink" || t == "copy") continue;
        bool dup = false;
        for (const auto& s : seen) dup |= s == t;
        if (dup) continue;
        seen.push_back(t);
        if (!bad.empty()) bad += ", ";
        bad += t;
      }
      if (!seen.empty()) {
        return invalid("Unsupported cache type(s): " + bad + " for dictionary value" + at);
      }
      break;
    }
  }
  return ok();
}

}  // namespace

std::string_view config_level_name(ConfigLevel level) {
  switch (level) {
    case ConfigLevel::system:
      return "system";
    case ConfigLevel::global:
      return "global";
    case ConfigLevel::repo:
      return "repo";
    case ConfigLevel::local:
      return "local";
  }
  return "repo";
}

ConfigDirs ConfigDirs::from_environment() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
  };
  ConfigDirs d;
  d.home = env("HOME");
  if (d.home.empty()) {
    if (const passwd* pw = getpwuid(getuid())) d.home = pw->pw_dir;
  }
  d.system_dir = env("DVC_SYSTEM_CONFIG_DIR");
  if (d.system_dir.empty()) {
    std::string xdg = py_strip_ascii(env("XDG_CONFIG_DIRS"));
    std::string first = xdg.substr(0, xdg.find(':'));
    d.system_dir = (first.empty() ? std::string("/etc/xdg") : first) + "/dvc";
  }
  d.global_dir = env("DVC_GLOBAL_CONFIG_DIR");
  if (d.global_dir.empty()) {
    std::string xdg = py_strip_ascii(env("XDG_CONFIG_HOME"));
    d.global_dir = (xdg.empty() ? d.home + "/.config" : xdg) + "/dvc";
  }
  return d;
}

Expected<Config> Config::load(env::Env* env, std::optional<std::string> dvc_dir, bool validate,
                              ConfigDirs dirs) {
  Config c;
  c.m_env = env;
  c.m_dvc_dir = std::move(dvc_dir);
  c.m_dirs = std::move(dirs);
  c.m_levels[index(ConfigLevel::system)].file = path::join(c.m_dirs.system_dir, "config");
  c.m_levels[index(ConfigLevel::global)].file = path::join(c.m_dirs.global_dir, "config");
  if (c.m_dvc_dir) {
    c.m_levels[index(ConfigLevel::repo)].file = path::join(*c.m_dvc_dir, "config");
    c.m_levels[index(ConfigLevel::local)].file = path::join(*c.m_dvc_dir, "config.local");
  }
  for (auto& level : c.m_levels) {
    if (level.file.empty()) continue;
    ASSIGN_OR_RETURN(auto st, env->stat(level.file, env::Follow::yes));
    if (!st) continue;
    ASSIGN_OR_RETURN(std::string bytes, env->read_file(level.file));
    auto ini = IniFile::parse(bytes, level.file);
    if (!ini) return std::unexpected(std::move(ini).error().with_context("config file error"));
    level.ini = std::move(*ini);
  }
  if (validate) TRY_STATUS(c.validate());
  return c;
}

std::optional<std::string> Config::file(ConfigLevel level) const {
  const auto& f = m_levels[index(level)].file;
  if (f.empty()) return std::nullopt;
  return f;
}

std::vector<ConfigLevel> Config::levels() const {
  if (!in_repo()) return {ConfigLevel::system, ConfigLevel::global};
  return {ConfigLevel::system, ConfigLevel::global, ConfigLevel::repo, ConfigLevel::local};
}

std::optional<std::string> Config::display(ConfigLevel level, const IniSection& section,
                                           const std::string& key, const IniValue& value) const {
  if (value.is_list || !is_path_key(section, key)) return value.display();
  std::string conf_dir = path::parent(m_levels[index(level)].file);
  return resolve_path(conf_dir, value.str, m_dirs.home);
}

std::optional<std::string> Config::get(ConfigLevel level, std::string_view section,
                                       std::string_view key) const {
  const IniSection* s = m_levels[index(level)].ini.find_section(section);
  if (!s) return std::nullopt;
  const IniValue* v = s->find(key);
  if (!v) return std::nullopt;
  return display(level, *s, std::string(key), *v);
}

std::optional<ConfigLevel> Config::origin(std::string_view section, std::string_view key) const {
  auto lv = levels();
  for (auto it = lv.rbegin(); it != lv.rend(); ++it) {
    if (m_levels[index(*it)].ini.get(section, key)) return *it;
  }
  return std::nullopt;
}

std::optional<std::string> Config::get(std::string_view section, std::string_view key) const {
  auto level = origin(section, key);
  if (!level) return std::nullopt;
  return get(*level, section, key);
}

Expected<std::optional<bool>> Config::get_bool(std::string_view section, std::string_view key) const {
  auto level = origin(section, key);
  if (!level) return std::optional<bool>();
  std::string l = lowered(*m_levels[index(*level)].ini.get(section, key));
  if (l == "true") return std::optional<bool>(true);
  if (l == "false") return std::optional<bool>(false);
  return std::unexpected(
      invalid("expected true or false for dictionary value" + where(section, key)).error());
}

std::string Config::cache_dir() const {
  if (auto dir = get("cache", "dir")) return *dir;
  if (!m_dvc_dir) return "";
  return path::join(*m_dvc_dir, "cache");
}

Expected<std::vector<std::string>> Config::cache_types() const {
  auto level = origin("cache", "type");
  if (!level) return std::vector<std::string>{"reflink", "copy"};
  const IniValue& v = *m_levels[index(*level)].ini.get("cache", "type");
  TRY_STATUS(check_value("cache", "type", v));
  return split_types(v);
}

std::vector<std::pair<std::string, std::string>> Config::list(ConfigLevel level) const {
  std::vector<std::pair<std::string, std::string>> out;
  const IniFile& ini = m_levels[index(level)].ini;
  for (const char* kind : {"remote", "machine", "db"}) {
    for (const auto& s : ini.sections()) {
      if (s.kind != kind) continue;
      for (const auto& [k, v] : s.entries) {
        out.emplace_back(s.kind + "." + s.name + "." + k, *display(level, s, k, v));
      }
    }
  }
  for (const auto& [k, v] : ini.root()) out.emplace_back(k, v.display());
  for (const auto& s : ini.sections()) {
    if (!s.kind.empty()) continue;
    for (const auto& [k, v] : s.entries) {
      out.emplace_back(s.name + "." + k, *display(level, s, k, v));
    }
  }
  return out;
}

Status Config::check_level(ConfigLevel level) const {
  if (m_levels[index(level)].file.empty()) return invalid("Not inside a DVC repo");
  return ok();
}

Status Config::validate_merged(const std::vector<const IniFile*>& files) {
  // Remotes come first in DVC's merged dict, merged key by key in first-seen order; each is
  // checked by its URL scheme (remote_config.h).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, IniValue>>>> remotes;
  for (const IniFile* f : files) {
    for (const auto& s : f->sections()) {
      if (s.kind != "remote") continue;
      auto it = remotes.begin();
      while (it != remotes.end() && it->first != s.name) ++it;
      if (it == remotes.end()) {
        remotes.push_back({s.name, {}});
        it = remotes.end() - 1;
      }
      for (const auto& [k, v] : s.entries) {
        auto e = it->second.begin();
        while (e != it->second.end() && e->first != k) ++e;
        if (e == it->second.end()) {
          it->second.emplace_back(k, v);
        } else {
          e->second = v;
        }
      }
    }
  }
  for (const auto& [name, entries] : remotes) TRY_STATUS(validate_remote_section(name, entries));
  // Merge core and cache key by key, remembering first-seen order.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, IniValue>>>> merged;
  for (const IniFile* f : files) {
    for (const auto& s : f->sections()) {
      if (!s.kind.empty() || (s.name != "core" && s.name != "cache")) continue;
      auto it = merged.begin();
      while (it != merged.end() && it->first != s.name) ++it;
      if (it == merged.end()) {
        merged.push_back({s.name, {}});
        it = merged.end() - 1;
      }
      for (const auto& [k, v] : s.entries) {
        bool found = false;
        for (auto& [mk, mv] : it->second) {
          if (mk == k) {
            mv = v;
            found = true;
          }
        }
        if (!found) it->second.emplace_back(k, v);
      }
    }
  }
  for (const auto& [section, entries] : merged) {
    for (const auto& [k, v] : entries) TRY_STATUS(check_value(section, k, v));
  }
  return ok();
}

Status Config::validate() const {
  std::vector<const IniFile*> files;
  for (auto l : levels()) files.push_back(&m_levels[index(l)].ini);
  return validate_merged(files);
}

Status Config::save(ConfigLevel level, IniFile ini, const std::string& cwd,
                    std::optional<std::pair<std::string, std::string>> new_path_key) {
  const std::string& file = m_levels[index(level)].file;
  std::string conf_dir = path::parent(file);
  for (auto& s : ini.sections()) {
    for (auto& [k, v] : s.entries) {
      if (v.is_list || !is_path_key(s, k)) continue;
      bool is_new = new_path_key && new_path_key->first == s.full_name() && new_path_key->second == k;
      v.str = is_new ? save_new_path(conf_dir, v.str, cwd, m_dirs.home)
                     : resave_path(conf_dir, v.str, m_dirs.home);
    }
  }
  std::vector<const IniFile*> files;
  for (auto l : levels()) {
    if (l == level) break;
    files.push_back(&m_levels[index(l)].ini);
  }
  files.push_back(&ini);
  TRY_STATUS(validate_merged(files));
  ASSIGN_OR_RETURN(std::string bytes, ini.dump());
  TRY_STATUS(m_env->make_dirs(conf_dir));
  TRY_STATUS(m_env->write_file_atomic(file, bytes));
  // DVC's edit() ends with load(validate=True): every level, fresh from disk.
  ASSIGN_OR_RETURN(Config fresh, Config::load(m_env, m_dvc_dir, /*validate=*/false, m_dirs));
  *this = std::move(fresh);
  return validate();
}

Status Config::write(ConfigLevel level, IniFile ini, const std::string& cwd,
                     std::optional<std::pair<std::string, std::string>> new_path_key) {
  TRY_STATUS(check_level(level));
  return save(level, std::move(ini), cwd, std::move(new_path_key));
}

bool Config::is_path_key(const IniSection& section, std::string_view key) {
  return repo::is_path_key(section, key);
}

Status Config::set(ConfigLevel level, std::string_view section, std::string_view key, std::string_view value,
                   const std::string& cwd) {
  TRY_STATUS(check_level(level));
  IniFile ini = m_levels[index(level)].ini;
  ini.set(section, key, IniValue(std::string(value)));
  const IniSection* s = ini.find_section(section);
  std::optional<std::pair<std::string, std::string>> new_key;
  if (is_path_key(*s, key)) new_key.emplace(s->full_name(), std::string(key));
  return save(level, std::move(ini), cwd, new_key);
}

Status Config::unset(ConfigLevel level, std::string_view section, std::string_view key) {
  TRY_STATUS(check_level(level));
  IniFile ini = m_levels[index(level)].ini;
  auto [kind, name] = IniFile::split_section_name(section);
  std::string what = kind.empty() ? "section" : kind;
  bool schema_section = false;
  for (auto s : k_schema_sections) schema_section |= kind.empty() && s == name;
  const IniSection* s = ini.find_section(section);
  if (!s && !schema_section) {
    return make_error(ErrorCode::not_found, "config file error: " + what + " '" + name + "' doesn't exist");
  }
  if (!s || !s->find(key)) {
    return make_error(ErrorCode::not_found, "config file error: option '" + std::string(key) +
                                                "' doesn't exist in " + what + " '" + name + "'");
  }
  ini.unset(section, key);
  return save(level, std::move(ini), "/", std::nullopt);
}

}  // namespace cairn::repo
