// diff: compares the tracked data of two git revisions, or a revision and the workspace, as
// `dvc diff` does: categories added / deleted / modified / renamed / not in cache; directory
// entries end with '/' and are listed alongside their changed files; `not in cache` only when
// the second revision is the workspace. `.dvc` files are read from git trees via libgit2.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/repo/repository.h"

namespace cairn::repo {

struct DiffEntry {
  std::string path;      // relative to the repository root; "old" path for renames
  std::string new_path;  // renames only
  std::string old_hash, new_hash;
};

struct DiffResult {
  std::vector<DiffEntry> added, deleted, modified, renamed, not_in_cache;
  bool empty() const {
    return added.empty() && deleted.empty() && modified.empty() && renamed.empty() && not_in_cache.empty();
  }
};

// b_rev empty: the workspace.
Expected<DiffResult> diff(Repository& repo, const std::string& a_rev, const std::string& b_rev);

}  // namespace cairn::repo
