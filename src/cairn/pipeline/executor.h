// Executor: runs a stage's command (DESIGN.md §3 pipeline). The repro driver decides *whether*
// a stage runs and records its results; an Executor only runs the command.
//
// run(): the command is a string (each line is one command, DVC's splitlines) or a list (each
// item in turn); before each one "> <cmd>" is printed through the sink; the first one that
// exits non-zero stops the stage with DVC's message "failed to run: <cmd>, exited with <N>".
// cancel() (thread-safe) stops running commands (SIGTERM to the child) and makes later run()
// calls fail at once with "interrupted".
//
// LocalExecutor runs each command as `$SHELL -c <cmd>` (fallback /bin/sh; bash gets
// `--noprofile --norc`, zsh `--no-rcs`, as DVC's _make_cmd) in the stage's wdir, with
// DVC_ROOT (the repository root, unless already set) and DVC_STAGE (the stage's address) in
// its environment, through Env::spawn so faults can be injected. Output::inherit: the child
// writes straight to this process's stdout/stderr (as DVC); Output::lines: output is read
// through pipes and written to the sink line by line (parallel runs).
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/pipeline/output_sink.h"
#include "cairn/pipeline/stage.h"

namespace cairn::pipeline {

struct ExecRequest {
  const Stage* stage = nullptr;
  std::string address;   // DVC_STAGE
  std::string root_abs;  // DVC_ROOT
};

// The commands of a stage as DVC runs them (string: its lines; list: its items).
std::vector<std::string> stage_commands(const Stage& stage);

class Executor {
 public:
  virtual ~Executor() = default;
  virtual Status run(const ExecRequest& request) = 0;
  virtual void cancel() = 0;
};

enum class ChildIo { inherit, lines };

class LocalExecutor : public Executor {
 public:
  LocalExecutor(env::Env* env, OutputSink& sink, ChildIo io) : m_env(env), m_sink(sink), m_io(io) {}
  Status run(const ExecRequest& request) override;
  void cancel() override;

 private:
  Expected<int> run_one(const ExecRequest& request, const std::string& cmd);

  env::Env* m_env;
  OutputSink& m_sink;
  ChildIo m_io;
  std::mutex m_mu;
  bool m_cancelled = false;
  std::set<env::Process*> m_running;
};

}  // namespace cairn::pipeline
