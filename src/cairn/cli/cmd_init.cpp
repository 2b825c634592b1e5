// `cairn init`: create a DVC repository (same files and bytes as `dvc init`).
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/init.h"

namespace cairn::cli {

void register_init(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string directory = ".";
    bool no_scm = false, force = false, subdir = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("init", "Initialize a DVC repository (same files as `dvc init`).");
  sub->description(
      "Initialize a DVC repository in the given directory (defaults to the current working directory).\n"
      "Expects the directory to be a Git repository unless --no-scm is given.");
  sub->add_option("directory", opts->directory, "Directory to initialize (default: current directory).");
  sub->add_flag("--no-scm", opts->no_scm, "Initialize without Git (sets core.no_scm).");
  sub->add_flag("-f,--force", opts->force, "Overwrite an existing .dvc/ directory.");
  sub->add_flag("--subdir", opts->subdir, "Initialize in a subdirectory of a parent Git repository.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    repo::InitOptions o;
    o.directory = opts->directory;
    o.no_scm = opts->no_scm ? repo::NoScm::yes : repo::NoScm::no;
    o.force = opts->force ? repo::Force::yes : repo::Force::no;
    o.subdir = opts->subdir ? repo::Subdir::yes : repo::Subdir::no;
    auto r = repo::init(env::default_env(), ctx.cwd, o);
    if (!r && r.error().message().starts_with("Cannot initialize repo with")) {
      report_error(r.error());
      ctx.exit_code = k_exit_error;  // an argument error, as DVC (exit 255)
      return;
    }
    if (!r) {
      std::fprintf(stderr, "ERROR: failed to initiate DVC - %s\n", redact(r.error().message()).c_str());
      ctx.exit_code = k_exit_failure;
      return;
    }
    out_line(ctx, "Initialized DVC repository.\n");
    if (!opts->no_scm) out_line(ctx, "You can now commit the changes to git.\n");
  });
}

}  // namespace cairn::cli
