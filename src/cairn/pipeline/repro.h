// `repro`: bring pipeline stages up to date — DVC's `dvc repro` (dvc/repo/reproduce.py,
// dvc/stage/__init__.py Stage.reproduce/run, dvc/stage/run.py) without the run-cache.
//
// Plan: targets as DVC's collect (default: the cwd's `dvc.yaml`); unless `single_item`, the
// stages they depend on are added (with `downstream`, the stages depending on them instead)
// and the plan is DVC's dfs postorder over that subgraph of the graph in which frozen stages
// are cut from their dependencies. Graph problems (cycles, duplicate or overlapping outputs,
// bad dvc.yaml) are the one error and nothing runs.
//
// Per stage (in plan order, or concurrently with jobs > 1 — scheduler.h; two stages whose
// paths overlap never run at once): unless `force`, a stage whose stage_status shows no change
// prints "Stage 'x' didn't change, skipping". Otherwise its deps must exist, "Running stage
// 'x':" is printed, its non-persist outputs are removed, the Executor runs the command; on
// success the stage's state is computed (outputs committed to the cache unless `no_commit`),
// cached outputs get `.gitignore` entries (git repositories) and the stage's dvc.lock entry
// is written at once, atomically ("Generating lock file" / "Updating lock file"). Lock-file
// writes and cache commits are serialised. A frozen stage that changed is verified (its
// outputs must exist) and recorded without running; a changed `.dvc` data source likewise.
// `dry`: prints what would run, changes nothing.
//
// Failure of a stage: its lock entry is not touched, its dependents never run; OnError::fail
// stops starting stages (running ones finish) and the error is "failed to reproduce 'x': <why>";
// OnError::keep_going warns "<why>" and "Stage(s) 'y' will be skipped due to this failure",
// runs what is independent, and the error is "failed to reproduce 'x'" (several: "failed to
// reproduce stages: 'a' and 'b'"). `.gitignore` entries added by a failed command are removed
// again (DVC's scm_context rollback).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/pipeline/executor.h"
#include "cairn/pipeline/output_sink.h"
#include "cairn/pipeline/scheduler.h"
#include "cairn/repo/add.h"
#include "cairn/repo/repository.h"

namespace cairn::pipeline {

enum class Dry { no, yes };
enum class Scope { with_upstream, single_item, downstream };

struct ReproOptions {
  std::vector<std::string> targets;  // relative to the cwd; empty: the cwd's dvc.yaml
  repo::Force force = repo::Force::no;
  Scope scope = Scope::with_upstream;
  Dry dry = Dry::no;
  OnError on_error = OnError::fail;
  repo::Commit commit = repo::Commit::yes;
  std::size_t jobs = 1;
};

struct ReproResult {
  std::vector<std::string> ran;        // stages run (or, with dry, that would run), by address
  std::vector<std::string> unchanged;  // stages skipped as unchanged
  std::vector<std::string> failed;
  std::vector<std::string> skipped;    // not run because a stage they depend on failed
  std::vector<std::string> files_to_track;  // dvc.lock / .gitignore files changed, relative to cwd
  std::optional<std::string> error;    // "failed to reproduce ..." (the command failed)
  bool interrupted = false;
};

// Runs the plan. Returns an error only when nothing could be planned; a failing stage is
// reported in ReproResult::error.
Expected<ReproResult> reproduce(repo::Repository& repo, const ReproOptions& options, Executor& executor,
                                OutputSink& sink);

// Whether two stages must not run at the same time: an output of one is, is inside, or
// contains a dep, params file or output of the other.
bool stages_conflict(const Stage& a, const Stage& b);

// Stops a running reproduce() (from a signal thread): no new stage starts, running commands
// get SIGTERM. Safe to call at any time; a no-op when nothing runs.
void cancel_reproduce();

}  // namespace cairn::pipeline
