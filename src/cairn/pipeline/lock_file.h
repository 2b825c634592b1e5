// dvc.lock: the recorded state of each pipeline stage's last run (dvc-format.md §5.4).
//
// load_lock_file() reads and validates a lock file (schema '2.0'; a missing file is an empty
// LockFile). LockEntry holds one stage's entry: `cmd` as written, `deps` and `outs` (metrics and
// plots included) as OutputEntry, and `params` per file (file -> {key: value}, values kept as
// parsed so they compare and re-emit exactly).
//
// dump_lock_entry() builds the entry as DVC writes it: keys `cmd, deps, params, outs` (empty
// ones omitted), deps and outs sorted by path with item keys `path, hash, md5, size, nfiles,
// isexec` (`hash: md5` omitted for legacy entries), params with `params.yaml` first, then the
// other files alphabetically, keys sorted within each file.
// write_lock_entries() replaces (or appends) the given stages' entries and writes the file
// atomically: a new file starts with `schema: '2.0'`; in an existing file the other stages'
// text is kept byte for byte (yaml_splice.h). Nothing is written when the bytes would not
// change.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/repo/dvc_file.h"
#include "cairn/repo/output_entry.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

struct LockEntry {
  yaml::Node cmd;
  std::vector<repo::OutputEntry> deps;
  std::vector<std::pair<std::string, yaml::Node>> params;  // file -> mapping of key -> value
  std::vector<repo::OutputEntry> outs;

  const repo::OutputEntry* find_dep(std::string_view def_path) const;
  const repo::OutputEntry* find_out(std::string_view def_path) const;
  const yaml::Node* find_params(std::string_view file) const;
};

struct LockFile {
  std::string path;  // absolute
  bool exists = false;
  std::vector<std::pair<std::string, LockEntry>> stages;

  const LockEntry* find(std::string_view name) const;
};

// `shown` names the file in messages (relative to the cwd).
Expected<LockFile> load_lock_file(env::Env* env, const std::string& abs_path, const std::string& shown);

// Reads one entry (as parsed from a lock file); `where` prefixes messages.
Expected<LockEntry> parse_lock_entry(const yaml::Node& node, const std::string& where);

yaml::Node dump_lock_entry(const LockEntry& entry);
// One dep/out item in lock-file key order.
yaml::Node dump_lock_item(const repo::OutputEntry& item);

Expected<repo::Written> write_lock_entries(env::Env* env, const std::string& abs_path,
                                           const std::vector<std::pair<std::string, LockEntry>>& entries);

}  // namespace cairn::pipeline
