// `cairn run [--name N] -- CMD...`: runs CMD as a tracked run. The child gets CAIRN_RUN_ID and
// CAIRN_RUN_JOURNAL; every artifact it reads with `cairn artifact get` (or the Python API)
// becomes based_on of every artifact it logs afterwards. Exits with the child's exit code
// (128 + signal when killed; 127 when CMD cannot be started).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cairn/cli/artifact_cli.h"
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"

extern char** environ;

namespace cairn::cli {
namespace {

struct RunFlags {
  std::string name;
  std::vector<std::string> command;
};

int spawn_and_wait(const std::vector<std::string>& command, const std::vector<std::string>& extra_env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    if (kv.starts_with("CAIRN_RUN_ID=") || kv.starts_with("CAIRN_RUN_JOURNAL=")) continue;
    env_strings.emplace_back(kv);
  }
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = command;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data());
  if (rc != 0) {
    std::fprintf(stderr, "ERROR: cannot run '%s': %s\n", command[0].c_str(), std::strerror(rc));
    return 127;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return k_exit_error;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return k_exit_error;
}

void run_run(CliContext& ctx, const RunFlags& f) {
  auto settings = catalog::load_settings(catalog::SettingsContext{env::default_env(), ctx.cwd, {}});
  if (!settings) return void(ctx.exit_code = artifact_error(settings.error()));
  auto run = catalog::start_run(*settings, f.name.empty() ? std::nullopt : std::optional<std::string>(f.name));
  if (!run) return void(ctx.exit_code = artifact_error(run.error()));
  if (!ctx.quiet) std::fprintf(stderr, "run %s\n", run->run_id.c_str());
  std::fflush(stdout);
  ctx.exit_code = spawn_and_wait(f.command, {"CAIRN_RUN_ID=" + run->run_id, "CAIRN_RUN_JOURNAL=" + run->journal_path,
                                             "CAIRN_RUN_NAME=" + f.name});
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
