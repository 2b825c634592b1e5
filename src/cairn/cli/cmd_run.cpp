// `cairn run [--name N] -- CMD...`: runs CMD as a tracked run. The child gets CAIRN_RUN_ID and
// CAIRN_RUN_JOURNAL; every artifact it reads with `cairn artifact get` (or the Python API)
// becomes based_on of every artifact it logs afterwards. Exits with the child's exit code
// (128 + signal when killed; 127 when CMD cannot be started).
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cairn/cli/artifact_cli.h"
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/env/env.h"

namespace cairn::cli {
namespace {

struct RunFlags {
  std::string name;
  std::vector<std::string> command;
};

// Through the Env (so CAIRN_FAULT=op=spawn reaches it), in cairn's own process group: the
// command may read the terminal and gets its Ctrl-C, as when a shell runs it.
int spawn_and_wait(const std::vector<std::string>& command,
                   const std::vector<std::pair<std::string, std::string>>& extra_env) {
  env::SpawnOptions o;
  o.argv = command;
  o.env_set = extra_env;  // replaces any inherited CAIRN_RUN_ID/CAIRN_RUN_JOURNAL/CAIRN_RUN_NAME
  o.output = env::ChildOutput::inherit;
  o.group = env::ProcessGroup::inherit;
  auto child = env::default_env()->spawn(o);
  if (!child) {
    std::fprintf(stderr, "ERROR: cannot run '%s': %s\n", command[0].c_str(), child.error().message().c_str());
    return 127;
  }
  auto status = (*child)->wait();
  if (!status) {
    std::fprintf(stderr, "ERROR: waiting for '%s': %s\n", command[0].c_str(), status.error().message().c_str());
    return k_exit_error;
  }
  return *status;
}

void run_run(CliContext& ctx, const RunFlags& f) {
  auto settings = catalog::load_settings(catalog::SettingsContext{env::default_env(), ctx.cwd, {}});
  if (!settings) return void(ctx.exit_code = artifact_error(settings.error()));
  auto run = catalog::start_run(*settings, f.name.empty() ? std::nullopt : std::optional<std::string>(f.name));
  if (!run) return void(ctx.exit_code = artifact_error(run.error()));
  if (!ctx.quiet) std::fprintf(stderr, "run %s\n", run->run_id.c_str());
  std::fflush(stdout);
  ctx.exit_code = spawn_and_wait(
      f.command, {{"CAIRN_RUN_ID", run->run_id}, {"CAIRN_RUN_JOURNAL", run->journal_path}, {"CAIRN_RUN_NAME", f.name}});
}

}  // namespace

void register_run(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<RunFlags>();
  auto* run = app.add_subcommand("run", "Run a command as a tracked run (artifact reads become based_on of its logs).");
  run->add_option("-n,--name", flags->name, "A name for the run (exported as CAIRN_RUN_NAME).");
  run->add_option("command", flags->command, "The command to run, after `--`.")->required();
  run->prefix_command();
  add_common_flags(run, ctx);
  run->callback([&ctx, flags] { run_run(ctx, *flags); });
}

}  // namespace cairn::cli
