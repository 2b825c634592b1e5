// `cairn metrics show|diff`: the flags and output of `dvc metrics` (dvc/commands/metrics.py);
// the logic is pipeline/metrics.h, the tables pipeline/compare_table.h.
//
// Numbers are rounded to --precision digits after the point (5 when absent or 0). `show`
// prints one row per metrics file; `diff` the changed metrics (all with --all), nothing when
// nothing changed (a header-only table with --md, `{}` with --json). `show --csv` writes the
// table as CSV like DVC 2's `metrics show --csv` did (DVC 3.67.1 has no such flag).
// When a file failed to load, stderr gets DVC's "DVC failed to load some metrics for following
// revisions: '...'." line. Errors (unknown revision, no git for diff) exit 255 like DVC's.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/pipeline/compare_table.h"
#include "cairn/pipeline/metrics.h"
#include "cairn/pipeline/value_json.h"

namespace cairn::cli {
namespace {

constexpr int k_default_precision = 5;

void write(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void fail(CliContext& ctx, const Error& error) {
  int code = report_error(error);
  ctx.exit_code = code == k_exit_not_repo ? code : k_exit_error;
}

void note_errors(const std::vector<std::string>& warnings, const std::vector<std::string>& errored) {
  for (const auto& w : warnings) warn_line(w);
  if (!errored.empty()) std::fprintf(stderr, "%s\n", pipeline::errored_message(errored).c_str());
}

void register_metrics_show(CLI::App* metrics, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool all_branches = false, all_tags = false, json = false, md = false, csv = false, recursive = false;
    int precision = 0;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = metrics->add_subcommand("show", "Print metrics, with optional formatting.");
  sub->add_option(
      "targets", opts->targets,
      "Limit command scope to these metrics files. Using -R, directories to search metrics files in "
      "can also be given.");
  sub->add_flag("-a,--all-branches", opts->all_branches, "Show metrics for all branches.");
  sub->add_flag("-T,--all-tags", opts->all_tags, "Show metrics for all tags.");
  sub->add_flag("--json", opts->json, "Show output in JSON format.");
  sub->add_flag("--md", opts->md, "Show tabulated output in the Markdown format (GFM).");
  sub->add_flag("--csv", opts->csv, "Show output in CSV format.");
  sub->add_flag("-R,--recursive", opts->recursive,
                "If any target is a directory, recursively search and process metrics files.");
  sub->add_option(
      "--precision", opts->precision,
      "Round metrics to `n` digits precision after the decimal point. Rounds to 5 digits by default.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    auto repo = open_repo(ctx);
    if (!repo) return;
    pipeline::MetricsShowOptions o;
    if (!opts->targets.empty()) o.targets = opts->targets;
    o.all_branches = opts->all_branches ? pipeline::AllBranches::yes : pipeline::AllBranches::no;
    o.all_tags = opts->all_tags ? pipeline::AllTags::yes : pipeline::AllTags::no;
    auto res = pipeline::metrics_show(*repo, o);
    if (!res) return fail(ctx, res.error());
    note_errors(res->warnings, res->errored);
    if (opts->json) {
      write(dumps(pipeline::show_json(res->revs)) + "\n");
      return;
    }
    bool all = opts->all_branches || opts->all_tags;
    int precision = opts->precision ? opts->precision : k_default_precision;
    auto table =
        pipeline::metrics_table(res->revs, all ? pipeline::ShowRevision::yes : pipeline::ShowRevision::no,
                                precision, pipeline::Rounding::round_digits);
    if (opts->csv)
      write(render_csv(table));
    else
      write(render_table(table, opts->md ? TableStyle::markdown : TableStyle::plain));
  });
}

void register_metrics_diff(CLI::App* metrics, CliContext& ctx) {
  struct Opts {
    std::string a_rev = "HEAD", b_rev = "workspace";
    std::vector<std::string> targets;
    bool all = false, json = false, md = false, no_path = false, recursive = false;
    int precision = 0;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = metrics->add_subcommand("diff",
                                      "Show changes in metrics between commits in the DVC repository, or "
                                      "between a commit and the workspace.");
  sub->add_option("a_rev", opts->a_rev, "Old Git commit to compare (defaults to HEAD)");
  sub->add_option("b_rev", opts->b_rev, "New Git commit to compare (defaults to the current workspace)");
  sub->add_option("--targets", opts->targets,
                  "Specific metrics file(s) to compare (even if not found as `metrics` in `dvc.yaml`). "
                  "Shows all tracked metrics by default.")
      ->expected(0, -1);
  sub->add_flag("-R,--recursive", opts->recursive,
                "If any target is a directory, recursively search and process metrics files.");
  sub->add_flag("--all", opts->all, "Show unchanged metrics as well.");
  sub->add_flag("--json", opts->json, "Show output in JSON format.");
  sub->add_flag("--md", opts->md, "Show tabulated output in the Markdown format (GFM).");
  sub->add_flag("--no-path", opts->no_path, "Don't show metric path.");
  sub->add_option(
      "--precision", opts->precision,
      "Round metrics to `n` digits precision after the decimal point. Rounds to 5 digits by default.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    auto repo = open_repo(ctx);
    if (!repo) return;
    pipeline::MetricsDiffOptions o;
    o.a_rev = opts->a_rev;
    o.b_rev = opts->b_rev;
    if (!opts->targets.empty()) o.targets = opts->targets;
    o.unchanged = opts->all ? pipeline::Unchanged::show : pipeline::Unchanged::hide;
    auto res = pipeline::metrics_diff(*repo, o);
    if (!res) return fail(ctx, res.error());
    note_errors(res->warnings, res->errored);
    if (opts->json) {
      write(dumps(pipeline::diff_json(res->diff)) + "\n");
      return;
    }
    pipeline::DiffTableOptions t;
    t.title = "Metric";
    t.a_rev = opts->a_rev;
    t.b_rev = opts->b_rev;
    t.path = opts->no_path ? pipeline::ShowPath::no : pipeline::ShowPath::yes;
    t.precision = opts->precision ? opts->precision : k_default_precision;
    t.rounding = pipeline::Rounding::round_digits;
    write(render_table(pipeline::diff_table(res->diff, t),
                       opts->md ? TableStyle::markdown : TableStyle::plain));
  });
}

}  // namespace

void register_metrics(CLI::App& app, CliContext& ctx) {
  auto* metrics = app.add_subcommand("metrics", "Commands to display and compare metrics.");
  metrics->require_subcommand(1);
  register_metrics_show(metrics, ctx);
  register_metrics_diff(metrics, ctx);
}

}  // namespace cairn::cli
