// `cairn status`: workspace vs recorded state, same text/JSON as `dvc status`.
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/status.h"

namespace cairn::cli {
namespace {
std::string pad_state(const std::string& state) {
  std::string s = state + ":";
  if (s.size() < 20) s.append(20 - s.size(), ' ');
  return s;
}
}  // namespace

void register_status(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool json = false;
    std::size_t jobs = 0;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("status", "Show changed data: workspace vs what the .dvc files record.");
  sub->add_option("targets", opts->targets, ".dvc files or outputs to check (default: all).");
  sub->add_flag("--json", opts->json, "Print the status as JSON.");
  sub->add_option("-j,--jobs", opts->jobs, "Number of threads (default: 2 x cores).");
  add_common_flags(sub, ctx);
  sub->footer("With -q, prints nothing and exits 1 if anything changed, 0 otherwise.");
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      auto res = repo::status(r, opts->targets, opts->jobs);
      if (!res) {
        ctx.exit_code = report_error(res.error());
        return;
      }
      if (opts->json) {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        for (const auto& f : res->changed) {
          auto arr = nlohmann::ordered_json::array();
          if (!f.changed_deps.empty()) {
            nlohmann::ordered_json d = nlohmann::ordered_json::object();
            for (const auto& s : f.changed_deps) d[s.path] = s.state;
            arr.push_back({{"changed deps", d}});
          }
          if (!f.changed_outs.empty()) {
            nlohmann::ordered_json d = nlohmann::ordered_json::object();
            for (const auto& s : f.changed_outs) d[s.path] = s.state;
            arr.push_back({{"changed outs", d}});
          }
          j[f.dvc_file] = arr;
        }
        std::string text = dumps(j);
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fputc('\n', stdout);
        return;
      }
      if (ctx.quiet) {
        ctx.exit_code = res->changed.empty() ? k_exit_ok : k_exit_failure;
        return;
      }
      if (!res->changed.empty()) {
        for (const auto& f : res->changed) {
          out_line(ctx, f.dvc_file + ":");
          if (!f.changed_deps.empty()) {
            out_line(ctx, "\tchanged deps:");
            for (const auto& s : f.changed_deps) out_line(ctx, "\t\t" + pad_state(s.state) + s.path);
          }
          if (!f.changed_outs.empty()) {
            out_line(ctx, "\tchanged outs:");
            for (const auto& s : f.changed_outs) out_line(ctx, "\t\t" + pad_state(s.state) + s.path);
          }
        }
        return;
      }
      if (res->tracked_files == 0)
        out_line(ctx,
                 "There are no data or pipelines tracked in this project yet.\n"
                 "See <https://dvc.org/doc/start> to get started!");
      else
        out_line(ctx, "Data and pipelines are up to date.");
    });
  });
}

}  // namespace cairn::cli
