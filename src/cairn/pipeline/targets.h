// Resolving command-line targets to stages, as DVC's StageLoad.collect_granular and
// parse_target (dvc/repo/stage.py, dvc/utils/__init__.py).
//
// A target (relative to the cwd) is, in this order of priority:
//  - `path/dvc.yaml:name` / `:name` / `path/dvc.yaml` / `x.dvc`: that file's stage(s)
//    (a foreach/matrix group name selects all its generated stages);
//  - `name` or `group`: a stage of the dvc.yaml in the cwd;
//  - an output path (or a path inside an output directory): the stage producing it, with an
//    OutFilter so that only that output is reported;
// otherwise not_found: "'<t>' does not exist as an output or a stage name in 'dvc.yaml': Stage
// '<t>' not found inside 'dvc.yaml' file" (or ": 'dvc.yaml' does not exist"), as DVC.
// Stages are returned as indices into Index::stages; files named by a target that the index does
// not hold yet (e.g. a dvc.yaml inside an output) are loaded into it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cairn/pipeline/index.h"
#include "cairn/pipeline/stage_status.h"

namespace cairn::pipeline {

struct TargetStage {
  std::size_t stage;  // index into Index::stages
  OutFilter filter;
};

Expected<std::vector<TargetStage>> resolve_targets(repo::Repository& repo, Index& index,
                                                   const std::vector<std::string>& targets);

// DVC's parse_target: (file or "", name or "").
std::pair<std::string, std::string> parse_target(const std::string& target);

}  // namespace cairn::pipeline
