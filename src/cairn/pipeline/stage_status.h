// Change detection for one stage, exactly as DVC's Stage.status() / Stage.changed()
// (dvc/stage/__init__.py, output.py, dependency/param.py; dvc-format.md §5.5).
//
// Per item, against what dvc.lock (or the .dvc file) records:
//  - dep/out: `deleted` when missing; `modified` when its hash differs or nothing is recorded;
//    outs with a recorded hash and `cache: true` whose objects are not all in the cache are
//    `not in cache` first;
//  - params file: `deleted` when missing, `new` when no values are recorded for it, else per
//    key `new` / `deleted` / `modified` (values compared with Python's ==; keys in the dep's
//    order, or for a whole-file dep the file's top-level keys then the recorded ones).
// Stage flags: `always changed` for a callback stage (cmd, no deps, no outs) or
// `always_changed: true`; `changed command` when the lock entry's cmd differs from dvc.yaml's.
// A frozen stage reports no deps (the caller warns). Paths are shown relative to the cwd.
// stage_changed() is Stage.changed(): what repro uses to decide whether to run a stage.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cairn/pipeline/lock_file.h"
#include "cairn/pipeline/stage.h"
#include "cairn/pipeline/workspace_state.h"

namespace cairn::pipeline {

struct ItemStatus {
  std::string path;   // as DVC prints it (relative to the cwd)
  std::string state;  // deleted | modified | new | not in cache; empty when `keys` holds the detail
  std::vector<std::pair<std::string, std::string>> keys;  // params: key -> new|deleted|modified
};

struct StageStatus {
  std::vector<ItemStatus> changed_deps;
  std::vector<ItemStatus> changed_outs;
  bool always_changed = false;
  bool changed_command = false;

  bool empty() const { return changed_deps.empty() && changed_outs.empty() && !always_changed && !changed_command; }
};

// Which outputs to report (DVC's filter_info: a target naming one output).
struct OutFilter {
  std::optional<std::string> repo_rel;  // report only outputs at or below this path
};

// `lock`: the stage's dvc.lock entry (nullptr when none); ignored for .dvc files.
Expected<StageStatus> stage_status(WorkspaceState& ws, const Stage& stage, const LockEntry* lock,
                                   const OutFilter& filter = {});

// DVC's Stage.changed(): changed command, else deps (never for frozen; always for callback or
// always_changed stages), else outs.
bool stage_changed(const Stage& stage, const StageStatus& status);

}  // namespace cairn::pipeline
