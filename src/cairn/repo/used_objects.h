// Used objects: the outputs whose objects a push, fetch, pull or `status -c` moves or compares
// (DVC's index.used_objs / _collect_indexes for the workspace), with the remote each is bound
// to. Step one of every transfer: collect the outputs; later steps (transfer_plan.h) expand
// directories into their files.
//
// Sources: `.dvc` files, plus an optional OutputSource for outputs this layer cannot read
// (dvc.yaml / dvc.lock stage outputs live in the pipeline layer, above this one): it gets the
// targets first, returns the outputs of those it recognises (stage names, dvc.yaml paths,
// stage outputs) and which targets it claimed; the other targets are resolved as `.dvc` files
// or their outputs. With no targets both sources return everything. Nothing downstream of
// this step changes with the source.
//
// Rules (dvc/repo/fetch.py outs_filter, dvc/output.py get_used_objs, dvc/repo/status.py):
// - only outputs with `cache: true` and a recorded hash; an output with no hash is skipped;
// - Purpose::push also skips outputs with `push: false`;
// - an output's `remote:` field binds it to that remote; with an explicit `-r NAME`, outputs
//   bound to another remote are skipped (push, fetch, pull);
// - Purpose::status (DVC's `status -c`) skips outputs with a `remote:` field altogether and
//   outputs with `push: false`, as DVC does.
// Order: `.dvc` files sorted by path, outputs in file order (the order names are assigned in).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cairn/object/hash_info.h"
#include "cairn/repo/dvc_file.h"
#include "cairn/repo/repository.h"

namespace cairn::repo {

enum class Purpose { push, fetch, status };

struct UsedOutput {
  std::string name;    // as DVC names it (str(out)): the path relative to the cwd
  std::string remote;  // the output's `remote:` field, "" when it has none
  object::ObjectId id; // the recorded object: a file or a `.dir` manifest
  bool push = true;    // false for `push: false`
};

struct SourcedOutputs {
  std::vector<UsedOutput> outputs;           // cached outputs with a recorded hash
  std::vector<std::string> claimed_targets;  // the targets these came from
};
using OutputSource = std::function<Expected<SourcedOutputs>(Repository& repo, const std::vector<std::string>& targets)>;

// `targets`: outputs or `.dvc` files as typed by the user (relative to the cwd); empty: all.
// `cli_remote`: the `-r` name ("" when not given). `extra`: see the file comment (may be empty).
Expected<std::vector<UsedOutput>> collect_used_outputs(Repository& repo, const std::vector<std::string>& targets,
                                                       Purpose purpose, const std::string& cli_remote,
                                                       const OutputSource& extra = {});

// The partial imports (import_url.h is_partial_import: made with --no-download) among the
// `.dvc` files in scope: all of them with no targets, else those the targets name. Targets
// that are no `.dvc` file or output of one are ignored here (collect_used_outputs reports
// them). fetch and pull take these from their source, as DVC 3.67 does (repo/index.py
// _load_storage_from_import).
Expected<std::vector<DvcFile>> collect_partial_imports(Repository& repo, const std::vector<std::string>& targets);

}  // namespace cairn::repo
