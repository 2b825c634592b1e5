// IgnoreRules: which workspace paths DVC ignores — `.dvcignore` files (gitignore syntax, as
// implemented by DVC 3.67.1's DvcIgnorePatterns on top of pathspec 1.1.1's
// GitIgnoreSpecPattern), DVC's built-in ignores (`.git`, and directories `.git/`, `.hg/`,
// `.dvc/`) and nested DVC repositories (a directory other than the root containing `.dvc`).
//
// Semantics reproduced from dvc/ignore.py:
//  - Each pattern becomes pathspec's regex, matched with Python's re.match against the path
//    relative to the repository root (and, for directories, also against "path/"). The last
//    matching pattern decides; patterns ending in "/" only apply to directories.
//  - A path is ignored if any ancestor directory is ignored (every prefix is checked as a
//    directory), so a negation cannot re-include files of an ignored directory.
//  - A `.dvcignore` in directory D applies to paths below D: its patterns are rewritten
//    relative to the root (dvc/pathspec_math.py change_rule, including its quirks) and
//    appended to the rules inherited from D's parent. A `.dvcignore` that is itself ignored is
//    not read. Lines are stripped; blank lines and lines starting with "#" are skipped.
//  - Patterns with an unterminated `[` are dropped (pathspec does); invalid patterns (e.g. a
//    trailing backslash) make loading fail with invalid_input "<file>:<line>: ...".
//
// Loading is lazy and thread-safe: is_ignored() reads (once per directory) the `.dvcignore`
// files and checks for nested repos on the way from the root to the queried path, under an
// internal lock; after a directory is loaded, queries below it take only a shared lock and
// run without allocation-heavy work. Errors met while loading lazily are remembered (the
// directory then counts as having no .dvcignore) and reported by status(); call load_dir()
// to get them directly. All methods may be called concurrently.
//
// Paths are '/'-separated and relative to the root, without "./" or trailing "/"; "" is the
// root directory itself (never ignored).
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/util/error.h"

namespace cairn::repo {

namespace ignore_detail {
struct Pattern;
struct PatternSet;
}  // namespace ignore_detail

class IgnoreRules {
 public:
  // Rules for the repository at absolute `root`; `.dvcignore` files are read through env
  // on demand. env may be nullptr: then only built-ins and add_patterns() apply.
  IgnoreRules(env::Env* env, std::string root);
  ~IgnoreRules();
  IgnoreRules(const IgnoreRules&) = delete;
  IgnoreRules& operator=(const IgnoreRules&) = delete;

  // True when DVC would skip this path while walking the workspace.
  bool is_ignored(std::string_view relpath, bool is_dir) const;

  // The rules for the files directly inside one directory, fetched once: for a file
  // `relpath` in `dir_relpath`, ignores(relpath) == is_ignored(relpath, false), without a lock
  // or a lookup per call (the walk's hot path). Directories still go through is_ignored().
  class FileMatcher {
   public:
    bool ignores(std::string_view relpath) const;

   private:
    friend class IgnoreRules;
    std::shared_ptr<const ignore_detail::PatternSet> m_set;
  };
  FileMatcher file_matcher(std::string_view dir_relpath) const;

  // Loads the `.dvcignore` files of dir_relpath and its ancestors now; returns any error.
  Status load_dir(std::string_view dir_relpath) const;

  // Adds patterns as if they were the lines of `<dir_relpath>/.dvcignore` (`source` names
  // it in errors). Marks that directory as loaded, so its real file is not read.
  Status add_patterns(std::string_view dir_relpath, const std::vector<std::string>& lines,
                      std::string_view source = ".dvcignore");

  // The first error met while loading lazily, if any.
  Status status() const;

  // Whether any `.dvcignore` pattern or nested repository is in effect.
  bool has_user_patterns() const;

 private:
  using SetPtr = std::shared_ptr<const ignore_detail::PatternSet>;
  // Requires m_mutex held (any mode).
  SetPtr set_for_dir_locked(std::string_view dir) const;
  bool all_loaded_locked(std::string_view relpath, bool is_dir) const;
  // Requires m_mutex held exclusively.
  Status visit_locked(const std::string& dir) const;
  Status merge_locked(const std::string& dir, const std::vector<std::string>& lines,
                      std::string_view source) const;
  Status check_subrepo_locked(const std::string& dir) const;

  env::Env* m_env;
  std::string m_root;
  mutable std::shared_mutex m_mutex;
  mutable std::unordered_map<std::string, SetPtr> m_sets;
  mutable std::unordered_set<std::string> m_visited;  // .dvcignore considered
  mutable std::unordered_set<std::string> m_subrepo_checked;
  mutable std::vector<Error> m_errors;
  mutable bool m_user_patterns = false;
};

}  // namespace cairn::repo
