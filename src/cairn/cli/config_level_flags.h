// The config level flags shared by `config` and `remote` (--global, --system, --project,
// --local; mutually exclusive), as DVC's commands take them. No flag: the command's default.
#pragma once

#include <optional>

#include <CLI/CLI.hpp>

#include "cairn/repo/config.h"

namespace cairn::cli {

struct LevelFlags {
  bool system = false, global = false, project = false, local = false;
  std::optional<repo::ConfigLevel> level() const {
    if (system) return repo::ConfigLevel::system;
    if (global) return repo::ConfigLevel::global;
    if (project) return repo::ConfigLevel::repo;
    if (local) return repo::ConfigLevel::local;
    return std::nullopt;
  }
};

inline void add_level_flags(CLI::App* sub, LevelFlags& f) {
  auto* g = sub->add_flag("--global", f.global, "Use global config.");
  auto* s = sub->add_flag("--system", f.system, "Use system config.");
  auto* p = sub->add_flag("--project", f.project, "Use project config (.dvc/config).");
  auto* l = sub->add_flag("--local", f.local, "Use local config (.dvc/config.local).");
  g->excludes(s, p, l);
  s->excludes(p, l);
  p->excludes(l);
}

}  // namespace cairn::cli
