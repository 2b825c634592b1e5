#include "cairn/repo/gc.h"

#include <unordered_set>

#include "cairn/repo/add.h"
#include "cairn/repo/dvc_file.h"
#include "cairn/repo/gitignore.h"
#include "cairn/util/counters.h"
#include "cairn/util/path.h"

namespace cairn::repo {
namespace {
std::string key_of(const object::ObjectId& id) {
  return (id.name == object::HashName::md5 ? "md5:" : "legacy:") + id.value;
}
}  // namespace

Expected<GcResult> gc_workspace(Repository& repo, DryRun dry) {
  ASSIGN_OR_RETURN(auto files, repo.collect_dvc_files());
  std::unordered_set<std::string> used;
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    for (const auto& o : file.outs) {
      if (!o.has_hash()) continue;
      used.insert(key_of(o.id));
      if (o.id.is_dir()) {
        auto tree = repo.store().read_tree(o.id);
        if (!tree) continue;
        for (const auto& e : tree->entries()) used.insert(key_of(object::ObjectId{e.md5, o.id.name}));
      }
    }
  }
  ASSIGN_OR_RETURN(auto all, repo.store().list_all());
  GcResult result;
  std::vector<object::ObjectId> doomed_dirs, doomed_files;
  for (const auto& id : all) {
    if (used.count(key_of(id))) {
      ++result.kept;
      continue;
    }
    (id.is_dir() ? doomed_dirs : doomed_files).push_back(id);
  }
  for (auto* list : {&doomed_dirs, &doomed_files}) {
    for (const auto& id : *list) {
      if (dry == DryRun::no) {
        TRY_STATUS(repo.store().remove(id));
        counters().objects_removed++;
      }
      result.removed.push_back(id.value);
      result.removed_ids.push_back(id);
    }
  }
  if (dry == DryRun::no) TRY_STATUS(repo.store().remove_temp_files());
  return result;
}

Status remove_tracked(Repository& repo, const std::string& target, Outs outs) {
  std::string abs = repo.abs(target);
  if (!abs.ends_with(".dvc")) {
    ASSIGN_OR_RETURN(abs, dvc_file_for_target(repo, target));
  }
  ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), abs, repo.rel_to_cwd(abs)));
  for (const auto& o : file.outs) {
    std::string out_abs = path::normalize(path::join(file.base_dir(), o.path));
    if (o.cache) TRY_STATUS(remove_gitignore_entry(repo.env(), repo.root(), repo.rel_to_root(out_abs)));
    if (outs == Outs::remove) TRY_STATUS(repo.env()->remove_tree(out_abs));
  }
  return repo.env()->remove_file(abs);
}

Expected<std::vector<TrackedOutput>> list_tracked(Repository& repo) {
  ASSIGN_OR_RETURN(auto files, repo.collect_dvc_files());
  std::vector<TrackedOutput> out;
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    for (const auto& o : file.outs) {
      TrackedOutput t;
      t.path = repo.rel_to_cwd(path::normalize(path::join(file.base_dir(), o.path)));
      t.dvc_file = file.relpath;
      t.md5 = o.id.value;
      t.size = o.size.value_or(0);
      t.nfiles = o.nfiles.value_or(0);
      t.is_dir = o.id.is_dir();
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace cairn::repo
