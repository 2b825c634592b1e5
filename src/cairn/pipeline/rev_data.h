// rev_data: the params and metrics files of one revision, loaded as DVC loads them
// (dvc/repo/params/show.py `_gather_params`, dvc/repo/metrics/show.py `_gather_metrics`).
//
// A revision is read through an env::Env rooted at the repository root: the workspace's Env,
// or a GitTreeEnv for a commit (Revisions below). Which files are loaded:
//  - params: the given target files, whole; else every params file of the revision
//    (params_metrics_files.h) with its tracked keys (params_select.h) or whole;
//  - metrics: the given targets, else every metrics file of the revision; a path that is a
//    directory stands for every file below it (sorted); duplicates are dropped.
// Each file is loaded by extension (params_file.h); a missing file that is a cached stage
// output recorded in the revision's dvc.lock is read from the local cache (RevView::store). Metrics keep only
// what DVC shows
// (`_extract_metrics`): numbers, booleans and strings, recursively through mappings; lists,
// nulls and mappings that end up empty are dropped; a document left empty is {}.
// A file that fails to load carries DVC's exception class name and message instead of data
// (FileNotFoundError "[Errno 2] No such file or directory: 'm.json'", JSONFileCorruptedError
// "unable to read: '<path>', JSON file structure is corrupted", ...; `cwd` is the absolute
// directory DVC would have run in, which its messages are relative to).
// A revision whose dvc.yaml files cannot be read fails as a whole (RevData::error).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/cache/object_store.h"
#include "cairn/env/env.h"
#include "cairn/repo/git_repo.h"
#include "cairn/repo/repository.h"
#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

// A Python exception as DVC reports it in --json output: {"type": ..., "msg": ...}.
struct LoadError {
  std::string type;
  std::string msg;
};

struct FileData {
  std::string path;  // relative to the repository root
  std::optional<yaml::Node> data;
  std::optional<LoadError> error;
};

struct RevData {
  std::vector<FileData> files;  // in collection order
  std::optional<LoadError> error;
  bool has_errors() const;  // the revision or any file failed (DVC's errored_revisions)
};

// Where to read a revision: `root` is the repository root's absolute path, read through `env`.
// `store` (optional) is the local cache: a file the revision does not have but a dvc.lock of the
// revision records as a cached output is read from there, as DVC's filesystem does.
struct RevView {
  env::Env* env = nullptr;
  std::string root;
  cache::ObjectStore* store = nullptr;
  env::Env* cache_env = nullptr;  // reads the cache (the workspace's Env)
};

enum class ParamsScope { all, stage_deps };

// Loads params; `targets` (root-relative paths) replace the collected files when set;
// ParamsScope::stage_deps keeps only the stages' params deps (no top-level `params:` files and
// no implicit root params.yaml).
RevData load_params(const RevView& view, const std::optional<std::vector<std::string>>& targets,
                    const std::string& cwd, ParamsScope scope = ParamsScope::all);
// Loads metrics; `targets` (root-relative paths) replace the collected files when set.
RevData load_metrics(const RevView& view, const std::optional<std::vector<std::string>>& targets,
                     const std::string& cwd);

// The workspace and the git revisions of one repository.
class Revisions {
 public:
  explicit Revisions(repo::Repository& repo);
  ~Revisions();

  // "workspace" (DVC's name for the working tree) or a git revision. Errors: not_found
  // "unknown Git revision 'x'" (also for every revision when there is no git repository).
  Expected<RevView> view(const std::string& rev);
  // The commit a revision resolves to (nullopt for "workspace").
  Expected<std::optional<std::string>> resolve(const std::string& rev);
  bool has_git();
  // False when there is no git repository or it has no commit yet (DVC's scm.no_commits).
  bool has_commits();
  // Local branches and tags (sorted; empty without git); the checked-out branch.
  Expected<std::vector<std::string>> branches();
  Expected<std::vector<std::string>> tags();
  Expected<std::optional<std::string>> current_branch();

 private:
  Expected<repo::GitRepo*> git();

  repo::Repository& m_repo;
  std::unique_ptr<repo::GitRepo> m_git;
  bool m_git_tried = false;
  std::vector<std::unique_ptr<env::Env>> m_envs;
};

}  // namespace cairn::pipeline
