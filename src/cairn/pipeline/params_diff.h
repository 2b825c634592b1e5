// params_diff: `params diff [A_REV] [B_REV]` — the changed params between two revisions, as
// DVC 3.67.1 computes them (dvc/repo/params/diff.py; revision rules in rev_diff.h, loading in
// rev_data.h, comparison in value_diff.h).
//
// Params files of a revision: every stage's params deps, the top-level `params:` files and
// `params.yaml` at the root (params_metrics_files.h); `targets` replaces them with those
// files, tracked whole. Targets are relative to the repository root (as DVC's
// dvcfs.from_os_path treats relative paths), or absolute.
// ParamsScope::stage_deps (`--deps`) keeps only the stages' params deps; with targets it changes
// nothing (as in DVC). Not covered: params only used through `${...}` from dvc.yaml `vars`
// files (DVC's tracked vars).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/pipeline/rev_diff.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

struct ParamsDiffOptions {
  std::string a_rev = "HEAD";
  std::string b_rev = "workspace";
  std::optional<std::vector<std::string>> targets;
  Unchanged unchanged = Unchanged::hide;
  ParamsScope scope = ParamsScope::all;
};

Expected<RevDiff> params_diff(repo::Repository& repo, const ParamsDiffOptions& options);

}  // namespace cairn::pipeline
