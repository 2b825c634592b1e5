// add / commit: track workspace files and directories in `.dvc` files (DVC's `dvc add` and
// `dvc commit` for .dvc-tracked data; docs/format/repository.md §add).
//
// add: for each target, hash it (stat cache first), store its objects in the cache (files
// first, then the `.dir`), write `<target>.dvc` with DVC's bytes (an unchanged target changes
// nothing; an unchanged legacy entry stays legacy), link the workspace per cache.type, and
// add `/<name>` to the `.gitignore` beside it. Nothing in the workspace or `.dvc` files
// changes unless every object is safely in the cache.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/repo/repository.h"

namespace cairn::repo {

enum class Commit { yes, no };
enum class Force { no, yes };

struct AddOptions {
  std::vector<std::string> targets;  // as the user typed them (relative to cwd)
  Commit commit = Commit::yes;       // --no-commit: hash and write .dvc, store nothing
  std::optional<std::string> out;    // -o/--out: copy the (single) target here and track that
  std::size_t jobs = 0;              // 0: default
};

struct AddResult {
  std::vector<std::string> dvc_files;     // written or unchanged, relative to cwd
  std::vector<std::string> files_to_track;  // changed .dvc/.gitignore files, relative to cwd, sorted
};

Expected<AddResult> add(Repository& repo, const AddOptions& options);

struct CommitOptions {
  std::vector<std::string> targets;  // .dvc files or outputs; empty: all
  Force force = Force::no;
  std::size_t jobs = 0;
};

// Commits the current workspace content of tracked outputs into the cache and their `.dvc`
// files. Without force, a changed output is refused with DVC's message (no prompt here; the
// CLI asks when interactive and retries with force).
Expected<AddResult> commit(Repository& repo, const CommitOptions& options);

// Resolves a user target (an output path or a `.dvc` file) to its `.dvc` file path.
Expected<std::string> dvc_file_for_target(Repository& repo, const std::string& target);

}  // namespace cairn::repo
