// Stage: one node of the pipeline graph — a resolved `dvc.yaml` stage (foreach/matrix already
// expanded, `${}` already interpolated) or a `.dvc` file (DVC treats both as stages).
//
// Paths: every dep/out keeps `def_path` exactly as written (relative to the stage's wdir; this
// is what dvc.yaml and dvc.lock record and what lock entries are matched by) and `path`, the
// normalized path relative to the repository root (what the graph, hashing and overlap checks
// use). Outputs keep DVC's order: `outs`, then `metrics`, then `plots`, each in file order
// (duplicates within one section merged, as DVC's _merge_data).
// Params deps are grouped per file like DVC's loads_params: keys of `params.yaml` (relative to
// wdir) first, then other files in first-mention order; a file listed with no keys (`null` or
// `[]`) tracks the whole file (empty `keys`, `whole_file`).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/repo/dvc_file.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

enum class StageKind { pipeline, dvc_file };
enum class OutKind { out, metric, plot };

struct StageDep {
  std::string def_path;  // as written
  std::string path;      // normalized, relative to the repository root (may start with "../")
};

struct ParamsDep {
  std::string def_path;  // "params.yaml" or as written
  std::string path;      // relative to the repository root
  std::vector<std::string> keys;  // in the order given (duplicates kept, like DVC)
  bool whole_file() const { return keys.empty(); }
};

struct StageOut {
  std::string def_path;
  std::string path;
  OutKind kind = OutKind::out;
  bool cache = true;
  bool persist = false;
  bool push = true;
  std::optional<std::string> remote;
  yaml::Node annotations = yaml::Node::map();  // desc, type, labels, meta as written
  yaml::Node plot_props = yaml::Node::map();   // plots only: x, y, template, ... as written
};

struct Stage {
  StageKind kind = StageKind::pipeline;
  std::string name;      // pipeline stages: "train", "train@0", "train@cnn-1"; empty for .dvc files
  std::string file;      // repository-relative path of the dvc.yaml or .dvc file
  std::string wdir;      // repository-relative working directory ("" = root)
  yaml::Node cmd;        // string or sequence of strings; null for .dvc files
  std::vector<StageDep> deps;
  std::vector<ParamsDep> params;
  std::vector<StageOut> outs;
  bool frozen = false;
  bool always_changed = false;
  std::optional<std::string> desc;
  yaml::Node meta;                          // null when absent
  std::optional<std::string> generated_from;  // foreach/matrix group name
  bool parametrized = false;                // the resolved definition differs from the raw one
  std::shared_ptr<const repo::DvcFile> dvc_file;  // .dvc files: the loaded file

  bool is_callback() const { return !cmd.is_null() && deps.empty() && params.empty() && outs.empty(); }
  // The directory the dvc.yaml/.dvc file is in (repository-relative, "" = root).
  std::string file_dir() const;
};

// How DVC addresses a stage for a user in `cwd_rel` (the cwd relative to the root, "" = root):
// `name` for the dvc.yaml in the cwd, else "<relpath to dvc.yaml>:name"; a .dvc file's relpath.
std::string stage_address(const Stage& stage, const std::string& cwd_rel);

// Path of a repository-relative path as DVC prints it from `cwd_rel`.
std::string rel_from(const std::string& repo_rel, const std::string& cwd_rel);

}  // namespace cairn::pipeline
