// `status`: every stage (dvc.yaml stages and .dvc files) in scope compared with what dvc.lock
// and the .dvc files record — DVC's `dvc status` without -c (dvc/repo/status.py).
//
// Targets (relative to the cwd), each as DVC's collect_granular: a `.dvc` file, a dvc.yaml (all
// its stages), `path/dvc.yaml:name`, a stage name or foreach/matrix group name in the cwd's
// dvc.yaml, or a tracked output path (its stage, showing only that output). No targets: all
// stages in collection order. Changed stages only are reported, each keyed by its DVC
// addressing; status_json() gives DVC's JSON structure:
//   {"train": [{"changed deps": {"data": "modified", "params.yaml": {"lr": "modified"}}},
//              {"changed outs": {"model": "deleted"}}, "always changed", "changed command"]}
// `stages` counts the stages looked at (0 = nothing tracked); `warnings` are DVC's ("stage:
// 'x' is frozen. Its dependencies are not going to be shown in the status output.").
// A dvc.yaml that fails to load is the command's one error.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cairn/pipeline/stage_status.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

struct AddressedStatus {
  std::string address;
  StageStatus status;
};

struct StatusReport {
  std::vector<AddressedStatus> changed;
  std::size_t stages = 0;
  std::vector<std::string> warnings;
};

Expected<StatusReport> status(repo::Repository& repo, const std::vector<std::string>& targets, std::size_t jobs);

nlohmann::ordered_json status_json(const StatusReport& report);

}  // namespace cairn::pipeline
