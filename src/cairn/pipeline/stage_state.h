// The state of a pipeline stage as dvc.lock records it, and writing it (the API `repro` uses
// after running a stage).
//
// compute_stage_state() hashes the stage's deps and outs in the workspace (through the stat
// cache) and reads its params, producing the LockEntry DVC would write: `cmd` as in dvc.yaml,
// deps/outs with `hash: md5`, md5, size (+ nfiles for directories, isexec for executable
// files) and params values (the listed keys, or every top-level key of a whole-file dep).
// With `outs_insert == Insert::yes` every cached output (`cache: true`) is also stored in the
// cache while it is hashed (commit); `cache: false` outputs are only hashed.
// Errors in DVC's words: "dependency 'x' does not exist", "output 'x' does not exist",
// "Parameters 'a, b' are missing from 'params.yaml'." (paths relative to the cwd).
//
// write_lock_entry() replaces the stage's entry in its dvc.lock (created with `schema: '2.0'`
// when missing) atomically, keeping the other stages' text; it returns whether the file
// changed.
#pragma once

#include "cairn/pipeline/lock_file.h"
#include "cairn/pipeline/stage.h"
#include "cairn/pipeline/workspace_state.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

Expected<LockEntry> compute_stage_state(repo::Repository& repo, const Stage& stage,
                                        repo::Insert outs_insert = repo::Insert::no, std::size_t jobs = 0);
// Same, sharing hashes with other calls of one command.
Expected<LockEntry> compute_stage_state(WorkspaceState& ws, const Stage& stage, repo::Insert outs_insert);

Expected<repo::Written> write_lock_entry(repo::Repository& repo, const Stage& stage, const LockEntry& entry);

// The OutputEntry (lock form) of a computed workspace state.
repo::OutputEntry lock_item(const std::string& def_path, const repo::OutputState& state);

}  // namespace cairn::pipeline
