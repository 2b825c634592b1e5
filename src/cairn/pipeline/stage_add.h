// `stage add`: create or overwrite one stage in the dvc.yaml of the cwd (DVC's
// `dvc stage add`, dvc/repo/stage.py StageLoad.add + dvc/stage/serialize.py to_pipeline_file).
//
// Checks, in DVC's order and words: a command and a valid name ("Stage name cannot contain
// punctuation characters."), the working directory ("stage working dir '<abs>' does not exist"
// / "is not directory" / "is outside of DVC repo"), no cached output outside the repository,
// no path both dep and out ("'<abs>' is specified as an output and as a dependency."), no path
// given twice ("file '<abs>' is specified more than once."), no existing stage of that name
// without force ("Stage 'x' already exists in 'dvc.yaml'. Use '--force' to overwrite."), and
// the repository graph with the new stage (graph.h: duplicate/overlapping outputs, cycles).
// Nothing is written unless every check passes.
//
// Writing: the entry is serialized like DVC (`desc, cmd, wdir, deps, params, outs, metrics,
// plots, frozen, always_changed, meta`; deps sorted; outs/metrics/plots sorted by path with
// flags `{path: {cache: false, persist: true, ...}}`; params: params.yaml keys sorted as bare
// strings, then `{file: [sorted keys] | null}` per file, files sorted). A new stage is appended
// to `stages`; an existing one (with force) is updated in place with DVC's apply_diff, keeping
// the old stage's desc, meta and output annotations (DVC's restore_fields). The rest of an
// existing dvc.yaml is kept byte for byte (a text splice, yaml_splice.h; DVC re-emits the whole
// file through ruamel, which is identical for files in ruamel's own layout). `.gitignore` gets
// `/<name>` for every cached output. dvc.lock is not touched.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/pipeline/stage.h"
#include "cairn/repo/add.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

struct StageAddOptions {
  std::string name;
  std::vector<std::string> command;  // the words after the options
  std::vector<std::string> deps;
  std::vector<std::string> params;   // -p values: "k1,k2", "file.yaml:k1", "file.yaml:"
  std::vector<std::string> outs, outs_no_cache, outs_persist, outs_persist_no_cache;
  std::vector<std::string> metrics, metrics_no_cache, plots, plots_no_cache;
  std::optional<std::string> wdir;
  bool always_changed = false;
  std::optional<std::string> desc;
  repo::Force force = repo::Force::no;
};

struct StageAddResult {
  std::string address;      // the stage as DVC names it
  std::string dvc_yaml;     // relative to the cwd
  std::vector<std::string> files_to_track;  // relative to the cwd, sorted (empty with autostage)
};

Expected<StageAddResult> stage_add(repo::Repository& repo, const StageAddOptions& options);

// DVC's parse_cmd: words joined by spaces; with 2+ words, "" for an empty word and "…" around
// a word with a space and no double quote.
std::string join_command(const std::vector<std::string>& words);

// The dvc.yaml entry of a stage (to_pipeline_file).
yaml::Node to_pipeline_entry(const Stage& stage);

}  // namespace cairn::pipeline
