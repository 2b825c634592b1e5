// `cairn config` and `cairn cache dir`: get, set, unset and list DVC config options with
// the behaviour and messages of dvc/commands/config.py and dvc/commands/cache.py.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/catalog/artifacts.h"
#include "cairn/cli/commands.h"
#include "cairn/cli/config_level_flags.h"
#include "cairn/env/env.h"
#include "cairn/repo/config.h"
#include "cairn/repo/root.h"
#include "cairn/util/path.h"

namespace cairn::cli {
namespace {

using repo::Config;
using repo::ConfigLevel;

// A ConfigError: "ERROR: configuration error - config file error: ..." and exit code 251.
void config_error(CliContext& ctx, const Error& error) {
  report_error(Error(error.code(), "configuration error - " + error.message()));
  ctx.exit_code = k_exit_config;
}

void plain_error(CliContext& ctx, const std::string& message) {
  std::fprintf(stderr, "ERROR: %s\n", message.c_str());
  ctx.exit_code = k_exit_failure;
}

Error config_file_error(const std::string& what) {
  return Error(ErrorCode::invalid_input, "config file error: " + what);
}

// Config.from_cwd(validate=False): the repository is optional.
Expected<Config> load_config(const CliContext& ctx) {
  std::optional<std::string> dvc_dir;
  auto found = repo::find_repo(env::default_env(), ctx.cwd);
  if (found) dvc_dir = found->dvc_dir;
  return Config::load(env::default_env(), dvc_dir, /*validate=*/false);
}

bool is_schema_section(const std::string& name) {
  for (const char* s : {"core", "cache", "remote", "state", "index", "machine", "feature", "plots", "exp",
                        "parsing", "hydra", "studio", "db"}) {
    if (name == s) return true;
  }
  return false;
}

struct Name {
  std::string top;  // "", "remote" or "db"
  std::string section;
  std::string option;
  std::string full_section() const { return top.empty() ? section : top + " \"" + section + "\""; }
};

// NAME_REGEX = ^(?P<top>(remote|db)\.)?(?P<section>[^\.]*)\.(?P<option>[^\.]*)$
std::optional<Name> parse_name(const std::string& value) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (true) {
    std::size_t j = value.find('.', i);
    parts.push_back(value.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  Name n;
  if (parts.size() == 3 && (parts[0] == "remote" || parts[0] == "db")) {
    n.top = parts[0];
    n.section = repo::python_lower(parts[1]);
    n.option = repo::python_lower(parts[2]);
  } else if (parts.size() == 2) {
    n.section = repo::python_lower(parts[0]);
    n.option = repo::python_lower(parts[1]);
  } else {
    return std::nullopt;
  }
  return n;
}

// CmdConfig._check at one level.
Status check_option(const Config& config, ConfigLevel level, const std::string& top,
                    const std::string& section, const std::string& full_section,
                    const std::optional<std::string>& option) {
  std::string what = top.empty() ? "section" : top;
  const repo::IniSection* s = config.ini(level).find_section(full_section);
  bool exists = s != nullptr || (top.empty() && is_schema_section(section));
  if (!exists) {
    return std::unexpected(config_file_error(what + " '" + section + "' doesn't exist"));
  }
  if (option && (!s || !s->find(*option))) {
    return std::unexpected(
        config_file_error("option '" + *option + "' doesn't exist in " + what + " '" + section + "'"));
  }
  return ok();
}

std::string origin_prefix(bool show_origin, const Config& config, ConfigLevel level) {
  if (!show_origin) return "";
  std::string file = config.file(level).value_or("");
  if ((level == ConfigLevel::repo || level == ConfigLevel::local) && config.dvc_dir()) {
    file = path::relative(file, path::parent(*config.dvc_dir()));
  }
  return file + "\t";
}

Status check_level_available(const Config& config, ConfigLevel level) {
  if (!config.file(level)) return std::unexpected(config_file_error("Not inside a DVC repo"));
  return ok();
}

struct ConfigOpts {
  LevelFlags levels;
  bool unset = false, list = false, show_origin = false;
  std::string name, value;
};

// catalog.* and artifacts.* live in cairn's own config files (.cairn/config, the user-level
// cairn config), which DVC never reads: --global writes the user file, anything else the repo's.
void run_cairn_setting(CliContext& ctx, const ConfigOpts& o, bool has_value) {
  if (o.levels.system)
    return plain_error(ctx, "--system is not supported for " + o.name + " (use --global or the repository)");
  if (o.list || o.show_origin) return plain_error(ctx, "--list/--show-origin do not apply to " + o.name);
  const catalog::SettingsContext sctx{env::default_env(), ctx.cwd, {}};
  const auto scope = o.levels.global ? catalog::SettingScope::global : catalog::SettingScope::repo;
  if (o.unset) {
    if (has_value) return plain_error(ctx, "-u/--unset can't be used together with value");
    if (auto st = catalog::unset_setting(sctx, o.name, scope); !st) ctx.exit_code = report_error(st.error());
    return;
  }
  if (has_value) {
    if (auto st = catalog::set_setting(sctx, o.name, o.value, scope); !st) ctx.exit_code = report_error(st.error());
    return;
  }
  std::optional<std::string> value;
  if (o.levels.level()) {
    auto got = catalog::get_setting(sctx, o.name, scope);
    if (!got) return void(ctx.exit_code = report_error(got.error()));
    value = *got;
  } else {
    // Without a level: the effective value (environment > repo file > user file > default).
    auto settings = catalog::load_settings(sctx);
    if (!settings) return void(ctx.exit_code = report_error(settings.error()));
    auto known = catalog::get_setting(sctx, o.name, catalog::SettingScope::global);  // validates the key
    if (!known) return void(ctx.exit_code = report_error(known.error()));
    value = o.name == "catalog.url" ? settings->catalog_url : settings->artifacts_root_setting;
    if (value->empty()) value.reset();
  }
  if (!value) {
    ctx.exit_code = report_error(Error(ErrorCode::not_found, "option '" + o.name + "' is not set"));
    return;
  }
  out_line(ctx, *value);
}

void run_config(CliContext& ctx, const ConfigOpts& o, bool has_name, bool has_value) {
  if (has_name && catalog::is_cairn_setting_key(o.name)) return run_cairn_setting(ctx, o, has_value);
  auto level = o.levels.level();
  if (o.show_origin && (has_value || o.unset)) {
    return plain_error(ctx,
                       "--show-origin can't be used together with any of these options: "
                       "-u/--unset, value");
  }
  auto loaded = load_config(ctx);
  if (!loaded) return config_error(ctx, loaded.error());
  Config& config = *loaded;

  if (o.list) {
    if (has_name || has_value || o.unset) {
      return plain_error(ctx,
                         "-l/--list can't be used together with any of these options: "
                         "-u/--unset, name, value");
    }
    std::vector<ConfigLevel> levels = config.levels();
    if (level) {
      if (auto st = check_level_available(config, *level); !st) return config_error(ctx, st.error());
      levels = {*level};
    }
    for (auto l : levels) {
      std::string prefix = origin_prefix(o.show_origin, config, l);
      std::string text;
      for (const auto& [k, v] : config.list(l)) {
        if (!text.empty()) text += "\n";
        text += prefix + k + "=" + v;
      }
      if (!text.empty()) out_line(ctx, text);
    }
    return;
  }
  if (!has_name) return plain_error(ctx, "name argument is required");
  auto name = parse_name(o.name);
  if (!name) {
    std::fprintf(stderr,
                 "ERROR: argument name: name argument should look like remote.name.option or "
                 "db.name.option or section.option\n");
    ctx.exit_code = k_exit_usage;
    return;
  }
  std::string full = name->full_section();

  if (!has_value && !o.unset) {
    std::vector<ConfigLevel> levels = config.levels();
    if (level) {
      if (auto st = check_level_available(config, *level); !st) return config_error(ctx, st.error());
      levels = {*level};
    }
    for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
      auto st = check_option(config, *it, name->top, name->section, full, name->option);
      if (!st) {
        if (level) return config_error(ctx, st.error());
        continue;
      }
      out_line(ctx,
               origin_prefix(o.show_origin, config, *it) + config.get(*it, full, name->option).value_or(""));
      break;
    }
    return;
  }

  ConfigLevel target = level.value_or(ConfigLevel::repo);
  if (auto st = check_level_available(config, target); !st) return config_error(ctx, st.error());
  Status st;
  if (o.unset) {
    st = check_option(config, target, name->top, name->section, full, name->option);
    if (st) st = config.unset(target, full, name->option);
  } else {
    st = config.set(target, full, name->option, o.value, ctx.cwd);
  }
  if (!st) return config_error(ctx, st.error());
  // DVC compares the parsed name tuple with "cache.type", so its relink warning never shows.
}

struct CacheDirOpts {
  LevelFlags levels;
  bool unset = false;
  std::string value;
};

void run_cache_dir(CliContext& ctx, const CacheDirOpts& o, bool has_value) {
  auto level = o.levels.level();
  auto loaded = load_config(ctx);
  if (!loaded) return config_error(ctx, loaded.error());
  Config& config = *loaded;
  if (!has_value && !o.unset) {
    std::optional<std::string> dir;
    if (level) {
      if (auto st = check_level_available(config, *level); !st) return config_error(ctx, st.error());
      dir = config.get(*level, "cache", "dir");
    } else {
      dir = config.get("cache", "dir");
    }
    if (!dir) {
      if (!config.dvc_dir() || level) {
        return config_error(ctx, config_file_error("option 'dir' doesn't exist in section 'cache'"));
      }
      dir = path::join(*config.dvc_dir(), "cache");
    }
    out_line(ctx, *dir);
    return;
  }
  ConfigLevel target = level.value_or(ConfigLevel::repo);
  if (auto st = check_level_available(config, target); !st) return config_error(ctx, st.error());
  Status st;
  if (o.unset) {
    st = check_option(config, target, "", "cache", "cache", std::string("dir"));
    if (st) st = config.unset(target, "cache", "dir");
  } else {
    st = config.set(target, "cache", "dir", o.value, ctx.cwd);
  }
  if (!st) return config_error(ctx, st.error());
}

}  // namespace

void register_config(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<ConfigOpts>();
  auto* sub = app.add_subcommand("config", "Get or set config options.");
  sub->description(
      "Get or set config options (same files, bytes and messages as `dvc config`).\n"
      "NAME is section.option, remote.<name>.option or db.<name>.option.\n"
      "catalog.url and artifacts.root are cairn's own settings: they go to .cairn/config in the\n"
      "repository (or the user-level cairn config with --global), which DVC does not read.");
  add_level_flags(sub, opts->levels);
  sub->add_flag("-u,--unset", opts->unset, "Unset option.");
  sub->add_flag("-l,--list", opts->list, "List all defined config values.");
  sub->add_flag("--show-origin", opts->show_origin, "Show the source file containing each config value.");
  auto* name = sub->add_option("name", opts->name, "Option name (section.option or remote.name.option).");
  auto* value = sub->add_option("value", opts->value, "Option value.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts, name, value] { run_config(ctx, *opts, name->count() > 0, value->count() > 0); });
}

void register_cache(CLI::App& app, CliContext& ctx) {
  auto* cache = app.add_subcommand("cache", "Manage cache settings.");
  cache->require_subcommand(1);
  auto opts = std::make_shared<CacheDirOpts>();
  auto* dir = cache->add_subcommand("dir", "Configure cache directory location.");
  add_level_flags(dir, opts->levels);
  dir->add_flag("-u,--unset", opts->unset, "Unset option.");
  auto* value = dir->add_option(
      "value", opts->value,
      "Path to cache directory. Relative paths are resolved relative to the current directory "
      "and saved to config relative to the config file location. If no path is provided, it "
      "returns the current cache directory.");
  add_common_flags(dir, ctx);
  dir->callback([&ctx, opts, value] { run_cache_dir(ctx, *opts, value->count() > 0); });
}

}  // namespace cairn::cli
