// Output state: the current workspace content of a tracked output (file or directory) as an
// object id, computed through the stat cache — and optionally stored into the cache while
// computing it (add/commit). For directories the `.dir` manifest is stored after its files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/object/tree.h"
#include "cairn/repo/workspace_hasher.h"

namespace cairn::repo {

struct OutputState {
  bool exists = false;
  bool is_dir = false;
  object::ObjectId id;
  std::uint64_t size = 0;
  std::optional<std::uint64_t> nfiles;
  bool isexec = false;
  std::vector<WorkspaceFile> files;  // directories: the walked files with their md5
};

// Whether the caller needs the md5 of each file of a directory (OutputState::files[i].md5).
// FileHashes::not_needed lets an unchanged tree be answered from cache::TreeMemo (files then
// carry no md5).
enum class FileHashes { needed, not_needed };

Expected<OutputState> compute_output_state(Repository& repo, const std::string& abs_path, HashMode mode,
                                           Insert insert, std::size_t jobs,
                                           FileHashes file_hashes = FileHashes::needed);

// Whether every object of a recorded output is present and intact in the cache (DVC's
// changed_cache: the `.dir`, then each file; 0444 objects are trusted).
Expected<bool> output_in_cache(Repository& repo, const object::ObjectId& id);

// Records in the presence memo that every object of these `.dir` outputs is in the cache
// (called by add/commit right after storing them, under the repository lock). Best effort:
// waits out the memo's racy window once, records nothing on error.
void remember_in_cache(Repository& repo, const std::vector<object::ObjectId>& dir_ids);

// The jobs to use when the user gave none (-j 0).
std::size_t resolve_jobs(std::size_t jobs);

}  // namespace cairn::repo
