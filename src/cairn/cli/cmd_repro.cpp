// `cairn repro`: reproduce pipeline stages, as `dvc repro` (dvc/commands/repro.py), plus -j for
// running independent stages concurrently. SIGINT/SIGTERM stop the children and exit 252
// ("interrupted by the user", as DVC's KeyboardInterrupt).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/pipeline/repro.h"

namespace cairn::cli {
namespace {

constexpr int k_exit_interrupted = 252;

// Receives SIGINT/SIGTERM on a dedicated thread while repro runs (the signals are blocked in
// every other thread; children get default dispositions back at spawn).
class SignalGuard {
 public:
  SignalGuard() {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGINT);
    sigaddset(&m_set, SIGTERM);
    sigaddset(&m_set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    m_thread = std::thread([this] {
      while (true) {
        int sig = 0;
        if (sigwait(&m_set, &sig) != 0) continue;
        if (sig == SIGUSR2) return;
        pipeline::cancel_reproduce();
      }
    });
  }
  ~SignalGuard() {
    pthread_kill(m_thread.native_handle(), SIGUSR2);
    m_thread.join();
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }

 private:
  sigset_t m_set{}, m_old{};
  std::thread m_thread;
};

}  // namespace

void register_repro(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool force = false, single_item = false, downstream = false, dry = false, keep_going = false;
    bool no_commit = false, json = false;
    std::size_t jobs = 1;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("repro", "Reproduce complete or partial pipelines by executing their stages.");
  sub->add_option("targets", opts->targets,
                  "Stages to reproduce. 'dvc.yaml' by default.\n"
                  "The targets can be path to a dvc.yaml file or `.dvc` file, or a stage name from dvc.yaml\n"
                  "file from current working directory. To run a stage from dvc.yaml from other directories,\n"
                  "the target must be a path followed by colon `:` and then the stage name name.");
  sub->add_flag("-f,--force", opts->force, "Reproduce even if dependencies were not changed.");
  sub->add_flag("-s,--single-item", opts->single_item,
                "Reproduce only single data item without recursive dependencies check.");
  sub->add_flag("--downstream", opts->downstream,
                "Start from the specified stages when reproducing pipelines.");
  sub->add_flag("--dry", opts->dry,
                "Only print the commands that would be executed without actually executing.");
  sub->add_flag("-k,--keep-going", opts->keep_going,
                "Continue executing, skipping stages having dependencies on the failed stages");
  sub->add_flag("--no-commit", opts->no_commit, "Don't put files/directories into cache.");
  sub->add_option("-j,--jobs", opts->jobs,
                  "Run up to N independent stages at once (default 1: one after another, in DVC's order).\n"
                  "Stages whose outputs overlap another's deps or outputs never run together.")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--json", opts->json,
                "Print {\"ran\": [...], \"unchanged\": [...], \"failed\": [...], \"skipped\": [...]} to stdout\n"
                "(the stages' messages and command output still go to stdout/stderr before it).");
  add_common_flags(sub, ctx);
  sub->footer("Exit status: 0 when every stage is up to date or ran; 255 when a stage failed or the pipeline\n"
              "is invalid (cycles, overlapping outputs, bad dvc.yaml: nothing runs); 252 when interrupted.");
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      pipeline::ReproOptions o;
      o.targets = opts->targets;
      o.force = opts->force ? repo::Force::yes : repo::Force::no;
      o.scope = opts->single_item  ? pipeline::Scope::single_item
                : opts->downstream ? pipeline::Scope::downstream
                                   : pipeline::Scope::with_upstream;
      o.dry = opts->dry ? pipeline::Dry::yes : pipeline::Dry::no;
      o.on_error = opts->keep_going ? pipeline::OnError::keep_going : pipeline::OnError::fail;
      o.commit = opts->no_commit ? repo::Commit::no : repo::Commit::yes;
      o.jobs = opts->jobs;
      pipeline::StdioSink sink(ctx.quiet ? pipeline::Quiet::yes : pipeline::Quiet::no);
      pipeline::LocalExecutor executor(r.env(), sink,
                                       o.jobs > 1 ? pipeline::ChildIo::lines : pipeline::ChildIo::inherit);
      Expected<pipeline::ReproResult> res = make_error(ErrorCode::io, "not run");
      {
        SignalGuard guard;
        res = pipeline::reproduce(r, o, executor, sink);
      }
      if (!res) {
        std::fflush(stdout);
        std::fprintf(stderr, "ERROR: %s\n", redact(res.error().message()).c_str());
        ctx.exit_code = k_exit_error;
        return;
      }
      if (res->error) {
        std::fflush(stdout);
        std::fprintf(stderr, "ERROR: %s\n", res->error->c_str());
        ctx.exit_code = res->interrupted ? k_exit_interrupted : k_exit_error;
      } else {
        print_track_hint(ctx, res->files_to_track);
        if (!opts->json) {
          if (res->ran.empty()) out_line(ctx, "Data and pipelines are up to date.");
          else out_line(ctx, "Use `cairn push` to send your updates to remote storage.");
        }
      }
      if (opts->json) {
        nlohmann::ordered_json j;
        j["ran"] = res->ran;
        j["unchanged"] = res->unchanged;
        j["failed"] = res->failed;
        j["skipped"] = res->skipped;
        std::string text = dumps(j);
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fputc('\n', stdout);
      }
    });
  });
}

}  // namespace cairn::cli
