#include "cairn/repo/root.h"

#include "cairn/util/path.h"

namespace cairn::repo {
namespace {

// os.path.ismount: a different device than the parent, or the same inode as the parent.
Expected<bool> is_mount(env::Env* env, const std::string& dir) {
  if (dir == "/") return true;
  ASSIGN_OR_RETURN(auto self, env->stat(dir, env::Follow::no));
  if (!self || self->type == env::FileType::symlink) return false;
  ASSIGN_OR_RETURN(auto up, env->stat(path::join(dir, ".."), env::Follow::no));
  if (!up) return false;
  return self->dev != up->dev || self->ino == up->ino;
}

// Walks up from start; returns the first directory for which `has(dir)` holds, or the
// directory where the walk stopped (as an error message payload) via `stopped`.
template <class Pred>
Expected<std::optional<std::string>> walk_up(env::Env* env, const std::string& start, Pred has,
                                             std::string* stopped) {
  std::string dir = path::normalize(start);
  while (true) {
    ASSIGN_OR_RETURN(bool found, has(dir));
    if (found) return std::optional<std::string>(dir);
    ASSIGN_OR_RETURN(bool mount, is_mount(env, dir));
    std::string up = path::parent(dir);
    if (mount || up.empty() || up == dir) break;
    dir = up;
  }
  *stopped = dir;
  return std::optional<std::string>();
}

}  // namespace

Expected<RepoPaths> find_repo(env::Env* env, const std::string& cwd) {
  std::string stopped;
  auto has_dvc = [&](const std::string& dir) -> Expected<bool> {
    ASSIGN_OR_RETURN(auto st, env->stat(path::join(dir, ".dvc"), env::Follow::yes));
    return st && st->type == env::FileType::directory;
  };
  ASSIGN_OR_RETURN(auto root, walk_up(env, cwd, has_dvc, &stopped));
  if (!root) {
    return make_error(ErrorCode::not_found,
                      "you are not inside of a DVC repository (checked up to mount point '" + stopped + "')");
  }
  return RepoPaths{*root, path::join(*root, ".dvc")};
}

Expected<std::string> find_git_root(env::Env* env, const std::string& start) {
  std::string stopped;
  auto has_git = [&](const std::string& dir) -> Expected<bool> {
    ASSIGN_OR_RETURN(auto st, env->stat(path::join(dir, ".git"), env::Follow::yes));
    return st.has_value() && (st->type == env::FileType::directory || st->type == env::FileType::regular);
  };
  ASSIGN_OR_RETURN(auto root, walk_up(env, start, has_git, &stopped));
  if (!root) {
    return make_error(ErrorCode::not_found, "'" + path::normalize(start) +
                                                "' is not a git repository (checked up to "
                                                "mount point '" +
                                                stopped + "')");
  }
  return *root;
}

}  // namespace cairn::repo
