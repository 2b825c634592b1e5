#include "cairn/pipeline/stage_status.h"

#include <algorithm>

#include "cairn/pipeline/py_value.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

using yaml::Node;

namespace {

std::string shown(repo::Repository& repo, const std::string& repo_rel) {
  return repo.rel_to_cwd(path::normalize(path::join(repo.root(), repo_rel)));
}

HashMode mode_for(const repo::OutputEntry* recorded) {
  if (recorded && recorded->has_hash() && recorded->id.name == object::HashName::md5_dos2unix) return HashMode::dos2unix;
  return HashMode::md5;
}

// workspace_status of a dep or out: "", deleted, modified.
Expected<std::string> workspace_status(WorkspaceState& ws, const std::string& repo_rel,
                                       const repo::OutputEntry* recorded) {
  ASSIGN_OR_RETURN(const repo::OutputState* st, ws.item(repo_rel, mode_for(recorded)));
  if (!st->exists) return std::string("deleted");
  if (!recorded || !recorded->has_hash() || st->id.value != recorded->id.value) return std::string("modified");
  return std::string();
}

Expected<std::optional<ItemStatus>> params_status(WorkspaceState& ws, const ParamsDep& dep, const LockEntry* lock) {
  std::string where = shown(ws.repo(), dep.path);
  ASSIGN_OR_RETURN(const std::optional<Node>* file, ws.params(dep.path));
  if (!*file) return std::optional<ItemStatus>(ItemStatus{where, "deleted", {}});
  const Node* recorded = lock ? lock->find_params(dep.def_path) : nullptr;
  if (!recorded) return std::optional<ItemStatus>(ItemStatus{where, "new", {}});
  // fill_values: the recorded values of the dep's keys (or all of them).
  Node info = Node::map();
  if (dep.whole_file()) {
    info = *recorded;
  } else {
    for (const auto& k : dep.keys)
      if (const Node* v = recorded->find(k)) info.set(k, *v);
  }
  Node actual = WorkspaceState::values(dep, **file);
  std::vector<std::string> keys;
  auto add_key = [&](const std::string& k) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  };
  if (!dep.whole_file()) {
    for (const auto& k : dep.keys) add_key(k);
  } else {
    for (const auto& [k, v] : actual.entries()) add_key(k);
    for (const auto& [k, v] : info.entries()) add_key(k);
  }
  ItemStatus out{where, "", {}};
  for (const auto& k : keys) {
    const Node* a = actual.find(k);
    const Node* i = info.find(k);
    std::string st;
    if (!a) st = "deleted";
    else if (!i) st = "new";
    else if (!py_equal(*a, *i)) st = "modified";
    else continue;
    out.keys.emplace_back(k, st);
  }
  if (out.keys.empty()) return std::optional<ItemStatus>();
  return std::optional<ItemStatus>(std::move(out));
}

bool in_filter(const OutFilter& filter, const std::string& out_path) {
  if (!filter.repo_rel) return true;
  return path::is_within("/r/" + *filter.repo_rel, "/r/" + out_path);
}

}  // namespace

Expected<StageStatus> stage_status(WorkspaceState& ws, const Stage& stage, const LockEntry* lock,
                                   const OutFilter& filter) {
  StageStatus result;
  repo::Repository& repo = ws.repo();
  bool pipeline = stage.kind == StageKind::pipeline;
  if (!stage.frozen && pipeline) {
    for (const auto& d : stage.deps) {
      const repo::OutputEntry* rec = lock ? lock->find_dep(d.def_path) : nullptr;
      ASSIGN_OR_RETURN(std::string st, workspace_status(ws, d.path, rec));
      if (!st.empty()) result.changed_deps.push_back({shown(repo, d.path), st, {}});
    }
    for (const auto& p : stage.params) {
      ASSIGN_OR_RETURN(auto st, params_status(ws, p, lock));
      if (st) result.changed_deps.push_back(std::move(*st));
    }
  }
  for (std::size_t i = 0; i < stage.outs.size(); ++i) {
    const StageOut& o = stage.outs[i];
    if (!in_filter(filter, o.path)) continue;
    const repo::OutputEntry* rec = nullptr;
    if (pipeline) rec = lock ? lock->find_out(o.def_path) : nullptr;
    else if (stage.dvc_file && i < stage.dvc_file->outs.size()) rec = &stage.dvc_file->outs[i];
    std::string where = shown(repo, o.path);
    if (rec && rec->has_hash() && o.cache) {
      ASSIGN_OR_RETURN(bool cached, repo::output_in_cache(repo, rec->id));
      if (!cached) {
        result.changed_outs.push_back({where, "not in cache", {}});
        continue;
      }
    }
    ASSIGN_OR_RETURN(std::string st, workspace_status(ws, o.path, rec));
    if (!st.empty()) result.changed_outs.push_back({where, st, {}});
  }
  result.always_changed = stage.is_callback() || stage.always_changed;
  if (pipeline && lock) result.changed_command = !(lock->cmd == stage.cmd);
  return result;
}

bool stage_changed(const Stage& stage, const StageStatus& status) {
  if (status.changed_command) return true;
  if (!stage.frozen && (stage.is_callback() || stage.always_changed || !status.changed_deps.empty())) return true;
  return !status.changed_outs.empty();
}

}  // namespace cairn::pipeline
