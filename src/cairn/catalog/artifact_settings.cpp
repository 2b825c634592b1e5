// Settings of the artifact catalog: the cairn-only config files, the environment and the
// defaults (contract in artifacts.h).
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "cairn/catalog/artifacts.h"
#include "cairn/repo/ini.h"
#include "cairn/repo/remote_config.h"
#include "cairn/repo/repository.h"
#include "cairn/repo/root.h"
#include "cairn/util/path.h"

namespace cairn::catalog {
namespace {

struct KeyName {
  std::string section, option;
};

Expected<KeyName> split_key(std::string_view key) {
  auto dot = key.find('.');
  if (dot == std::string_view::npos)
    return make_error(ErrorCode::invalid_input, "option '" + std::string(key) + "' must be in the form section.option");
  KeyName k{std::string(key.substr(0, dot)), std::string(key.substr(dot + 1))};
  if (!((k.section == "catalog" && k.option == "url") || (k.section == "artifacts" && k.option == "root")))
    return make_error(ErrorCode::invalid_input, "unknown cairn option '" + std::string(key) +
                                                    "' (known: catalog.url, artifacts.root)");
  return k;
}

std::string home_dir(const EnvLookup& getenv) {
  if (auto h = getenv("HOME"); h && !h->empty()) return *h;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/tmp";
}

std::string xdg_dir(const EnvLookup& getenv, const char* var, const char* fallback) {
  if (auto v = getenv(var); v && !v->empty() && v->front() == '/') return *v;
  return path::join(home_dir(getenv), fallback);
}

std::string user_config_file(const EnvLookup& getenv) {
  return path::join(xdg_dir(getenv, "XDG_CONFIG_HOME", ".config"), "cairn/config");
}

Expected<repo::IniFile> read_ini(env::Env* env, const std::string& file) {
  ASSIGN_OR_RETURN(bool present, env->exists(file));
  if (!present) return repo::IniFile{};
  ASSIGN_OR_RETURN(std::string text, env->read_file(file));
  return repo::IniFile::parse(text, file);
}

std::optional<std::string> ini_value(const repo::IniFile& ini, const KeyName& k) {
  const repo::IniValue* v = ini.get(k.section, k.option);
  if (!v || v->is_list) return std::nullopt;
  return v->str;
}

struct Resolved {
  env::Env* env;
  EnvLookup getenv;
  std::string cwd;
  std::optional<std::string> repo_root;
};

Expected<Resolved> resolve_context(const SettingsContext& ctx) {
  Resolved r{ctx.env ? ctx.env : env::default_env(), ctx.getenv ? ctx.getenv : process_env_lookup(), ctx.cwd, {}};
  if (r.cwd.empty()) {
    char buf[4096];
    if (!::getcwd(buf, sizeof buf)) return errno_error(errno, "getcwd");
    r.cwd = buf;
  }
  auto found = repo::find_repo(r.env, r.cwd);
  if (found) r.repo_root = found->root;
  return r;
}

Expected<std::string> scope_file(const Resolved& r, SettingScope scope) {
  if (scope == SettingScope::global) return user_config_file(r.getenv);
  if (!r.repo_root)
    return make_error(ErrorCode::not_found,
                      "not inside a DVC repository: use --global to write the user-level cairn config");
  return path::join(*r.repo_root, ".cairn/config");
}

std::string default_username(const EnvLookup& getenv) {
  for (const char* var : {"CAIRN_USER", "USER", "LOGNAME"})
    if (auto v = getenv(var); v && !v->empty()) return *v;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  return "unknown";
}

std::string host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

bool looks_like_path(std::string_view v) {
  return v.starts_with('/') || v.starts_with('.') || v.starts_with('~') ||
         v.find('/') != std::string_view::npos;
}

}  // namespace

EnvLookup process_env_lookup() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::string_view setting_source_name(SettingSource source) {
  switch (source) {
    case SettingSource::default_value: return "default";
    case SettingSource::global_file: return "global";
    case SettingSource::repo_file: return "repo";
    case SettingSource::environment: return "environment";
  }
  return "?";
}

bool is_cairn_setting_key(std::string_view key) {
  return key.starts_with("catalog.") || key.starts_with("artifacts.");
}

Expected<std::string> settings_file_path(const SettingsContext& ctx, SettingScope scope) {
  ASSIGN_OR_RETURN(Resolved r, resolve_context(ctx));
  return scope_file(r, scope);
}

Expected<std::optional<std::string>> get_setting(const SettingsContext& ctx, std::string_view key,
                                                 SettingScope scope) {
  ASSIGN_OR_RETURN(KeyName k, split_key(key));
  ASSIGN_OR_RETURN(Resolved r, resolve_context(ctx));
  ASSIGN_OR_RETURN(std::string file, scope_file(r, scope));
  ASSIGN_OR_RETURN(repo::IniFile ini, read_ini(r.env, file));
  return ini_value(ini, k);
}

namespace {
Status edit_setting(const SettingsContext& ctx, std::string_view key, std::optional<std::string_view> value,
                    SettingScope scope) {
  ASSIGN_OR_RETURN(KeyName k, split_key(key));
  ASSIGN_OR_RETURN(Resolved r, resolve_context(ctx));
  ASSIGN_OR_RETURN(std::string file, scope_file(r, scope));
  ASSIGN_OR_RETURN(repo::IniFile ini, read_ini(r.env, file));
  if (value) {
    if (value->empty()) return make_error(ErrorCode::invalid_input, "empty value for " + std::string(key));
    ini.set(k.section, k.option, repo::IniValue(std::string(*value)));
  } else if (!ini.unset(k.section, k.option)) {
    return make_error(ErrorCode::not_found, "option '" + std::string(key) + "' is not set in " + file);
  }
  ASSIGN_OR_RETURN(std::string text, ini.dump());
  TRY_STATUS(r.env->make_dirs(path::parent(file)));
  return r.env->write_file_atomic(file, text);
}
}  // namespace

Status set_setting(const SettingsContext& ctx, std::string_view key, std::string_view value, SettingScope scope) {
  return edit_setting(ctx, key, value, scope);
}

Status unset_setting(const SettingsContext& ctx, std::string_view key, SettingScope scope) {
  return edit_setting(ctx, key, std::nullopt, scope);
}

Expected<ArtifactSettings> load_settings(const SettingsContext& ctx) {
  ASSIGN_OR_RETURN(Resolved r, resolve_context(ctx));
  ArtifactSettings s;
  s.cwd = r.cwd;
  s.repo_root = r.repo_root;

  const std::string user_file = user_config_file(r.getenv);
  ASSIGN_OR_RETURN(repo::IniFile user_ini, read_ini(r.env, user_file));
  repo::IniFile repo_ini;
  if (r.repo_root) {
    ASSIGN_OR_RETURN(repo_ini, read_ini(r.env, path::join(*r.repo_root, ".cairn/config")));
  }

  // Where relative local roots are anchored, per source.
  std::string root_base = r.cwd;
  auto pick = [&](const KeyName& k, const char* env_var, std::string& out, SettingSource& source) {
    if (auto v = r.getenv(env_var); v && !v->empty()) {
      out = *v;
      source = SettingSource::environment;
      return;
    }
    if (auto v = ini_value(repo_ini, k)) {
      out = *v;
      source = SettingSource::repo_file;
      return;
    }
    if (auto v = ini_value(user_ini, k)) {
      out = *v;
      source = SettingSource::global_file;
    }
  };
  pick({"catalog", "url"}, "CAIRN_CATALOG_URL", s.catalog_url, s.catalog_url_source);
  pick({"artifacts", "root"}, "CAIRN_ARTIFACTS_ROOT", s.artifacts_root_setting, s.artifacts_root_source);
  if (s.artifacts_root_source == SettingSource::repo_file) root_base = *r.repo_root;
  if (s.artifacts_root_source == SettingSource::global_file) root_base = home_dir(r.getenv);

  std::unique_ptr<repo::Repository> repository;
  if (r.repo_root) {
    auto opened = repo::Repository::open(r.env, r.cwd);
    if (!opened) return std::unexpected(opened.error().with_context("opening the repository"));
    repository = std::move(*opened);
    s.local_cache_dir = repository->store().root();
    s.state_dir = repository->cairn_state_dir();
  } else {
    s.local_cache_dir = path::join(xdg_dir(r.getenv, "XDG_CACHE_HOME", ".cache"), "cairn/artifacts");
    s.state_dir = path::join(xdg_dir(r.getenv, "XDG_STATE_HOME", ".local/state"), "cairn");
  }
  if (s.catalog_url.empty()) {
    const std::string db = r.repo_root ? path::join(s.state_dir, "catalog.db")
                                       : path::join(xdg_dir(r.getenv, "XDG_DATA_HOME", ".local/share"),
                                                    "cairn/catalog.db");
    s.catalog_url = "sqlite://" + db;
  }

  const std::string& root = s.artifacts_root_setting;
  if (root.empty()) {
    s.root_url = s.local_cache_dir;
  } else if (root.starts_with("file://")) {
    s.root_url = path::absolute(root.substr(7), root_base);
  } else if (root.find("://") != std::string::npos) {
    s.root_url = root;
  } else if (looks_like_path(root)) {
    std::string p = root;
    if (p.starts_with("~/")) p = path::join(home_dir(r.getenv), p.substr(2));
    s.root_url = path::absolute(p, root_base);
  } else if (repository) {
    auto remote = repo::resolve_remote(*repository, root, "artifact");
    if (remote) {
      s.root_url = remote->url;
      s.root_options = remote->options;
    } else {
      // Not a DVC remote: a folder name relative to its base.
      s.root_url = path::absolute(root, root_base);
    }
  } else {
    s.root_url = path::absolute(root, root_base);
  }

  s.username = default_username(r.getenv);
  s.hostname = host_name();
  if (auto v = r.getenv("CAIRN_RUN_ID")) s.run_id = *v;
  if (auto v = r.getenv("CAIRN_RUN_JOURNAL")) s.run_journal = *v;
  return s;
}

}  // namespace cairn::catalog
