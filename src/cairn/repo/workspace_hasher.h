// Workspace walking and hashing: the hot path of add, status and commit.
//
// walk_dir() lists every regular file under a directory in parallel (symlinks to files are
// followed, as DVC does; `.dvcignore` rules and the built-in .git/.hg/.dvc ignores apply;
// nested DVC repositories are skipped). hash_files() fills each file's MD5, taking it from the
// stat cache when (dev, inode, size, mtime_ns) are unchanged and otherwise reading the file
// once — with Insert::yes the same read also stores the object in the cache (small files from
// memory, large ones by a verified copy). Work runs on `jobs` threads; a progress bar shows on
// a terminal. Counters record walked files, cache hits, hashed files and bytes.
#pragma once

#include <string>
#include <vector>

#include "cairn/object/tree.h"
#include "cairn/repo/repository.h"
#include "cairn/util/md5.h"

namespace cairn::repo {

struct WorkspaceFile {
  std::string relpath;  // relative to the walked directory, '/'-separated
  std::string abspath;
  env::FileStat st;
  std::string md5;
};

Expected<std::vector<WorkspaceFile>> walk_dir(Repository& repo, const std::string& dir_abs,
                                              std::size_t jobs);

enum class Insert { no, yes };

Status hash_files(Repository& repo, std::vector<WorkspaceFile>& files, HashMode mode, Insert insert,
                  std::size_t jobs, const std::string& label);

// Builds the manifest of a walked+hashed directory.
object::Tree tree_of(const std::vector<WorkspaceFile>& files);

}  // namespace cairn::repo
