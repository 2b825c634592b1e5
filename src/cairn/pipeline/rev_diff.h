// rev_diff: comparing what a loader reads at two revisions, with DVC's revision handling
// (dvc/repo/metrics/diff.py and params/diff.py over repo.brancher).
//
//  - Without git (or with core.no_scm) it is an error ("Only supported for Git
//    repositories. ..."); a git repository without commits compares nothing (empty result).
//  - "workspace" is the working tree, anything else a git revision (unknown ones are
//    not_found "unknown Git revision 'x'"); "workspace" given for both is such an error too,
//    as DVC removes only one of them from the revisions it resolves.
//  - Two different names for the same commit (`HEAD` and `main`) make DVC file the commit
//    under "HEAD,main", so neither name finds data and the result is empty; the same name
//    twice compares the commit with itself.
//  - The workspace is always read first (as DVC's brancher does), then each commit once; a
//    revision that fails as a whole adds a warning, even the workspace when not compared.
//  - `errored` names a_rev and/or b_rev (once each) when something failed to load there.
// Paths in the result are relative to the repository's cwd.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cairn/pipeline/rev_data.h"
#include "cairn/pipeline/value_diff.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

struct RevDiff {
  std::vector<FileDiff> diff;
  std::vector<std::string> errored;
  std::vector<std::string> warnings;  // "failed to load metrics in revision 'HEAD', ..." per failed revision
};

using RevLoader = std::function<RevData(const RevView&)>;

// `what` ("metrics" or "params") names the data in warnings.
Expected<RevDiff> diff_revs(repo::Repository& repo, const std::string& what, const std::string& a_rev,
                            const std::string& b_rev, Unchanged unchanged, const RevLoader& load);

// DVC's warning for a revision that failed as a whole (its dvc.yaml files did not load):
// "failed to load metrics in revision 'HEAD', unable to read: 'dvc.yaml', ...".
std::string revision_warning(const std::string& what, const std::string& rev, const LoadError& error);

// DVC's stderr line for revisions that failed to load something (it says "metrics" for params
// too): "DVC failed to load some metrics for following revisions: 'HEAD, workspace'."
std::string errored_message(const std::vector<std::string>& revs);

// A repository-relative path as DVC prints it from the cwd ("../m.json" from a subdirectory).
std::string path_from_cwd(const repo::Repository& repo, const std::string& rel);

}  // namespace cairn::pipeline
