#include "cairn/repo/repository.h"

#include "cairn/util/trace.h"

#include <algorithm>
#include <thread>
#include <unordered_set>

#include "cairn/repo/root.h"
#include "cairn/util/path.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {

Expected<std::unique_ptr<Repository>> Repository::open(env::Env* env, const std::string& cwd) {
  ASSIGN_OR_RETURN(auto paths, find_repo(env, cwd));
  std::unique_ptr<Repository> r(new Repository());
  r->m_env = env;
  r->m_root = paths.root;
  r->m_dvc_dir = paths.dvc_dir;
  r->m_cwd = path::normalize(cwd);
  ASSIGN_OR_RETURN(auto config, Config::load(env, r->m_dvc_dir));
  r->m_config = std::make_unique<Config>(std::move(config));
  std::string cache_dir = r->m_config->cache_dir();
  if (cache_dir.empty()) cache_dir = r->m_dvc_dir + "/cache";
  r->m_store = std::make_unique<cache::ObjectStore>(env, cache_dir);
  r->m_stat_cache = std::make_unique<cache::StatCache>(env, r->cairn_state_dir() + "/statcache");
  r->m_ignore = std::make_unique<IgnoreRules>(env, r->m_root);
  TRY_STATUS(r->m_ignore->load_dir(""));
  auto no_scm = r->m_config->get("core", "no_scm");
  if (no_scm && (*no_scm == "true" || *no_scm == "True")) r->m_scm = Scm::none;
  // DVC creates .dvc/tmp when a repository is opened.
  (void)env->make_dirs(r->tmp_dir());
  return r;
}

Expected<std::vector<cache::LinkType>> Repository::link_types() const {
  auto spec = m_config->get("cache", "type");
  return cache::parse_link_types(spec.value_or("reflink,copy"));
}

Expected<std::unique_ptr<env::FileLock>> Repository::lock() {
  TRY_STATUS(m_env->make_dirs(tmp_dir()));
  std::string lock_path = tmp_dir() + "/lock";
  // DVC (zc.lockfile) retries for a few seconds before giving up.
  for (int attempt = 0;; ++attempt) {
    auto l = m_env->lock_file(lock_path);
    if (l) return l;
    if (l.error().code() != ErrorCode::conflict) return std::unexpected(l.error());
    if (attempt >= 30)
      return make_error(ErrorCode::conflict,
                        "Unable to acquire lock. Most likely another DVC process is running or was terminated "
                        "abruptly. Check the page <https://dvc.org/doc/user-guide/troubleshooting#lock-issue> for "
                        "other possible reasons and to learn how to resolve this.");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string Repository::abs(const std::string& user_path) const { return path::absolute(user_path, m_cwd); }

std::string Repository::rel_to_root(const std::string& abs_path) const { return path::relative(abs_path, m_root); }

std::string Repository::rel_to_cwd(const std::string& abs_path) const {
  if (path::is_within(m_cwd, m_root)) return path::relative(abs_path, m_cwd);
  return path::relative(abs_path, m_root);
}

Expected<std::vector<std::string>> Repository::collect_dvc_files() {
  std::vector<std::string> out;
  std::vector<std::string> level{""};
  while (!level.empty()) {
    std::vector<std::string> next;
    for (const auto& rel : level) {
      std::string abs_dir = rel.empty() ? m_root : m_root + "/" + rel;
      ASSIGN_OR_RETURN(auto entries, m_env->list_dir(abs_dir));
      if (!rel.empty()) {
        bool nested = std::any_of(entries.begin(), entries.end(), [](const env::DirEntry& e) {
          return e.name == ".dvc" && e.type == env::FileType::directory;
        });
        if (nested) continue;  // a sub-repository
      }
      // An output directory X tracked by X.dvc beside it holds no .dvc files (outputs may not
      // overlap), so it is not descended into.
      std::unordered_set<std::string> tracked;
      for (const auto& e : entries)
        if (e.type == env::FileType::regular && e.name.size() > 4 && e.name.ends_with(".dvc"))
          tracked.insert(e.name.substr(0, e.name.size() - 4));
      for (const auto& e : entries) {
        std::string child = rel.empty() ? e.name : rel + "/" + e.name;
        if (e.type == env::FileType::directory) {
          if (tracked.count(e.name)) continue;
          if (m_ignore->is_ignored(child, true)) continue;
          next.push_back(child);
        } else if (e.type == env::FileType::regular && e.name.size() > 4 && e.name.ends_with(".dvc")) {
          if (m_ignore->is_ignored(child, false)) continue;
          out.push_back(m_root + "/" + child);
        }
      }
    }
    level = std::move(next);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void Repository::flush_state() {
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(m_env->now().time_since_epoch()).count();
  (void)m_stat_cache->save(now);  // a no-op unless something was inserted
  if (m_presence) (void)m_presence->save();
  if (m_trees) (void)m_trees->save();
}

cache::StatCache& Repository::stat_cache() {
  std::call_once(m_stat_cache_once, [this] {
    TraceSpan t("statcache_load");
    m_stat_cache->load();
  });
  return *m_stat_cache;
}

cache::TreeMemo& Repository::tree_memo() {
  if (!m_trees) {
    m_trees = std::make_unique<cache::TreeMemo>(m_env, cairn_state_dir() + "/trees");
    m_trees->load();
  }
  return *m_trees;
}

cache::PresenceMemo& Repository::presence_memo() {
  if (!m_presence) {
    m_presence = std::make_unique<cache::PresenceMemo>(m_env, cairn_state_dir() + "/presence");
    m_presence->load();
  }
  return *m_presence;
}

}  // namespace cairn::repo
