// DvcFile: a `<name>.dvc` pointer file (docs/format/repository.md §dvcfile).
//
// load() parses and validates it (one error naming file and line for malformed YAML, a wrong
// type or an unknown key); save() writes it atomically with DVC's bytes. When the file
// already exists its parsed YAML is updated with DVC's apply_diff rule (existing key order
// kept, changed values replaced in place, new keys appended, removed keys dropped), the stage
// keys DVC keeps (desc, meta, cmd, wdir, frozen, always_changed) stay, comments and blank lines
// stay where they were (yaml_comments.h), and nothing is written when the bytes would not
// change.
#pragma once

#include <string>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/repo/output_entry.h"
#include "cairn/util/yaml_node.h"

namespace cairn::repo {

struct DvcFile {
  std::string path;        // absolute path of the .dvc file
  std::string relpath;     // relative to the repository root (for messages and status keys)
  std::vector<OutputEntry> outs;
  std::vector<OutputEntry> deps;  // imports only
  yaml::Node original;     // parsed document (null when the file is new)
  bool frozen = false;
  std::string wdir = ".";

  // Directory the entries' paths are relative to (absolute).
  std::string base_dir() const;
  bool is_import() const { return !deps.empty(); }
};

Expected<DvcFile> load_dvc_file(env::Env* env, const std::string& abs_path, const std::string& relpath);

enum class Written { no, yes };
// Writes `file` (outs, and for imports the keys it was read with). Returns whether bytes changed.
Expected<Written> save_dvc_file(env::Env* env, const DvcFile& file);

// DVC's apply_diff(src, dest): updates dest in place to equal src, keeping dest's order.
void apply_diff(const yaml::Node& src, yaml::Node& dest);

}  // namespace cairn::repo
