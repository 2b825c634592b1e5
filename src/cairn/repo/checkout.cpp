#include "cairn/repo/checkout.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "cairn/repo/dvc_file.h"
#include "cairn/repo/output_state.h"
#include "cairn/util/counters.h"
#include "cairn/util/path.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {
namespace {

struct Action {
  enum Kind { link, remove } kind;
  std::string abs;
  object::ObjectId id;
  std::uint64_t size = 0;
  bool isexec = false;
  bool existed = false;
};

struct Plan {
  std::string out_abs;
  bool is_dir = false;
  bool existed = false;
  std::vector<Action> actions;
  std::vector<std::string> unsaved;  // workspace files that would be lost
  std::optional<std::string> failure;
  std::set<std::string> manifest_dirs;  // directories implied by the manifest (relative)
};

// Removes empty directories below `root` that the manifest does not imply (DVC's checkout
// makes a tracked directory exactly its manifest, and manifests hold no empty directories).
// Returns true if `abs` was removed.
bool remove_empty_dirs_rec(env::Env* env, const std::string& abs, const std::string& rel,
                           const std::set<std::string>& keep) {
  auto entries = env->list_dir(abs);
  if (!entries) return false;
  bool has_content = false;
  for (const auto& e : *entries) {
    if (e.type == env::FileType::directory) {
      std::string child_rel = rel.empty() ? e.name : rel + "/" + e.name;
      if (!remove_empty_dirs_rec(env, abs + "/" + e.name, child_rel, keep)) has_content = true;
    } else {
      has_content = true;
    }
  }
  if (has_content || rel.empty() || keep.count(rel)) return false;
  return static_cast<bool>(env->remove_dir(abs));
}

void remove_empty_dirs(env::Env* env, const std::string& root, const std::set<std::string>& keep) {
  remove_empty_dirs_rec(env, root, "", keep);
}

// Is the current content of a workspace file saved in the cache?
bool content_in_cache(Repository& repo, const std::string& md5) {
  auto ex = repo.store().exists(object::ObjectId{md5, object::HashName::md5});
  return ex && *ex;
}

Expected<Plan> plan_output(Repository& repo, const OutputEntry& o, const std::string& out_abs,
                           cache::Linker& linker, Relink relink, std::size_t jobs) {
  Plan plan;
  plan.out_abs = out_abs;
  plan.is_dir = o.id.is_dir();
  auto& store = repo.store();
  HashMode mode = o.id.name == object::HashName::md5 ? HashMode::md5 : HashMode::dos2unix;
  ASSIGN_OR_RETURN(auto wst, repo.env()->stat(out_abs, env::Follow::no));
  plan.existed = wst.has_value();
  if (!plan.is_dir) {
    auto v = store.verify(o.id, cache::Verify::full);
    if (!v || !*v) {
      plan.failure = v ? "missing cache object " + o.id.value + " for " + repo.rel_to_cwd(out_abs)
                       : v.error().message();
      return plan;
    }
    if (wst) {
      ASSIGN_OR_RETURN(auto st, compute_output_state(repo, out_abs, mode, Insert::no, jobs));
      if (st.is_dir) {
        plan.unsaved.push_back(out_abs);
      } else if (st.id.value == o.id.value) {
        // Unchanged content is left alone unless --relink (as DVC: a changed cache.type
        // alone does not relink).
        if (relink == Relink::no) return plan;
      } else if (!content_in_cache(repo, st.id.value)) {
        plan.unsaved.push_back(out_abs);
      }
    }
    plan.actions.push_back({Action::link, out_abs, o.id, o.size.value_or(0), o.isexec, plan.existed});
    return plan;
  }
  // Directory: validate the manifest first.
  auto tree = store.read_tree(o.id);
  if (!tree) {
    plan.failure = tree.error().message();
    return plan;
  }
  std::map<std::string, WorkspaceFile> ws;
  if (wst && wst->type == env::FileType::directory) {
    ASSIGN_OR_RETURN(auto files, walk_dir(repo, out_abs, resolve_jobs(jobs)));
    TRY_STATUS(hash_files(repo, files, mode, Insert::no, resolve_jobs(jobs), "Checking " + repo.rel_to_cwd(out_abs)));
    for (auto& f : files) ws.emplace(f.relpath, std::move(f));
  } else if (wst) {
    // A file where a directory should be.
    ASSIGN_OR_RETURN(auto st, compute_output_state(repo, out_abs, mode, Insert::no, jobs));
    if (!content_in_cache(repo, st.id.value)) plan.unsaved.push_back(out_abs);
    plan.actions.push_back({Action::remove, out_abs, {}, 0, false, true});
  }
  std::set<std::string> wanted;
  std::mutex mu;
  std::vector<std::string> bad_objects;
  const auto& entries = tree->entries();
  // Verify every object the manifest names before writing anything.
  parallel_for(entries.size(), resolve_jobs(jobs), [&](std::size_t i) {
    auto v = store.verify(object::ObjectId{entries[i].md5, o.id.name}, cache::Verify::full);
    if (!v || !*v) {
      std::lock_guard lock(mu);
      bad_objects.push_back(v ? "missing cache object " + entries[i].md5 + " for " + entries[i].relpath
                              : v.error().message());
    }
  });
  if (!bad_objects.empty()) {
    std::sort(bad_objects.begin(), bad_objects.end());
    plan.failure = bad_objects.front() + (bad_objects.size() > 1 ? " (and " + std::to_string(bad_objects.size() - 1) + " more)" : "");
    return plan;
  }
  for (const auto& e : entries) {
    wanted.insert(e.relpath);
    for (auto slash = e.relpath.find('/'); slash != std::string::npos; slash = e.relpath.find('/', slash + 1))
      plan.manifest_dirs.insert(e.relpath.substr(0, slash));
    std::string abs = out_abs + "/" + e.relpath;
    object::ObjectId id{e.md5, o.id.name};
    auto it = ws.find(e.relpath);
    if (it != ws.end()) {
      if (it->second.md5 == e.md5) {
        if (relink == Relink::no) continue;
        // As DVC, --relink leaves executable files of a directory alone (a link to the 0444
        // object would drop their execute bit).
        if (it->second.st.is_exec()) continue;
      } else if (!content_in_cache(repo, it->second.md5)) {
        plan.unsaved.push_back(abs);
      }
      ASSIGN_OR_RETURN(auto cst, repo.env()->stat(store.path_of(id), env::Follow::yes));
      plan.actions.push_back({Action::link, abs, id, cst ? cst->size : 0, false, true});
    } else {
      ASSIGN_OR_RETURN(auto cst, repo.env()->stat(store.path_of(id), env::Follow::yes));
      plan.actions.push_back({Action::link, abs, id, cst ? cst->size : 0, false, false});
    }
  }
  for (const auto& [rel, f] : ws) {
    if (wanted.count(rel)) continue;
    if (!content_in_cache(repo, f.md5)) plan.unsaved.push_back(f.abspath);
    plan.actions.push_back({Action::remove, f.abspath, {}, 0, false, true});
  }
  return plan;
}

}  // namespace

Expected<CheckoutResult> checkout(Repository& repo, const CheckoutOptions& options) {
  std::vector<std::string> files;
  if (options.targets.empty()) {
    ASSIGN_OR_RETURN(files, repo.collect_dvc_files());
  } else {
    for (const auto& t : options.targets) {
      ASSIGN_OR_RETURN(auto f, dvc_file_for_target(repo, t));
      files.push_back(f);
    }
  }
  ASSIGN_OR_RETURN(auto types, repo.link_types());
  cache::Linker linker(repo.env(), types);
  std::vector<Plan> plans;
  std::vector<std::string> unsaved;
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    for (const auto& o : file.outs) {
      if (!o.cache || !o.has_hash()) continue;
      std::string abs = path::normalize(path::join(file.base_dir(), o.path));
      ASSIGN_OR_RETURN(auto plan, plan_output(repo, o, abs, linker, options.relink, options.jobs));
      for (auto& u : plan.unsaved) unsaved.push_back(u);
      plans.push_back(std::move(plan));
    }
  }
  if (!unsaved.empty() && options.force == Force::no) {
    std::string msg = "Can't remove the following unsaved files without confirmation. Use `--force` to force.";
    for (const auto& u : unsaved) msg += "\n" + u;
    return make_error(ErrorCode::conflict, msg);
  }
  CheckoutResult result;
  auto& store = repo.store();
  for (auto& plan : plans) {
    std::string shown = repo.rel_to_cwd(plan.out_abs) + (plan.is_dir ? "/" : "");
    if (plan.failure) {
      result.failed.push_back(repo.rel_to_cwd(plan.out_abs));
      result.errors.push_back(*plan.failure);
      continue;  // nothing was written for this output
    }
    if (plan.actions.empty()) continue;
    std::mutex mu;
    std::optional<Error> err;
    std::size_t added = 0, modified = 0, deleted = 0;
    // Removals first (a file may stand where a directory goes).
    for (const auto& a : plan.actions) {
      if (a.kind != Action::remove) continue;
      auto s = repo.env()->remove_tree(a.abs);
      if (!s) err = s.error();
      ++deleted;
    }
    if (!plan.is_dir && plan.existed) {
      ASSIGN_OR_RETURN(auto st, repo.env()->stat(plan.out_abs, env::Follow::no));
      if (st && st->type == env::FileType::directory) TRY_STATUS(repo.env()->remove_tree(plan.out_abs));
    }
    parallel_for(plan.actions.size(), resolve_jobs(options.jobs), [&](std::size_t i) {
      const auto& a = plan.actions[i];
      if (a.kind != Action::link) return;
      auto s = linker.link(store.path_of(a.id), a.abs, a.size, a.isexec ? cache::Executable::yes : cache::Executable::no);
      counters().files_linked++;
      std::lock_guard lock(mu);
      if (!s) {
        if (!err) err = s.error();
        return;
      }
      if (a.existed) ++modified;
      else ++added;
    });
    if (err) {
      result.failed.push_back(repo.rel_to_cwd(plan.out_abs));
      result.errors.push_back(err->message());
      // As DVC: a failed output that did not exist before is removed again, so no half-made
      // directory is left behind.
      if (!plan.existed) (void)repo.env()->remove_tree(plan.out_abs);
      continue;
    }
    if (plan.is_dir) remove_empty_dirs(repo.env(), plan.out_abs, plan.manifest_dirs);
    result.files_added += added;
    result.files_modified += modified;
    result.files_deleted += deleted;
    if (!plan.existed) result.added.push_back(shown);
    else result.modified.push_back(shown);
  }
  auto order = [](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) {
      bool ad = a.ends_with('/'), bd = b.ends_with('/');
      if (ad != bd) return ad;
      return a < b;
    });
  };
  order(result.added);
  order(result.modified);
  return result;
}

}  // namespace cairn::repo
