// `cairn push`, `cairn fetch`, `cairn pull`: move tracked data between the cache and remotes,
// printing what DVC 3.67 prints (dvc/commands/data_sync.py): "N files pushed" / "N files
// fetched" / pull's checkout lines and summary, or "Everything is up to date."; the
// missing-objects warning; one "failed to transfer" line per failed object and DVC's
// "failed to push data to the cloud - N files failed to upload" error (exit 1).
#include <cstdio>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/fetch.h"
#include "cairn/repo/pull.h"
#include "cairn/repo/push.h"

namespace cairn::cli {
namespace {

struct Opts {
  std::vector<std::string> targets;
  std::string remote;
  std::size_t jobs = 0;
  bool force = false;
};

void add_transfer_flags(CLI::App* sub, Opts& opts, CliContext& ctx, const char* remote_help) {
  sub->add_option("targets", opts.targets, "Limit the command to these tracked outputs or .dvc files.");
  sub->add_option("-r,--remote", opts.remote, remote_help);
  sub->add_option("-j,--jobs", opts.jobs,
                  "Number of parallel transfers (default: the remote's `jobs` option, else 4 x cores, at most 64).");
  add_common_flags(sub, ctx);
  sub->footer("Exit codes: 0 ok; 1 a transfer failed or no remote is configured (the errors say which).");
}

repo::TransferOptions transfer_options(const Opts& opts) {
  repo::TransferOptions o;
  o.targets = opts.targets;
  o.remote = opts.remote;
  o.jobs = opts.jobs;
  return o;
}

void error_line(const std::string& text) { std::fprintf(stderr, "ERROR: %s\n", redact(text).c_str()); }

// DVC's dvc.utils.humanize.get_summary: "1 file fetched, 2 files modified and 3 files added".
std::string summary(const std::vector<std::pair<std::string, std::size_t>>& stats) {
  std::vector<std::string> words;
  for (const auto& [state, n] : stats)
    if (n) words.push_back(std::to_string(n) + (n > 1 ? " files " : " file ") + state);
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

// Warnings and per-object errors of a transfer; returns false when some objects failed (and
// then prints DVC's final error for `what`).
bool report_transfer(const repo::TransferResult& r, const char* what, const char* method) {
  if (!r.missing.empty()) {
    std::string msg = "Some of the cache files do not exist neither locally nor on remote. Missing cache files:";
    for (const auto& m : r.missing) msg += "\n" + m;
    warn_line(msg);
  }
  for (const auto& f : r.failures) error_line("failed to transfer '" + f.oid + "' - " + f.message);
  if (r.failed == 0) return true;
  const char* direction = std::string_view(what) == "push" ? " data to the cloud - " : " data from the cloud - ";
  error_line(std::string("failed to ") + what + direction + std::to_string(r.failed) +
             " files failed to " + method);
  return false;
}

// CmdDataBase.log_summary: the no-remote hint, then the summary or DVC's default message.
void log_summary(const CliContext& ctx, bool no_default_remote, const std::string& text) {
  if (no_default_remote && !ctx.quiet) std::fprintf(stderr, "No remote provided and no default remote set.\n");
  out_line(ctx, text.empty() ? "Everything is up to date." : text);
}

}  // namespace

void register_push(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("push", "Upload tracked files or directories to remote storage.");
  add_transfer_flags(sub, *opts, ctx, "Remote storage to push to.");
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      auto res = repo::push(r, transfer_options(*opts));
      if (!res) {
        error_line("failed to push data to the cloud - " + res.error().message());
        ctx.exit_code = k_exit_failure;
        return;
      }
      if (!report_transfer(*res, "push", "upload")) {
        ctx.exit_code = k_exit_failure;
        return;
      }
      log_summary(ctx, false, summary({{"pushed", res->transferred}}));
    });
  });
}

void register_fetch(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("fetch", "Download files or directories from remote storage to the cache.");
  add_transfer_flags(sub, *opts, ctx, "Remote storage to fetch from.");
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      auto res = repo::fetch(r, transfer_options(*opts));
      if (!res) {
        error_line("failed to fetch data from the cloud - " + res.error().message());
        ctx.exit_code = k_exit_failure;
        return;
      }
      if (!report_transfer(*res, "fetch", "download")) {
        ctx.exit_code = k_exit_failure;
        return;
      }
      log_summary(ctx, res->no_default_remote, summary({{"fetched", res->transferred}}));
    });
  });
}

void register_pull(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("pull", "Download tracked files or directories from remote storage.");
  add_transfer_flags(sub, *opts, ctx, "Remote storage to pull from.");
  sub->add_flag("-f,--force", opts->force, "Do not prompt when removing working directory files.");
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      repo::PullOptions o;
      o.transfer = transfer_options(*opts);
      o.force = opts->force ? repo::Force::yes : repo::Force::no;
      auto res = repo::pull(r, o);
      if (!res) {
        error_line("failed to pull data from the cloud - " + res.error().message());
        ctx.exit_code = k_exit_failure;
        return;
      }
      if (!report_transfer(res->fetch, "pull", "download")) {
        ctx.exit_code = k_exit_failure;
        return;
      }
      const auto& co = *res->checkout;
      // DVC writes these through rich, which expands the tab to 8 columns.
      for (const auto& p : co.modified) out_line(ctx, "M       " + p);
      for (const auto& p : co.added) out_line(ctx, "A       " + p);
      for (const auto& p : co.deleted) out_line(ctx, "D       " + p);
      log_summary(ctx, res->fetch.no_default_remote,
                  summary({{"fetched", res->fetch.transferred},
                           {"modified", co.files_modified},
                           {"added", co.files_added},
                           {"deleted", co.files_deleted}}));
      if (!co.failed.empty()) {
        for (const auto& e : co.errors)
          if (ctx.verbose || e.find("corrupt") != std::string::npos) error_line(e);
        std::string msg = "failed to pull data from the cloud - Checkout failed for following targets:";
        for (const auto& f : co.failed) msg += "\n" + f;
        msg += "\nIs your cache up to date?\n<https://error.dvc.org/missing-files>";
        error_line(msg);
        ctx.exit_code = k_exit_failure;
      }
    });
  });
}

}  // namespace cairn::cli
