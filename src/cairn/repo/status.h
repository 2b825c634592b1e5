// status: workspace versus recorded state of `.dvc`-tracked outputs, with DVC's states
// (`deleted`, `modified`, `new`, `not in cache`) and structure:
//   { "<file.dvc>": [ {"changed outs": {"<out>": "<state>"}} ] }
// Keys are paths relative to the cwd, files in sorted order. Unchanged files are absent.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cairn/repo/repository.h"

namespace cairn::repo {

struct OutStatus {
  std::string path;   // as DVC prints it (relative to cwd)
  std::string state;  // deleted | modified | new | not in cache
};

struct FileStatus {
  std::string dvc_file;  // relative to cwd
  std::vector<OutStatus> changed_deps;
  std::vector<OutStatus> changed_outs;
};

struct StatusResult {
  std::vector<FileStatus> changed;  // only files with changes
  std::size_t tracked_files = 0;    // how many .dvc files were looked at
};

Expected<StatusResult> status(Repository& repo, const std::vector<std::string>& targets, std::size_t jobs);

}  // namespace cairn::repo
