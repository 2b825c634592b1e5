// Repository discovery: walking up from a directory to the DVC repository root (the first
// directory holding `.dvc/`) or to the Git work tree root (the first holding `.git`), as
// DVC's Repo.find_root does.
//
// Contract: `cwd`/`start` are absolute paths; they are used as given (no realpath). The walk
// stops at the filesystem root and, like DVC (os.path.ismount) and Git, at a mount point.
// Failure: ErrorCode::not_found with DVC's message "you are not inside of a DVC repository
// (checked up to mount point '<dir>')" (the CLI maps it to exit code 253).
#pragma once

#include <string>

#include "cairn/env/env.h"
#include "cairn/util/error.h"

namespace cairn::repo {

struct RepoPaths {
  std::string root;     // absolute repository root
  std::string dvc_dir;  // root + "/.dvc"
};

Expected<RepoPaths> find_repo(env::Env* env, const std::string& cwd);

// The first directory from `start` upwards containing `.git` (a directory, or a file as in
// worktrees and submodules).
Expected<std::string> find_git_root(env::Env* env, const std::string& start);

}  // namespace cairn::repo
