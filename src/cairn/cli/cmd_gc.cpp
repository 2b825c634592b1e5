// `cairn gc`: remove cache objects not used by the workspace.
#include <unistd.h>

#include <iostream>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/gc.h"

namespace cairn::cli {

void register_gc(CLI::App& app, CliContext& ctx) {
  struct Opts {
    bool workspace = false, force = false, dry = false, json = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("gc", "Garbage-collect unused objects from the cache.");
  sub->add_flag("-w,--workspace", opts->workspace, "Keep only objects used in the current workspace.");
  sub->add_flag("-f,--force", opts->force, "Do not ask for confirmation.");
  sub->add_flag("--dry", opts->dry, "Only print what would be removed.");
  sub->add_flag("--json", opts->json, "Print the removed object ids as JSON.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    if (!opts->workspace) {
      std::fprintf(stderr,
                   "ERROR: Either of `-w|--workspace`, `-a|--all-branches`, `-T|--all-tags` `--all-experiments`, "
                   "`--all-commits`, `--date` or `--rev` needs to be set.\n");
      ctx.exit_code = k_exit_error;
      return;
    }
    if (opts->dry) opts->force = true;
    if (!ctx.quiet)
      std::fprintf(stderr,
                   "WARNING: This will remove all cache except items used in the workspace of the current repo.\n");
    if (!opts->force) {
      // Asks on stdout as DVC does; end of input or anything but y/yes declines (exit 1).
      std::fputs("Are you sure you want to proceed? [y/n]: ", stdout);
      std::fflush(stdout);
      std::string answer;
      if (!std::getline(std::cin, answer) || (answer != "y" && answer != "yes")) {
        ctx.exit_code = k_exit_failure;
        return;
      }
    }
    with_repo_locked(ctx, [&](repo::Repository& r) {
      auto res = repo::gc_workspace(r, opts->dry ? repo::DryRun::yes : repo::DryRun::no);
      if (!res) {
        ctx.exit_code = report_error(res.error());
        return;
      }
      if (opts->json) {
        nlohmann::ordered_json j = {{"removed", res->removed}, {"kept", res->kept}, {"dry", opts->dry}};
        std::puts(dumps(j).c_str());
        return;
      }
      if (opts->dry)
        for (const auto& id : res->removed) out_line(ctx, "would remove " + id);
      // DVC reports per object database: "repo" (files/md5) and "legacy" (the cache root).
      std::size_t repo_n = 0, legacy_n = 0;
      for (const auto& id : res->removed_ids)
        (id.name == object::HashName::md5 ? repo_n : legacy_n)++;
      auto report = [&](std::size_t n, const char* scheme) {
        if (n) out_line(ctx, std::string(opts->dry ? "Would remove " : "Removed ") + std::to_string(n) +
                                 " objects from " + scheme + " cache.");
        else out_line(ctx, std::string("No unused '") + scheme + "' cache to remove.");
      };
      report(repo_n, "repo");
      report(legacy_n, "legacy");
    });
  });
}

}  // namespace cairn::cli
