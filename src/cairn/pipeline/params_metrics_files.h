// params_metrics_files: which files of one revision DVC treats as params files and metrics
// files (dvc/repo/params/show.py `_collect_params`, dvc/repo/metrics/show.py
// `_collect_metrics`), read from the revision's dvc.yaml files.
//
// Every dvc.yaml under `root` is loaded through `env` (the workspace or a GitTreeEnv) with the
// pipeline model (dvc_yaml.h: schema, `vars`/params.yaml interpolation, foreach/matrix), walking
// top-down with files before subdirectories, names sorted, skipping `.git`, `.dvc`, nested
// repositories and what `.dvcignore` ignores. In file order:
//  - params: each stage's params deps (a file listed without keys is tracked whole), then the
//    top-level `params:` files (relative to the dvc.yaml directory) as whole files; finally
//    `params.yaml` at the root, whole, if it exists. Entries for the same file are merged in
//    first-mention order: a file listed anywhere without keys is tracked whole (DVC's
//    _merge_params).
//  - metrics: each stage's `metrics` outputs, then the top-level `metrics:` entries;
//    duplicates removed, first mention kept.
//  - cached: each stage's cached file outputs with the hash its dvc.lock entry records.
// Paths are normalized and relative to `root`; `cwd` (absolute) is what messages are relative
// to. Errors: the first dvc.yaml that does not load (as load_pipeline_file reports it), I/O.
#pragma once

#include <string>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/object/hash_info.h"
#include "cairn/util/error.h"

namespace cairn::pipeline {

struct ParamsFileKeys {
  std::string path;               // relative to the root
  std::vector<std::string> keys;  // dotted keys, first mention first; empty = the whole file
};

// A cached stage output recorded in a dvc.lock: DVC reads such a file from the cache when the
// revision's tree (or the workspace) does not have it.
struct CachedOutput {
  std::string path;  // relative to the root
  object::ObjectId id;
};

struct ParamsMetricsFiles {
  std::vector<ParamsFileKeys> params;
  std::vector<ParamsFileKeys> stage_params;  // the stages' params deps only (`params diff --deps`)
  std::vector<std::string> metrics;
  std::vector<CachedOutput> cached;  // every cached file output with a recorded hash
};

Expected<ParamsMetricsFiles> collect_params_metrics_files(env::Env* env, const std::string& root,
                                                          const std::string& cwd);

}  // namespace cairn::pipeline
