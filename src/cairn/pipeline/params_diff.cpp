#include "cairn/pipeline/params_diff.h"

#include "cairn/util/path.h"

namespace cairn::pipeline {

Expected<RevDiff> params_diff(repo::Repository& repo, const ParamsDiffOptions& options) {
  std::optional<std::vector<std::string>> targets;
  if (options.targets) {
    targets.emplace();
    for (const auto& t : *options.targets)
      targets->push_back(t.starts_with('/') ? path::relative(path::normalize(t), repo.root()) : t);
  }
  std::string cwd = repo.cwd();
  return diff_revs(repo, "params", options.a_rev, options.b_rev, options.unchanged,
                   [&](const RevView& view) { return load_params(view, targets, cwd, options.scope); });
}

}  // namespace cairn::pipeline
