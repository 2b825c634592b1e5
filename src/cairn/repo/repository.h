// Repository: an opened DVC 3 repository — its root, `.dvc/` directory, merged config, the
// local object store, the stat cache and the repository lock (docs/format/repository.md).
//
// open() finds the root by walking up from cwd. Commands that write take lock() first: an
// exclusive flock on `.dvc/tmp/lock`, the same primitive and file DVC (zc.lockfile) uses, so
// cairn and dvc never write one repository at the same time; like DVC it retries for ~3 s.
// A Repository is used by one command at a time; its members are thread-safe where noted.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cairn/cache/link.h"
#include "cairn/cache/object_store.h"
#include "cairn/cache/presence_memo.h"
#include "cairn/cache/stat_cache.h"
#include "cairn/cache/tree_memo.h"
#include "cairn/env/env.h"
#include "cairn/repo/config.h"
#include "cairn/repo/dvcignore.h"

namespace cairn::repo {

enum class Scm { git, none };

class Repository {
 public:
  static Expected<std::unique_ptr<Repository>> open(env::Env* env, const std::string& cwd);

  env::Env* env() const { return m_env; }
  const std::string& root() const { return m_root; }
  const std::string& dvc_dir() const { return m_dvc_dir; }
  const std::string& cwd() const { return m_cwd; }
  const Config& config() const { return *m_config; }
  cache::ObjectStore& store() { return *m_store; }
  // Loaded on first use (thread-safe).
  cache::StatCache& stat_cache();
  // Loaded on first use.
  cache::PresenceMemo& presence_memo();
  cache::TreeMemo& tree_memo();
  const IgnoreRules& ignore() const { return *m_ignore; }
  Scm scm() const { return m_scm; }
  std::string tmp_dir() const { return m_dvc_dir + "/tmp"; }
  std::string cairn_state_dir() const { return m_dvc_dir + "/tmp/cairn"; }

  // Link types from cache.type (default reflink,copy).
  Expected<std::vector<cache::LinkType>> link_types() const;

  // Takes the repository lock (retrying ~3 s); conflict with DVC's wording if held.
  Expected<std::unique_ptr<env::FileLock>> lock();

  // Absolute path of a user-supplied path (relative to cwd).
  std::string abs(const std::string& user_path) const;
  // Path relative to the repo root ("data/x").
  std::string rel_to_root(const std::string& abs_path) const;
  // Path relative to the cwd, as DVC prints outputs.
  std::string rel_to_cwd(const std::string& abs_path) const;

  // Every `.dvc` file in the workspace (honouring .dvcignore), sorted, as absolute paths.
  Expected<std::vector<std::string>> collect_dvc_files();

  // Saves the stat cache and presence memo if they changed (errors are ignored: they are
  // only caches).
  void flush_state();

 private:
  Repository() = default;

  env::Env* m_env = nullptr;
  std::string m_root, m_dvc_dir, m_cwd;
  std::unique_ptr<Config> m_config;
  std::unique_ptr<cache::ObjectStore> m_store;
  std::unique_ptr<cache::StatCache> m_stat_cache;
  std::once_flag m_stat_cache_once;
  std::unique_ptr<cache::PresenceMemo> m_presence;
  std::unique_ptr<cache::TreeMemo> m_trees;
  std::unique_ptr<IgnoreRules> m_ignore;
  Scm m_scm = Scm::git;
};

}  // namespace cairn::repo
