#include "cairn/pipeline/stage_state.h"

#include <set>

#include "cairn/pipeline/dvc_yaml.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

using yaml::Node;

repo::OutputEntry lock_item(const std::string& def_path, const repo::OutputState& state) {
  repo::OutputEntry e;
  e.path = def_path;
  e.id = state.id;
  e.id.name = object::HashName::md5;
  e.size = state.size;
  if (state.is_dir) e.nfiles = state.nfiles;
  e.isexec = !state.is_dir && state.isexec;
  return e;
}

Expected<LockEntry> compute_stage_state(WorkspaceState& ws, const Stage& stage, repo::Insert outs_insert) {
  repo::Repository& repo = ws.repo();
  auto shown = [&](const std::string& repo_rel) { return repo.rel_to_cwd(path::join(repo.root(), repo_rel)); };
  LockEntry e;
  e.cmd = stage.cmd;
  for (const auto& d : stage.deps) {
    ASSIGN_OR_RETURN(const repo::OutputState* st, ws.item(d.path, HashMode::md5));
    if (!st->exists) return make_error(ErrorCode::not_found, "dependency '" + shown(d.path) + "' does not exist");
    e.deps.push_back(lock_item(d.def_path, *st));
  }
  for (const auto& p : stage.params) {
    ASSIGN_OR_RETURN(const std::optional<Node>* file, ws.params(p.path));
    if (!*file) return make_error(ErrorCode::not_found, "dependency '" + shown(p.path) + "' does not exist");
    Node values = WorkspaceState::values(p, **file);
    std::vector<std::string> missing;
    std::set<std::string> seen;
    for (const auto& k : p.keys)
      if (!values.contains(k) && seen.insert(k).second) missing.push_back(k);
    if (!missing.empty()) {
      std::string names;
      for (std::size_t i = 0; i < missing.size(); ++i) names += (i ? ", " : "") + missing[i];
      return make_error(ErrorCode::invalid_input,
                        "Parameters '" + names + "' are missing from '" + shown(p.path) + "'.");
    }
    e.params.emplace_back(p.def_path, std::move(values));
  }
  for (const auto& o : stage.outs) {
    repo::Insert insert = o.cache ? outs_insert : repo::Insert::no;
    ASSIGN_OR_RETURN(const repo::OutputState* st, ws.item(o.path, HashMode::md5, insert));
    if (!st->exists) return make_error(ErrorCode::not_found, "output '" + shown(o.path) + "' does not exist");
    e.outs.push_back(lock_item(o.def_path, *st));
  }
  return e;
}

Expected<LockEntry> compute_stage_state(repo::Repository& repo, const Stage& stage, repo::Insert outs_insert,
                                        std::size_t jobs) {
  WorkspaceState ws(repo, jobs);
  return compute_stage_state(ws, stage, outs_insert);
}

Expected<repo::Written> write_lock_entry(repo::Repository& repo, const Stage& stage, const LockEntry& entry) {
  if (stage.kind != StageKind::pipeline)
    return make_error(ErrorCode::invalid_input, "'" + stage.file + "' is not a pipeline stage");
  std::string lock = lock_path_for(path::join(repo.root(), stage.file));
  return write_lock_entries(repo.env(), lock, {{stage.name, entry}});
}

}  // namespace cairn::pipeline
