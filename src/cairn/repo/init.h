// init: creates a DVC repository exactly as `dvc init` does (docs/format/repository.md §init):
// `.dvc/config` (empty, or `[core]\n    no_scm = True\n`), `.dvc/.gitignore`
// (/config.local, /tmp, /cache), `.dvc/tmp/`, and `.dvcignore` if missing; with git, the three
// files are staged.
#pragma once

#include <string>

#include "cairn/env/env.h"
#include "cairn/repo/add.h"

namespace cairn::repo {

enum class NoScm { no, yes };
enum class Subdir { no, yes };

struct InitOptions {
  std::string directory = ".";
  NoScm no_scm = NoScm::no;
  Force force = Force::no;
  Subdir subdir = Subdir::no;
};

// Returns the absolute root of the new repository.
Expected<std::string> init(env::Env* env, const std::string& cwd, const InitOptions& options);

}  // namespace cairn::repo
