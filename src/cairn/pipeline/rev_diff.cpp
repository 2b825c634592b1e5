#include "cairn/pipeline/rev_diff.h"

#include <optional>

#include "cairn/util/path.h"

namespace cairn::pipeline {

std::string path_from_cwd(const repo::Repository& repo, const std::string& rel) {
  return path::relative(path::normalize(repo.root() + "/" + rel), repo.cwd());
}

std::string errored_message(const std::vector<std::string>& revs) {
  std::string joined;
  for (const auto& r : revs) joined += (joined.empty() ? "" : ", ") + r;
  return "DVC failed to load some metrics for following revisions: '" + joined + "'.";
}

std::string revision_warning(const std::string& what, const std::string& rev, const LoadError& error) {
  return "failed to load " + what + " in revision '" + rev + "', " + error.msg;
}

Expected<RevDiff> diff_revs(repo::Repository& repo, const std::string& what, const std::string& a_rev,
                            const std::string& b_rev, Unchanged unchanged, const RevLoader& load) {
  Revisions revisions(repo);
  RevDiff out;
  if (repo.scm() == repo::Scm::none || !revisions.has_git())
    return make_error(
        ErrorCode::invalid_input,
        "Only supported for Git repositories. If you're seeing this error in a Git repo, try updating "
        "the DVC configuration with `cairn config core.no_scm false`.");
  if (!revisions.has_commits()) return out;
  if (a_rev == "workspace" && b_rev == "workspace")
    return make_error(ErrorCode::not_found, "unknown Git revision 'workspace'");
  // Resolve first (an unknown revision fails before anything is read).
  std::optional<std::string> a_commit, b_commit;
  ASSIGN_OR_RETURN(a_commit, revisions.resolve(a_rev));
  ASSIGN_OR_RETURN(b_commit, revisions.resolve(b_rev));
  bool aliased = a_commit && b_commit && *a_commit == *b_commit && a_rev != b_rev;

  // DVC's brancher reads the workspace first, always, then each commit once.
  auto load_rev = [&](const std::string& rev, const std::string& shown) -> Expected<RevData> {
    ASSIGN_OR_RETURN(auto view, revisions.view(rev));
    RevData data = load(view);
    if (data.error) out.warnings.push_back(revision_warning(what, shown, *data.error));
    return data;
  };
  ASSIGN_OR_RETURN(RevData workspace, load_rev("workspace", "workspace"));
  RevData old_data, new_data;
  if (aliased) {
    ASSIGN_OR_RETURN(RevData ignored, load_rev(a_rev, a_rev + "," + b_rev));
    (void)ignored;  // filed under "a,b": neither name finds it
  } else {
    if (a_commit) {
      ASSIGN_OR_RETURN(old_data, load_rev(a_rev, a_rev));
    } else {
      old_data = workspace;
    }
    if (b_rev == a_rev) {
      new_data = old_data;
    } else if (b_commit) {
      ASSIGN_OR_RETURN(new_data, load_rev(b_rev, b_rev));
    } else {
      new_data = workspace;
    }
  }
  if (old_data.has_errors()) out.errored.push_back(a_rev);
  if (new_data.has_errors() && b_rev != a_rev) out.errored.push_back(b_rev);
  out.diff = diff_revisions(old_data, new_data, unchanged);
  for (auto& f : out.diff) f.path = path_from_cwd(repo, f.path);
  return out;
}

}  // namespace cairn::pipeline
