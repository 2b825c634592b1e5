// `cairn checkout`: restore tracked outputs from the cache.
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/checkout.h"

namespace cairn::cli {

void register_checkout(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool force = false, relink = false, summary = false;
    std::size_t jobs = 0;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("checkout", "Restore tracked files and directories from the cache.");
  sub->add_option("targets", opts->targets, ".dvc files or outputs to restore (default: all).");
  sub->add_flag("-f,--force", opts->force, "Replace or delete workspace files whose content is not in the cache.");
  sub->add_flag("--relink", opts->relink, "Recreate links/copies per cache.type even if content is unchanged.");
  sub->add_flag("--summary", opts->summary, "Show a summary of the changes instead of each one.");
  sub->add_option("-j,--jobs", opts->jobs, "Number of threads (default: 2 x cores).");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      repo::CheckoutOptions o;
      o.targets = opts->targets;
      o.force = opts->force ? repo::Force::yes : repo::Force::no;
      o.relink = opts->relink ? repo::Relink::yes : repo::Relink::no;
      o.jobs = opts->jobs;
      auto res = repo::checkout(r, o);
      if (!res) {
        report_error(res.error());
        ctx.exit_code = k_exit_error;  // as DVC
        return;
      }
      if (opts->summary) {
        std::vector<std::string> parts;
        auto part = [&](std::size_t n, const char* what) {
          if (n) parts.push_back(std::to_string(n) + (n == 1 ? " file " : " files ") + what);
        };
        part(res->files_added, "added");
        part(res->files_deleted, "deleted");
        part(res->files_modified, "modified");
        std::string msg;
        for (std::size_t i = 0; i < parts.size(); ++i) msg += (i ? ", " : "") + parts[i];
        out_line(ctx, msg.empty() ? "No changes." : msg);
      } else {
        // DVC writes these through rich, which expands the tab to 8 columns.
        for (const auto& p : res->modified) out_line(ctx, "M       " + p);
        for (const auto& p : res->added) out_line(ctx, "A       " + p);
        for (const auto& p : res->deleted) out_line(ctx, "D       " + p);
      }
      if (!res->failed.empty()) {
        // Corrupt objects are always named; other causes with -v.
        for (const auto& e : res->errors)
          if (ctx.verbose || e.find("corrupt") != std::string::npos)
            std::fprintf(stderr, "ERROR: %s\n", redact(e).c_str());
        std::string msg = "Checkout failed for following targets:";
        for (const auto& f : res->failed) msg += "\n" + f;
        msg += "\nIs your cache up to date?\n<https://error.dvc.org/missing-files>";
        std::fprintf(stderr, "ERROR: %s\n", msg.c_str());
        ctx.exit_code = k_exit_error;
        return;
      }
      if (opts->relink) out_line(ctx, "Relinked successfully");
    });
  });
}

}  // namespace cairn::cli
