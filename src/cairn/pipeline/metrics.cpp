#include "cairn/pipeline/metrics.h"

#include <algorithm>

#include "cairn/pipeline/py_value.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {
namespace {

// Metrics targets are paths as the user typed them, relative to the cwd.
std::optional<std::vector<std::string>> root_relative(
    const repo::Repository& repo, const std::optional<std::vector<std::string>>& targets) {
  if (!targets) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& t : *targets) out.push_back(path::relative(path::absolute(t, repo.cwd()), repo.root()));
  return out;
}

// Python `==` of two revisions' results; errors never compare equal (exceptions compare by
// identity).
bool same_result(const RevData& a, const RevData& b) {
  if (a.has_errors() || b.has_errors() || a.files.size() != b.files.size()) return false;
  for (const auto& fa : a.files) {
    auto it =
        std::find_if(b.files.begin(), b.files.end(), [&](const FileData& fb) { return fb.path == fa.path; });
    if (it == b.files.end() || !fa.data || !it->data || !py_equal(*fa.data, *it->data)) return false;
  }
  return true;
}

void relativize(const repo::Repository& repo, RevData& data) {
  for (auto& f : data.files) f.path = path_from_cwd(repo, f.path);
}

}  // namespace

Expected<MetricsShow> metrics_show(repo::Repository& repo, const MetricsShowOptions& options) {
  auto targets = root_relative(repo, options.targets);
  std::string cwd = repo.cwd();
  Revisions revisions(repo);
  MetricsShow out;
  ASSIGN_OR_RETURN(auto ws, revisions.view("workspace"));
  bool all = options.all_branches == AllBranches::yes || options.all_tags == AllTags::yes;
  out.revs.emplace_back(all ? "workspace" : "", load_metrics(ws, targets, cwd));
  if (all) {
    // Branches, then tags; a commit with several names is read once, under all of them.
    std::vector<std::string> names;
    if (options.all_branches == AllBranches::yes) {
      ASSIGN_OR_RETURN(auto branches, revisions.branches());
      names.insert(names.end(), branches.begin(), branches.end());
    }
    if (options.all_tags == AllTags::yes) {
      ASSIGN_OR_RETURN(auto tags, revisions.tags());
      names.insert(names.end(), tags.begin(), tags.end());
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // commit -> names
    for (const auto& name : names) {
      ASSIGN_OR_RETURN(auto commit, revisions.resolve(name));
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == *commit; });
      if (it == groups.end())
        groups.push_back({*commit, {name}});
      else if (std::find(it->second.begin(), it->second.end(), name) == it->second.end())
        it->second.push_back(name);
    }
    for (const auto& [commit, group] : groups) {
      std::string key;
      for (const auto& n : group) key += (key.empty() ? "" : ",") + n;
      ASSIGN_OR_RETURN(auto view, revisions.view(commit));
      out.revs.emplace_back(key, load_metrics(view, targets, cwd));
    }
    if (auto branch = revisions.current_branch(); branch && *branch) {
      auto it = std::find_if(out.revs.begin() + 1, out.revs.end(),
                             [&](const auto& r) { return r.first == **branch; });
      if (it != out.revs.end() && same_result(out.revs.front().second, it->second))
        out.revs.erase(out.revs.begin());
    }
  }
  for (auto& [rev, data] : out.revs) {
    relativize(repo, data);
    if (data.error) out.warnings.push_back(revision_warning("metrics", rev, *data.error));
    if (data.has_errors()) out.errored.push_back(rev);
  }
  return out;
}

Expected<RevDiff> metrics_diff(repo::Repository& repo, const MetricsDiffOptions& options) {
  auto targets = root_relative(repo, options.targets);
  std::string cwd = repo.cwd();
  return diff_revs(repo, "metrics", options.a_rev, options.b_rev, options.unchanged,
                   [&](const RevView& view) { return load_metrics(view, targets, cwd); });
}

}  // namespace cairn::pipeline
