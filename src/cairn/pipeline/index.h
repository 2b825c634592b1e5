// Index: every stage of a repository — the stages of each `dvc.yaml` and each `.dvc` file —
// in collection order (DVC's Index.stages / collect_files).
//
// The workspace is walked top-down from the root: in each directory its dvc.yaml and `*.dvc`
// files are loaded (sorted by name; DVC uses readdir order, which is unspecified), then its
// subdirectories (sorted) unless a subdirectory is an output of a stage loaded so far, a nested
// DVC repository, `.git`/`.dvc`, or ignored by `.dvcignore`. Loading one bad file fails the whole
// collection with that file's error, as DVC's status/repro/dag do. Each dvc.yaml's `dvc.lock`
// is loaded with it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cairn/pipeline/dvc_yaml.h"
#include "cairn/pipeline/lock_file.h"
#include "cairn/pipeline/stage.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

struct Index {
  std::vector<Stage> stages;                          // collection order
  std::vector<std::shared_ptr<PipelineFile>> files;   // loaded dvc.yaml files
  std::vector<std::shared_ptr<LockFile>> locks;       // their dvc.lock (parallel to `files`)
  std::vector<std::string> warnings;

  // The lock entry recorded for a pipeline stage (nullptr when none).
  const LockEntry* lock_entry(const Stage& stage) const;
  const LockFile* lock_for(const std::string& dvc_yaml_relpath) const;
};

// Options for loading pipeline files of this repository (parsing config from the repo config).
LoadOptions load_options(repo::Repository& repo);

Expected<Index> collect_index(repo::Repository& repo);

// Loads one dvc.yaml (absolute path) and its lock into `index` (used by targets and stage add).
Status add_pipeline_file(repo::Repository& repo, Index& index, const std::string& abs_path);

// A Stage for a loaded `.dvc` file.
Stage stage_from_dvc_file(const std::string& root, std::shared_ptr<const repo::DvcFile> file);

}  // namespace cairn::pipeline
