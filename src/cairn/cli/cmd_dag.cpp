// `cairn dag`: print the pipeline graph (ASCII drawing, --dot, --mermaid, --md), as `dvc dag`.
#include <cstdio>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/pipeline/dag.h"

namespace cairn::cli {

void register_dag(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string target;
    bool dot = false, mermaid = false, markdown = false, full = false, outs = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("dag", "Visualize the pipeline DAG.");
  sub->add_flag("--dot", opts->dot, "Print DAG with .dot format.");
  sub->add_flag("--mermaid", opts->mermaid, "Print DAG with mermaid format.");
  sub->add_flag("--md", opts->markdown, "Print DAG with mermaid format wrapped in Markdown block.");
  sub->add_flag("--full", opts->full,
                "Show full DAG that the target belongs too, instead of showing DAG consisting only of ancestors.");
  sub->add_flag("-o,--outs", opts->outs, "Print output files instead of stages.");
  auto* target = sub->add_option("target", opts->target,
                                 "Stage name or output to show pipeline for (default: all stages).");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts, target] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      pipeline::DagOptions o;
      if (target->count()) o.target = opts->target;
      o.outs = opts->outs;
      o.full = opts->full;
      auto g = pipeline::build_dag(r, o);
      if (!g) {
        std::fprintf(stderr, "ERROR: %s\n", redact(g.error().message()).c_str());
        ctx.exit_code = k_exit_error;
        return;
      }
      std::string text;
      if (opts->dot) text = pipeline::render_dot(*g);
      else if (opts->mermaid || opts->markdown) text = pipeline::render_mermaid(*g, opts->markdown);
      else text = pipeline::render_ascii(*g);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fputc('\n', stdout);
    });
  });
}

}  // namespace cairn::cli
