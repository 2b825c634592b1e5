// Linker: materializes a cache object at a workspace path with the first link type of
// `cache.type` that works here, in DVC's order and fallback rules
// (docs/format/repository.md §links):
//   reflink  FICLONE clone, mode 0666 & ~umask
//   hardlink link(2) to the 0444 object; a 0-byte object is created as an empty file instead
//   symlink  absolute path of the cache object
//   copy     byte copy, mode 0666 & ~umask (executables get u+x only, as DVC: 0744)
// A type that fails once with an "unsupported" error is disabled for the rest of the run.
// The target is written under a temp name and renamed over the old path, so a reader never
// sees a half-written workspace file. Thread-safe.
#pragma once

#include <atomic>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <string>
#include <vector>

#include "cairn/env/env.h"

namespace cairn::cache {

enum class LinkType { reflink, hardlink, symlink, copy };

std::string_view link_type_name(LinkType t);
// Parses "reflink,copy" etc.; invalid_input on an unknown name.
Expected<std::vector<LinkType>> parse_link_types(std::string_view spec);

enum class Executable { no, yes };

class Linker {
 public:
  Linker(env::Env* env, std::vector<LinkType> types);

  // REQUIRES: cache_path is an absolute path of an existing object.
  Status link(const std::string& cache_path, const std::string& target, std::uint64_t size,
              Executable exec);
  // Writes an object's bytes (already read and verified by the caller) as a copy at target;
  // used instead of link() when the preferred type is copy, so the object is read once.
  Status write_copy(std::string_view data, const std::string& target, Executable exec);

  // True if `target` already is the right kind of link to cache_path for the preferred type
  // (same inode for hardlink, same destination for symlink).
  Expected<bool> is_linked(const std::string& cache_path, const std::string& target);
  // The first type still enabled.
  LinkType preferred() const;

 private:
  Status link_with(LinkType t, const std::string& cache_path, const std::string& tmp,
                   std::uint64_t size, Executable exec);

  Status ensure_dir(const std::string& dir);

  env::Env* m_env;
  std::vector<LinkType> m_types;
  std::mutex m_dirs_mu;
  std::unordered_set<std::string> m_dirs;  // directories known to exist
  std::atomic<bool> m_no_reflink{false};    // copy: reflink failed once, stop trying
  std::vector<std::atomic<bool>> m_disabled;
};

}  // namespace cairn::cache
