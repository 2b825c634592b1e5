#include "cairn/pipeline/status.h"

#include "cairn/pipeline/index.h"
#include "cairn/pipeline/targets.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

namespace {
std::string cwd_rel(repo::Repository& repo) {
  if (!path::is_within(repo.cwd(), repo.root())) return "";
  std::string r = path::relative(repo.cwd(), repo.root());
  return r == "." ? "" : r;
}
}  // namespace

Expected<StatusReport> status(repo::Repository& repo, const std::vector<std::string>& targets, std::size_t jobs) {
  ASSIGN_OR_RETURN(Index index, collect_index(repo));
  std::vector<TargetStage> selected;
  if (targets.empty()) {
    for (std::size_t i = 0; i < index.stages.size(); ++i) selected.push_back({i, {}});
  } else {
    ASSIGN_OR_RETURN(selected, resolve_targets(repo, index, targets));
  }
  StatusReport report;
  report.stages = index.stages.size();
  report.warnings = index.warnings;
  WorkspaceState ws(repo, jobs);
  std::string cwd = cwd_rel(repo);
  for (const auto& t : selected) {
    const Stage& stage = index.stages[t.stage];
    std::string address = stage_address(stage, cwd);
    if (stage.frozen)
      report.warnings.push_back("stage: '" + address +
                                "' is frozen. Its dependencies are not going to be shown in the status output.");
    ASSIGN_OR_RETURN(StageStatus st, stage_status(ws, stage, index.lock_entry(stage), t.filter));
    if (st.empty()) continue;
    // A stage listed twice (two targets) reports once, like DVC's dict update.
    bool merged = false;
    for (auto& c : report.changed)
      if (c.address == address) {
        c.status = st;
        merged = true;
      }
    if (!merged) report.changed.push_back({address, std::move(st)});
  }
  return report;
}

nlohmann::ordered_json status_json(const StatusReport& report) {
  using J = nlohmann::ordered_json;
  J j = J::object();
  auto items = [](const std::vector<ItemStatus>& list) {
    J d = J::object();
    for (const auto& s : list) {
      if (s.state.empty()) {
        J keys = J::object();
        for (const auto& [k, st] : s.keys) keys[k] = st;
        d[s.path] = keys;
      } else {
        d[s.path] = s.state;
      }
    }
    return d;
  };
  for (const auto& c : report.changed) {
    J arr = J::array();
    if (!c.status.changed_deps.empty()) arr.push_back({{"changed deps", items(c.status.changed_deps)}});
    if (!c.status.changed_outs.empty()) arr.push_back({{"changed outs", items(c.status.changed_outs)}});
    if (c.status.always_changed) arr.push_back("always changed");
    if (c.status.changed_command) arr.push_back("changed command");
    j[c.address] = arr;
  }
  return j;
}

}  // namespace cairn::pipeline
