// Config: DVC's layered configuration (dvc/config.py) — the system, global, repo
// (`.dvc/config`) and local (`.dvc/config.local`) INI files, merged key by key with the
// higher level winning.
//
// Contract:
//  - Files: system `$DVC_SYSTEM_CONFIG_DIR` or the first of `$XDG_CONFIG_DIRS` (default
//    /etc/xdg) + "/dvc"; global `$DVC_GLOBAL_CONFIG_DIR` or `$XDG_CONFIG_HOME` (default
//    ~/.config) + "/dvc"; repo/local only inside a repository. A missing file is empty.
//  - Sections are named as IniFile full names: "core", "cache", `remote "myremote"`.
//  - Path-valued keys (cache.dir; remote url, credentialpath, configpath, keyfile, cert_path,
//    key_path, gdrive_user_credentials_file, gdrive_service_account_json_file_path; machine
//    startup_script, setup_script) read back resolved as DVC shows them: a relative stored
//    value is made absolute against the config file's directory, `~` is expanded, URLs
//    (`\w+://`) and absolute paths are kept.
//  - set()/unset() rewrite one level's file atomically with DVC's bytes: they re-save every
//    path key of that level relative to the file's directory (as DVC's Config.edit does), a
//    new relative path value is taken relative to `cwd`, and the merged config is validated
//    first: core/cache keys and values, and every remote's url and options by its URL
//    scheme (DVC's schema messages, e.g. "extra keys not allowed @ data['core']['foo']");
//    after writing, all levels are reloaded and validated again, like DVC's edit(). Values
//    are stored as given (`TRUE` stays `TRUE`); get_bool() normalizes like DVC's schema
//    (true/false, case-insensitive).
//  - Errors: ErrorCode::invalid_input for malformed files and schema violations, not_found
//    for a missing option on unset; messages start with "config file error: " like DVC's
//    ConfigError (the CLI prints "configuration error - " in front).
// A Config is not synchronized; const methods may be called concurrently.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/repo/ini.h"
#include "cairn/util/error.h"

namespace cairn::repo {

enum class ConfigLevel { system, global, repo, local };

// "system", "global", "repo", "local".
std::string_view config_level_name(ConfigLevel level);

// Where the system/global config directories are and what `~` expands to.
struct ConfigDirs {
  std::string system_dir;  // directory holding the system "config"
  std::string global_dir;  // directory holding the global "config"
  std::string home;        // for "~" expansion
  // From DVC_SYSTEM_CONFIG_DIR, DVC_GLOBAL_CONFIG_DIR, XDG_CONFIG_DIRS, XDG_CONFIG_HOME, HOME.
  static ConfigDirs from_environment();
};

class Config {
 public:
  // Loads all levels. dvc_dir: the repository's absolute `.dvc` directory, or nullopt
  // outside a repository. With validate, the merged core/cache sections must be valid.
  static Expected<Config> load(env::Env* env, std::optional<std::string> dvc_dir, bool validate = true,
                               ConfigDirs dirs = ConfigDirs::from_environment());

  bool in_repo() const { return m_dvc_dir.has_value(); }
  const std::optional<std::string>& dvc_dir() const { return m_dvc_dir; }
  // The file of a level; nullopt for repo/local outside a repository.
  std::optional<std::string> file(ConfigLevel level) const;
  // The levels that exist here, lowest first (system, global[, repo, local]).
  std::vector<ConfigLevel> levels() const;
  // The parsed file of a level (empty when missing or unavailable).
  const IniFile& ini(ConfigLevel level) const { return m_levels[index(level)].ini; }

  // Merged value (highest level wins), as DVC displays it (paths resolved, lists as repr).
  std::optional<std::string> get(std::string_view section, std::string_view key) const;
  // The value at one level only.
  std::optional<std::string> get(ConfigLevel level, std::string_view section, std::string_view key) const;
  // The level the merged value comes from.
  std::optional<ConfigLevel> origin(std::string_view section, std::string_view key) const;
  // Merged boolean (DVC's Bool: case-insensitive "true"/"false"); nullopt when unset.
  Expected<std::optional<bool>> get_bool(std::string_view section, std::string_view key) const;
  // Absolute cache directory: cache.dir resolved against its file's directory, else
  // <dvc_dir>/cache; empty outside a repository without cache.dir.
  std::string cache_dir() const;
  // cache.type as a list (comma-separated string or ConfigObj list), default
  // {"reflink", "copy"}.
  Expected<std::vector<std::string>> cache_types() const;
  // `dvc config --list` lines for one level, in DVC's order ("remote.r.url", "core.x", ...),
  // as (name, displayed value).
  std::vector<std::pair<std::string, std::string>> list(ConfigLevel level) const;

  // Sets section.key at a level and writes that file. cwd: what a relative path value is
  // relative to.
  Status set(ConfigLevel level, std::string_view section, std::string_view key, std::string_view value,
             const std::string& cwd);
  // Removes section.key at a level (not_found with DVC's message when absent) and writes it.
  Status unset(ConfigLevel level, std::string_view section, std::string_view key);

  // Writes a whole level like one DVC `Config.edit(level)` (what set()/unset() do for one
  // key): path keys are re-saved relative to the file's directory (new_path_key, given as
  // (section full name, key), is a value from the command line, relative to `cwd`), the
  // levels up to this one are validated, the file is written, then every level is reloaded
  // from disk and validated (so an invalid higher level fails after the write, as in DVC).
  Status write(ConfigLevel level, IniFile ini, const std::string& cwd,
               std::optional<std::pair<std::string, std::string>> new_path_key = std::nullopt);

  // Validates the merged core and cache sections and every remote (remote_config.h) like
  // DVC's schema.
  Status validate() const;

  // Whether `key` of `section` holds a path (cache.dir; remote url, credentialpath, ...;
  // machine startup_script, setup_script).
  static bool is_path_key(const IniSection& section, std::string_view key);

  // "remote \"name\"".
  static std::string remote_section(std::string_view name) { return "remote \"" + std::string(name) + "\""; }

 private:
  struct Level {
    std::string file;  // empty when unavailable
    IniFile ini;
  };
  static std::size_t index(ConfigLevel level) { return static_cast<std::size_t>(level); }
  Status check_level(ConfigLevel level) const;
  std::optional<std::string> display(ConfigLevel level, const IniSection& section, const std::string& key,
                                     const IniValue& value) const;
  Status save(ConfigLevel level, IniFile ini, const std::string& cwd,
              std::optional<std::pair<std::string, std::string>> new_path_key);
  static Status validate_merged(const std::vector<const IniFile*>& files);

  env::Env* m_env = nullptr;
  std::optional<std::string> m_dvc_dir;
  ConfigDirs m_dirs;
  std::array<Level, 4> m_levels;
};

}  // namespace cairn::repo
