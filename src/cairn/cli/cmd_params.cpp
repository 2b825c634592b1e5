// `cairn params diff`: the flags and output of `dvc params diff` (dvc/commands/params.py);
// the logic is pipeline/params_diff.h, the table pipeline/compare_table.h.
//
// Prints nothing when nothing changed (a header-only table with --md, `{}` with --json).
// When a file failed to load at a compared revision, stderr gets DVC's line
// "DVC failed to load some metrics for following revisions: 'HEAD, workspace'." (sic).
// Errors (unknown revision, no git) exit 255 like DVC's DvcException handler.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/pipeline/compare_table.h"
#include "cairn/pipeline/params_diff.h"
#include "cairn/pipeline/value_json.h"

namespace cairn::cli {
namespace {

void write(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

void register_params(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string a_rev = "HEAD", b_rev = "workspace";
    std::vector<std::string> targets;
    bool all = false, deps = false, json = false, md = false, no_path = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* params = app.add_subcommand("params", "Commands to display params.");
  params->require_subcommand(1);
  auto* sub = params->add_subcommand(
      "diff",
      "Show changes in params between commits in the DVC repository, or between a commit and the workspace.");
  sub->add_option("a_rev", opts->a_rev, "Old Git commit to compare (defaults to HEAD)");
  sub->add_option("b_rev", opts->b_rev, "New Git commit to compare (defaults to the current workspace)");
  sub->add_option("--targets", opts->targets,
                  "Specific params file(s) to compare (even if not found as `params` in `dvc.yaml`). "
                  "Shows all tracked params by default.")
      ->expected(0, -1);
  sub->add_flag("--all", opts->all, "Show unchanged params as well.");
  sub->add_flag("--deps", opts->deps, "Show only params that are stage dependencies.");
  sub->add_flag("--json", opts->json, "Show output in JSON format.");
  sub->add_flag("--md", opts->md, "Show tabulated output in the Markdown format (GFM).");
  sub->add_flag("--no-path", opts->no_path, "Don't show params path.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    auto repo = open_repo(ctx);
    if (!repo) return;
    pipeline::ParamsDiffOptions o;
    o.a_rev = opts->a_rev;
    o.b_rev = opts->b_rev;
    if (!opts->targets.empty()) o.targets = opts->targets;
    o.unchanged = opts->all ? pipeline::Unchanged::show : pipeline::Unchanged::hide;
    o.scope = opts->deps ? pipeline::ParamsScope::stage_deps : pipeline::ParamsScope::all;
    auto res = pipeline::params_diff(*repo, o);
    if (!res) {
      int code = report_error(res.error());
      ctx.exit_code = code == k_exit_not_repo ? code : k_exit_error;
      return;
    }
    for (const auto& w : res->warnings) warn_line(w);
    if (!res->errored.empty()) std::fprintf(stderr, "%s\n", pipeline::errored_message(res->errored).c_str());
    if (opts->json) {
      write(dumps(pipeline::diff_json(res->diff)) + "\n");
      return;
    }
    pipeline::DiffTableOptions t;
    t.title = "Param";
    t.a_rev = opts->a_rev;
    t.b_rev = opts->b_rev;
    t.path = opts->no_path ? pipeline::ShowPath::no : pipeline::ShowPath::yes;
    t.changes = pipeline::ShowChanges::no;
    write(render_table(pipeline::diff_table(res->diff, t),
                       opts->md ? TableStyle::markdown : TableStyle::plain));
  });
}

}  // namespace cairn::cli
