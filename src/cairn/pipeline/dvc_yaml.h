// dvc.yaml: loading, schema checking and resolving a pipeline file into stages (DVC's
// ProjectFile + DataResolver + StageLoader).
//
// load_pipeline_file() reads the file, parses it (file:line errors), validates it against
// DVC's schema (schema.h), builds the variable context (`params.yaml` beside it, then the
// top-level `vars`), expands `foreach`/`matrix` groups with DVC's names (`name@key`,
// `name@0`, `name@a-b`), interpolates every stage, and builds the Stage list in definition
// order. Any failure is one invalid_input (or not_found) error in DVC's words, naming the file
// and the stage key ("failed to parse 'stages.train.cmd' in 'dvc.yaml': Could not find
// 'lr'"); nothing is partially returned. Messages name files relative to the cwd, as DVC.
// Warnings DVC logs while resolving (an `item`/`key` var overwritten by foreach) are returned.
#pragma once

#include <string>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/pipeline/interpolate.h"
#include "cairn/pipeline/stage.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

// Where the repository is and how to read: all absolute paths.
struct LoadOptions {
  env::Env* env = nullptr;
  std::string root;
  std::string cwd;
  ParsingConfig parsing;
};

struct PipelineFile {
  std::string path;     // absolute path of dvc.yaml
  std::string relpath;  // relative to the repository root
  std::string text;     // raw bytes ("" when the file does not exist)
  yaml::Node raw;       // parsed document
  std::vector<Stage> stages;            // resolved, definition order, groups expanded
  std::vector<std::string> group_names;  // names of foreach/matrix definitions
  // Resolved top-level sections.
  std::vector<std::string> params;
  std::vector<std::string> metrics;
  yaml::Node plots = yaml::Node::seq();
  std::vector<std::string> warnings;

  const Stage* find(std::string_view name) const;
};

Expected<PipelineFile> load_pipeline_file(const LoadOptions& options, const std::string& abs_path);

// The dvc.lock path of a dvc.yaml path ("x/dvc.yaml" -> "x/dvc.lock").
std::string lock_path_for(const std::string& dvc_yaml_path);

// Builds a Stage from one resolved definition (for a stage named `name` in the dvc.yaml at
// `file` (repository-relative)). Exposed for stage add and tests.
Expected<Stage> stage_from_definition(const std::string& root, const std::string& file, const std::string& name,
                                      const yaml::Node& resolved);

}  // namespace cairn::pipeline
