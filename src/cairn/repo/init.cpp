#include "cairn/repo/init.h"

#include "cairn/repo/git_repo.h"
#include "cairn/util/path.h"

namespace cairn::repo {

constexpr const char* k_dvcignore =
    "# Add patterns of files dvc should ignore, which could improve\n"
    "# the performance. Learn more at\n"
    "# https://dvc.org/doc/user-guide/dvcignore\n";

Expected<std::string> init(env::Env* env, const std::string& cwd, const InitOptions& options) {
  if (options.no_scm == NoScm::yes && options.subdir == Subdir::yes)
    return make_error(ErrorCode::invalid_input, "Cannot initialize repo with `--no-scm` and `--subdir`");
  std::string root = path::absolute(options.directory, cwd);
  std::string dvc_dir = root + "/.dvc";
  std::unique_ptr<GitRepo> git;
  if (options.no_scm == NoScm::no) {
    auto g = GitRepo::open(root);
    bool ok_scm = g && (options.subdir == Subdir::yes || (*g)->workdir() == root);
    if (!ok_scm)
      return make_error(ErrorCode::invalid_input,
                        root + " is not tracked by any supported SCM tool (e.g. Git). Use `--no-scm` if you don't "
                               "want to use any SCM or `--subdir` if initializing inside a subdirectory of a parent "
                               "SCM repository.");
    git = std::move(*g);
    ASSIGN_OR_RETURN(bool ignored, git->is_ignored(path::relative(dvc_dir, git->workdir())));
    if (ignored)
      return make_error(ErrorCode::invalid_input, dvc_dir + " is ignored by your SCM tool. \nMake sure that it's "
                                                            "tracked, for example, by adding '!.dvc' to .gitignore.");
  }
  ASSIGN_OR_RETURN(auto st, env->stat(dvc_dir, env::Follow::yes));
  if (st && st->type == env::FileType::directory) {
    if (options.force == Force::no)
      return make_error(ErrorCode::conflict, "'" + path::relative(dvc_dir, cwd) + "' exists. Use `-f` to force.");
    TRY_STATUS(env->remove_tree(dvc_dir));
  }
  TRY_STATUS(env->make_dirs(dvc_dir));
  std::string config = options.no_scm == NoScm::yes ? "[core]\n    no_scm = True\n" : "";
  TRY_STATUS(env->write_file_atomic(dvc_dir + "/config", config));
  std::string dvcignore = root + "/.dvcignore";
  ASSIGN_OR_RETURN(bool has_ignore, env->exists(dvcignore));
  if (!has_ignore) TRY_STATUS(env->write_file_atomic(dvcignore, k_dvcignore));
  TRY_STATUS(env->make_dirs(dvc_dir + "/tmp"));
  // Without git there is no .gitignore to write (DVC writes it through its SCM).
  if (git) {
    TRY_STATUS(env->write_file_atomic(dvc_dir + "/.gitignore", "/config.local\n/tmp\n/cache\n"));
    TRY_STATUS(git->add({dvc_dir + "/config", dvcignore, dvc_dir + "/.gitignore"}));
  }
  return root;
}

}  // namespace cairn::repo
