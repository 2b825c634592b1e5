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

constexpr std::uint64_t k_unknown_size = ~std::uint64_t{0};

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
    // Presence only: materialize re-hashes the object before writing it (or skips that when
    // the caller has just verified it, as pull has), so hashing here too would read a big
    // object twice.
    auto v = store.exists(o.id);
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
    TRY_STATUS(hash_files(repo, out_abs, files, mode, Insert::no, resolve_jobs(jobs), "Checking " + repo.rel_to_cwd(out_abs)));
    for (auto& f : files) ws.emplace(f.relpath, std::move(f));
  } else if (wst) {
    // A file where a directory should be.
    ASSIGN_OR_RETURN(auto st, compute_output_state(repo, out_abs, mode, Insert::no, jobs));
    if (!content_in_cache(repo, st.id.value)) plan.unsaved.push_back(out_abs);
    plan.actions.push_back({Action::remove, out_abs, {}, 0, false, true});
  }
  std::set<std::string> wanted;
  const auto& entries = tree->entries();
  for (const auto& e : entries) {
    wanted.insert(e.relpath);
    for (auto slash = e.relpath.find('/'); slash != std::string::npos; slash = e.relpath.find('/', slash + 1))
      plan.manifest_dirs.insert(e.relpath.substr(0, slash));
    std::string abs = out_abs + "/" + e.relpath;
    object::ObjectId id{e.md5, o.id.name};
    auto it = ws.find(e.relpath);
    if (it != ws.end()) {
      if (it->second.md5_hex() == e.md5) {
        if (relink == Relink::no) continue;
        // As DVC, --relink leaves executable files of a directory alone (a link to the 0444
        // object would drop their execute bit).
        if (it->second.st.is_exec()) continue;
      } else if (!content_in_cache(repo, it->second.md5_hex())) {
        plan.unsaved.push_back(abs);
      }
      plan.actions.push_back({Action::link, abs, id, k_unknown_size, false, true});
    } else {
      plan.actions.push_back({Action::link, abs, id, k_unknown_size, false, false});
    }
  }
  for (const auto& [rel, f] : ws) {
    if (wanted.count(rel)) continue;
    const std::string abspath = abspath_of(out_abs, f);
    if (!content_in_cache(repo, f.md5_hex())) plan.unsaved.push_back(abspath);
    plan.actions.push_back({Action::remove, abspath, {}, 0, false, true});
  }
  // Every object to be linked must be present before anything is written; each is
  // re-hashed when it is materialized (a corrupt one is never written).
  std::vector<object::ObjectId> needed;
  for (const auto& a : plan.actions)
    if (a.kind == Action::link) needed.push_back(a.id);
  ASSIGN_OR_RETURN(auto missing, store.missing_of(needed, resolve_jobs(jobs)));
  if (!missing.empty()) {
    plan.failure = "missing cache object " + missing.front().value +
                   (missing.size() > 1 ? " (and " + std::to_string(missing.size() - 1) + " more)" : "");
    plan.actions.clear();
  }
  return plan;
}

// Re-hashes the object and writes/links it at the action's path. Small objects are read
// once: verified in memory, then written directly when the link type is copy.
Status materialize(Repository& repo, cache::Linker& linker, const Action& a, bool verified) {
  auto& store = repo.store();
  const std::string cp = store.path_of(a.id);
  const HashMode mode = a.id.name == object::HashName::md5 ? HashMode::md5 : HashMode::dos2unix;
  const auto exec = a.isexec ? cache::Executable::yes : cache::Executable::no;
  std::uint64_t size = a.size;
  if (size == k_unknown_size) {
    ASSIGN_OR_RETURN(auto st, repo.env()->stat(cp, env::Follow::yes));
    if (!st) return make_error(ErrorCode::not_found, "missing cache object " + a.id.value);
    size = st->size;
  }
  if (size <= (4u << 20)) {
    ASSIGN_OR_RETURN(std::string data, repo.env()->read_file(cp));
    if (!verified) counters().bytes_verified.fetch_add(data.size(), std::memory_order_relaxed);
    if (!verified && hash_bytes(data, mode) != a.id.digest())
      return make_error(ErrorCode::corrupt, "cache object " + cp + " is corrupt (its content does not match its name)");
    if (linker.preferred() == cache::LinkType::copy) return linker.write_copy(data, a.abs, exec);
    return linker.link(cp, a.abs, data.size(), exec);
  }
  ASSIGN_OR_RETURN(bool present, store.verify(a.id, verified ? cache::Verify::trust_mode : cache::Verify::full));
  if (!present) return make_error(ErrorCode::not_found, "missing cache object " + a.id.value);
  return linker.link(cp, a.abs, size, exec);
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
    // Threads working in one directory serialize on its inode lock; spread consecutive work
    // items over different directories.
    std::vector<std::size_t> order(plan.actions.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      auto hx = std::hash<std::string>{}(plan.actions[x].abs), hy = std::hash<std::string>{}(plan.actions[y].abs);
      return hx != hy ? hx < hy : x < y;
    });
    parallel_for(order.size(), resolve_jobs(options.jobs), [&](std::size_t k) {
      const auto& a = plan.actions[order[k]];
      if (a.kind != Action::link) return;
      bool verified = options.just_verified && options.just_verified->count(a.id.value);
      auto s = materialize(repo, linker, a, verified);
      counters().files_linked++;
      if (s) {
        // The new file's content is the verified object: remember it so the next status
        // does not re-read it.
        auto st = repo.env()->stat(a.abs, env::Follow::yes);
        if (st && *st) {
          HashMode m = a.id.name == object::HashName::md5 ? HashMode::md5 : HashMode::dos2unix;
          if (auto d = Md5Digest::from_hex(a.id.digest())) repo.stat_cache().insert(cache::stat_key(**st, m), *d);
        }
      }
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
