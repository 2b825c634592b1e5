// `cairn add` and `cairn commit`: track data in .dvc files and store it in the cache.
#include <unistd.h>

#include <iostream>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/add.h"

namespace cairn::cli {

void register_add(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool no_commit = false;
    std::string out;
    std::size_t jobs = 0;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("add", "Track data files or directories (writes TARGET.dvc, stores objects in the cache).");
  sub->add_option("targets", opts->targets, "Files or directories to track.")->required();
  sub->add_flag("--no-commit", opts->no_commit, "Write the .dvc files but do not put the data into the cache.");
  sub->add_option("-o,--out", opts->out, "Destination path to put the (single) target to, and track.");
  sub->add_option("-j,--jobs", opts->jobs, "Number of threads for hashing and copying (default: 2 x cores).");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      repo::AddOptions o;
      o.targets = opts->targets;
      o.commit = opts->no_commit ? repo::Commit::no : repo::Commit::yes;
      if (!opts->out.empty()) o.out = opts->out;
      o.jobs = opts->jobs;
      auto res = repo::add(r, o);
      if (!res) {
        ctx.exit_code = report_error(res.error());
        return;
      }
      print_track_hint(ctx, res->files_to_track);
    });
  });
}

void register_commit(CLI::App& app, CliContext& ctx) {
  struct CommitOpts {
    std::vector<std::string> targets;
    bool force = false;
    std::size_t jobs = 0;
  };
  auto copts = std::make_shared<CommitOpts>();
  auto* csub = app.add_subcommand("commit", "Record changes of tracked outputs in their .dvc files and the cache.");
  csub->add_option("targets", copts->targets, ".dvc files or outputs to commit (default: all).");
  csub->add_flag("-f,--force", copts->force, "Commit even if the outputs changed, without asking.");
  csub->add_option("-j,--jobs", copts->jobs, "Number of threads (default: 2 x cores).");
  add_common_flags(csub, ctx);
  csub->callback([&ctx, copts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      repo::CommitOptions o;
      o.targets = copts->targets;
      o.force = copts->force ? repo::Force::yes : repo::Force::no;
      o.jobs = copts->jobs;
      auto res = repo::commit(r, o);
      if (!res && res.error().code() == ErrorCode::conflict && o.force == repo::Force::no && ::isatty(0)) {
        std::fprintf(stderr, "%s\nAre you sure you want to commit it? [y/n] ", res.error().message().c_str());
        std::string answer;
        std::getline(std::cin, answer);
        if (answer == "y" || answer == "yes") {
          o.force = repo::Force::yes;
          res = repo::commit(r, o);
        }
      }
      if (!res) {
        if (res.error().code() == ErrorCode::conflict) {
          std::fprintf(stderr, "ERROR: failed to commit - %s\n", redact(res.error().message()).c_str());
          ctx.exit_code = k_exit_failure;
          return;
        }
        ctx.exit_code = report_error(res.error());
        return;
      }
      (void)res;  // like `dvc commit`, nothing is printed on success
    });
  });
}

}  // namespace cairn::cli
