// gc / remove / ls: cache garbage collection over the workspace scope, untracking an output,
// and listing tracked outputs.
//
// gc (workspace scope, `dvc gc -w`): the used set is every object named by the `.dvc` files of
// the workspace plus every file of their `.dir` manifests; every other object in the cache
// (both layouts) is deleted, `.dir` objects first, then files. A `.dir` that cannot be read
// keeps nothing alive but is itself kept if used. DryRun::yes only reports.
#pragma once

#include <string>
#include <vector>

#include "cairn/repo/repository.h"

namespace cairn::repo {

enum class DryRun { no, yes };

struct GcResult {
  std::vector<std::string> removed;  // object ids
  std::vector<object::ObjectId> removed_ids;
  std::size_t kept = 0;
};

Expected<GcResult> gc_workspace(Repository& repo, DryRun dry);

enum class Outs { keep, remove };
// Removes a `.dvc` file and its `.gitignore` lines; Outs::remove also deletes the outputs.
Status remove_tracked(Repository& repo, const std::string& target, Outs outs);

struct TrackedOutput {
  std::string path;      // relative to cwd
  std::string dvc_file;  // relative to cwd
  std::string md5;       // recorded id ("" if none)
  std::uint64_t size = 0;
  std::uint64_t nfiles = 0;
  bool is_dir = false;
};

Expected<std::vector<TrackedOutput>> list_tracked(Repository& repo);

}  // namespace cairn::repo
