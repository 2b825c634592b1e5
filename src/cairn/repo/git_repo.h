// GitRepo: the few git operations cairn needs, through libgit2 — staging files (`init`,
// autostage), resolving revisions and reading `.dvc` files from a revision's tree (`diff`).
// Not thread-safe; one instance per command.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::repo {

class GitRepo {
 public:
  // Opens the git repository containing `path` (searching parents).
  static Expected<std::unique_ptr<GitRepo>> open(const std::string& path);
  ~GitRepo();

  const std::string& workdir() const { return m_workdir; }  // absolute, no trailing slash
  // Stages paths (absolute or relative to the workdir).
  Status add(const std::vector<std::string>& paths);
  // True if the path (relative to workdir), or anything below it, is in the git index.
  Expected<bool> is_tracked(const std::string& relpath);
  // True if git ignores the path (relative to workdir).
  Expected<bool> is_ignored(const std::string& relpath);
  // Resolves a revision ("HEAD", "HEAD~1", a branch, a sha) to a commit id (hex).
  Expected<std::string> resolve(const std::string& rev);
  // Paths (relative to workdir) of files in the commit's tree ending with `suffix`.
  Expected<std::vector<std::string>> list_files(const std::string& commit, const std::string& suffix);
  // Blob content of a path in the commit's tree; nullopt if absent.
  Expected<std::optional<std::string>> read_file(const std::string& commit, const std::string& relpath);
  // Short names of the local branches / of the tags, sorted.
  Expected<std::vector<std::string>> list_branches();
  Expected<std::vector<std::string>> list_tags();
  // The checked-out branch's short name; nullopt when HEAD is detached or unborn.
  Expected<std::optional<std::string>> current_branch();
  // True when a tracked file differs from HEAD (index or work tree); untracked files and
  // ignored files do not count (like `git describe --dirty`).
  Expected<bool> is_dirty();

 private:
  GitRepo() = default;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::string m_workdir;
};

}  // namespace cairn::repo
