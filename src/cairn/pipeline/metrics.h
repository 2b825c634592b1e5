// metrics: `metrics show` and `metrics diff` as DVC 3.67.1 computes them
// (dvc/repo/metrics/show.py and diff.py; loading in rev_data.h, comparison in value_diff.h,
// revision rules in rev_diff.h).
//
// Metrics files of a revision: every stage's `metrics` outputs and the top-level `metrics:`
// entries of its dvc.yaml files (directories expanded to their files); `targets` replace
// them. Targets are paths relative to the cwd (or absolute), as DVC resolves them for metrics.
//
// metrics_show: without all_branches/all_tags one revision named "" — the workspace. With
// them: "workspace", then every local branch (sorted) and/or tag (sorted), commits reached by
// several names listed once under the names joined with ","; the workspace entry is dropped
// when it equals the current branch's (DVC's _hide_workspace). File paths in the result are
// relative to the cwd; `errored` lists the revisions where something failed to load.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cairn/pipeline/rev_data.h"
#include "cairn/pipeline/rev_diff.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

enum class AllBranches { no, yes };
enum class AllTags { no, yes };

struct MetricsShowOptions {
  std::optional<std::vector<std::string>> targets;
  AllBranches all_branches = AllBranches::no;
  AllTags all_tags = AllTags::no;
};

struct MetricsShow {
  std::vector<std::pair<std::string, RevData>> revs;  // display order
  std::vector<std::string> errored;
  std::vector<std::string> warnings;  // revisions that failed as a whole (rev_diff.h revision_warning)
};

Expected<MetricsShow> metrics_show(repo::Repository& repo, const MetricsShowOptions& options);

struct MetricsDiffOptions {
  std::string a_rev = "HEAD";
  std::string b_rev = "workspace";
  std::optional<std::vector<std::string>> targets;
  Unchanged unchanged = Unchanged::hide;
};

Expected<RevDiff> metrics_diff(repo::Repository& repo, const MetricsDiffOptions& options);

}  // namespace cairn::pipeline
