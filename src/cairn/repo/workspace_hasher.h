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

// One walked file. Kept small (a million of them are held at once): no absolute path (see
// abspath_of) and a binary digest.
struct WorkspaceFile {
  std::string relpath;  // relative to the walked directory, '/'-separated; "" for a lone file
  env::FileStat st;
  Md5Digest md5;
  std::string md5_hex() const { return md5.hex(); }
};

// The absolute path of a walked file: `dir_abs/relpath` (or `dir_abs` for a lone file).
std::string abspath_of(const std::string& dir_abs, const WorkspaceFile& f);

// Every regular file under `dir_abs`, sorted by relpath (code-point order), with its stat.
Expected<std::vector<WorkspaceFile>> walk_dir(Repository& repo, const std::string& dir_abs,
                                              std::size_t jobs);

enum class Insert { no, yes };

// Fills md5 of each file under `dir_abs` (see the header comment).
Status hash_files(Repository& repo, const std::string& dir_abs, std::vector<WorkspaceFile>& files,
                  HashMode mode, Insert insert, std::size_t jobs, const std::string& label);

// A fingerprint of a walk (relpath, dev, inode, size, mtime_ns, execute bit of every file, and
// the hash mode) for cache::TreeMemo; `newest_mtime_ns` receives the newest file mtime.
Md5Digest walk_fingerprint(const std::vector<WorkspaceFile>& files, HashMode mode, std::int64_t& newest_mtime_ns);

// Builds the manifest of a walked+hashed directory.
object::Tree tree_of(const std::vector<WorkspaceFile>& files);
// The manifest's bytes (= tree_of(files).serialize()) and its md5, without building a Tree.
std::string manifest_bytes(const std::vector<WorkspaceFile>& files);
std::string manifest_md5(const std::vector<WorkspaceFile>& files);

}  // namespace cairn::repo
