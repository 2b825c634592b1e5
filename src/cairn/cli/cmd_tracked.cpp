// `cairn remove` and `cairn ls`: untrack outputs and list what is tracked.
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/gc.h"

namespace cairn::cli {

void register_remove(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool outs = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("remove", "Stop tracking outputs: remove their .dvc files and .gitignore lines.");
  sub->add_option("targets", opts->targets, ".dvc files to remove.")->required();
  sub->add_flag("--outs", opts->outs, "Also delete the outputs from the workspace.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      for (const auto& t : opts->targets) {
        auto s = repo::remove_tracked(r, t, opts->outs ? repo::Outs::remove : repo::Outs::keep);
        if (!s) {
          ctx.exit_code = report_error(s.error());
          return;
        }
      }
    });
  });
}

void register_ls(CLI::App& app, CliContext& ctx) {
  struct Opts {
    bool json = false, show_hash = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("ls", "List the outputs tracked by .dvc files in this repository.");
  sub->add_flag("--json", opts->json, "Print as JSON.");
  sub->add_flag("--show-hash", opts->show_hash, "Show the recorded hash of each output.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    auto r = open_repo(ctx);
    if (!r) return;
    auto res = repo::list_tracked(*r);
    if (!res) {
      ctx.exit_code = report_error(res.error());
      return;
    }
    if (opts->json) {
      auto arr = nlohmann::ordered_json::array();
      for (const auto& t : *res) {
        nlohmann::ordered_json item = {{"path", t.path}, {"dvc_file", t.dvc_file}, {"isdir", t.is_dir},
                                       {"size", t.size}};
        if (t.is_dir) item["nfiles"] = t.nfiles;
        item["md5"] = t.md5;
        arr.push_back(item);
      }
      std::puts(dumps(arr).c_str());
      return;
    }
    for (const auto& t : *res)
      out_line(ctx, (opts->show_hash ? (t.md5.empty() ? std::string(36, '-') : t.md5) + "  " : std::string()) + t.path +
                        (t.is_dir ? "/" : ""));
  });
}

}  // namespace cairn::cli
