// `cairn stage add`: add or overwrite a stage in dvc.yaml, as `dvc stage add`.
#include <cctype>
#include <cstdio>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/pipeline/stage_add.h"

namespace cairn::cli {
namespace {

// Python's repr() of a str, as DVC's "%r" prints names.
std::string py_repr(const std::string& s) {
  bool single = s.find('\'') != std::string::npos, dbl = s.find('"') != std::string::npos;
  char q = single && !dbl ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

}  // namespace

void register_stage(CLI::App& app, CliContext& ctx) {
  auto* stage = app.add_subcommand("stage", "Commands to list and create stages.");
  stage->require_subcommand(1);
  auto opts = std::make_shared<pipeline::StageAddOptions>();
  auto flags = std::make_shared<std::pair<bool, bool>>(false, false);  // force, always_changed
  auto* sub = stage->add_subcommand("add", "Create stage (writes dvc.yaml like `dvc stage add`).");
  sub->add_option("-n,--name", opts->name, "Name of the stage to add")->required();
  sub->add_flag("-f,--force", flags->first, "Overwrite existing stage");
  sub->add_option("-d,--deps", opts->deps, "Declare dependencies for reproducible cmd.")->allow_extra_args(false);
  sub->add_option("-p,--params", opts->params, "Declare parameter to use as additional dependency.")
      ->allow_extra_args(false);
  sub->add_option("-o,--outs", opts->outs, "Declare output file or directory.")->allow_extra_args(false);
  sub->add_option("-O,--outs-no-cache", opts->outs_no_cache,
                  "Declare output file or directory (do not put into DVC cache).")
      ->allow_extra_args(false);
  sub->add_option("--outs-persist", opts->outs_persist,
                  "Declare output file or directory that will not be removed upon repro.")
      ->allow_extra_args(false);
  sub->add_option("--outs-persist-no-cache", opts->outs_persist_no_cache,
                  "Declare output file or directory that will not be removed upon repro (do not put into DVC cache).")
      ->allow_extra_args(false);
  sub->add_option("-m,--metrics", opts->metrics, "Declare output metrics file.")->allow_extra_args(false);
  sub->add_option("-M,--metrics-no-cache", opts->metrics_no_cache,
                  "Declare output metrics file (do not put into DVC cache).")
      ->allow_extra_args(false);
  sub->add_option("--plots", opts->plots, "Declare output plot file.")->allow_extra_args(false);
  sub->add_option("--plots-no-cache", opts->plots_no_cache, "Declare output plot file (do not put into DVC cache).")
      ->allow_extra_args(false);
  auto wdir = std::make_shared<std::string>();
  auto desc = std::make_shared<std::string>();
  auto* wdir_opt = sub->add_option("-w,--wdir", *wdir, "Directory within your repo to run your command in.");
  sub->add_flag("--always-changed", flags->second, "Always consider this DVC-file as changed.");
  auto* desc_opt = sub->add_option("--desc", *desc, "User description of the stage (optional).");
  add_common_flags(sub, ctx);
  // Everything from the first positional word on is the command (argparse REMAINDER).
  sub->prefix_command();
  sub->allow_extras();
  sub->fallthrough(false);
  sub->footer("The command is every word after the options, e.g. `cairn stage add -n train -d data python train.py`.");
  sub->callback([&ctx, opts, flags, wdir, desc, wdir_opt, desc_opt, sub] {
    prepare(ctx);
    opts->command = sub->remaining();
    opts->force = flags->first ? repo::Force::yes : repo::Force::no;
    opts->always_changed = flags->second;
    if (wdir_opt->count()) opts->wdir = *wdir;
    if (desc_opt->count()) opts->desc = *desc;
    with_repo_locked(ctx, [&](repo::Repository& r) {
      auto res = pipeline::stage_add(r, *opts);
      if (!res) {
        std::fprintf(stderr, "ERROR: %s\n", redact(res.error().message()).c_str());
        ctx.exit_code = k_exit_error;
        return;
      }
      out_line(ctx, "Added stage " + py_repr(res->address) + " in " + py_repr(res->dvc_yaml));
      print_track_hint(ctx, res->files_to_track);
    });
  });
}

}  // namespace cairn::cli
