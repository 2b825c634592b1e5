// `cairn status`: workspace vs recorded state, same text/JSON as `dvc status`; with -c (or
// -r) the cache vs a remote, as `dvc status -c` prints it (dvc/commands/status.py).
#include <cstdio>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/cli/status_local.h"
#include "cairn/repo/cloud_status.h"
#include "cairn/repo/status.h"

namespace cairn::cli {
namespace {
std::string pad_state(const std::string& state) {
  std::string s = state + ":";
  if (s.size() < 20) s.append(20 - s.size(), ' ');
  return s;
}

// `status -c`: "\t<state>: <path>" lines, or DVC's in-sync / empty-project message.
void run_cloud_status(CliContext& ctx, repo::Repository& r, const std::vector<std::string>& targets,
                      const std::string& remote, std::size_t jobs, bool json) {
  repo::TransferOptions o;
  o.targets = targets;
  o.remote = remote;
  o.jobs = jobs;
  auto res = repo::cloud_status(r, o);
  if (!res) {
    std::fprintf(stderr, "ERROR: %s\n", redact(res.error().message()).c_str());
    ctx.exit_code = k_exit_failure;
    return;
  }
  if (!res->unavailable_dirs.empty()) {
    std::string msg = "Some of the cache files do not exist neither locally nor on remote. Missing cache files:";
    for (const auto& d : res->unavailable_dirs) msg += "\nname: None, " + d;
    warn_line(msg);
  }
  if (json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& e : res->entries) j[e.name] = e.state;
    std::string text = dumps(j);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return;
  }
  if (ctx.quiet) {
    ctx.exit_code = res->entries.empty() ? k_exit_ok : k_exit_failure;
    return;
  }
  for (const auto& e : res->entries) out_line(ctx, "\t" + pad_state(e.state) + e.name);
  if (!res->entries.empty()) return;
  if (res->tracked_files == 0) {
    out_line(ctx,
             "There are no data or pipelines tracked in this project yet.\n"
             "See <https://dvc.org/doc/start> to get started!");
    return;
  }
  std::string name = remote.empty() ? r.config().get("core", "remote").value_or("None") : remote;
  out_line(ctx, "Cache and remote '" + name + "' are in sync.");
}

}  // namespace

void register_status(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool json = false;
    bool cloud = false;
    std::string remote;
    std::size_t jobs = 0;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("status", "Show changed data: workspace vs what the .dvc files record.");
  sub->add_option("targets", opts->targets, ".dvc files or outputs to check (default: all).");
  sub->add_flag("--json", opts->json, "Print the status as JSON.");
  sub->add_option("-j,--jobs", opts->jobs, "Number of threads (default: 2 x cores; with -c: parallel remote requests).");
  sub->add_flag("-c,--cloud", opts->cloud, "Show the status of the cache compared to a remote.");
  sub->add_option("-r,--remote", opts->remote, "Remote storage to compare the cache to (implies -c).");
  add_common_flags(sub, ctx);
  sub->footer("With -q, prints nothing and exits 1 if anything changed, 0 otherwise. With -c, states are new\n"
              "(cache only), deleted (remote only) and missing (neither); exit 1 if the remote cannot be used.");
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      if (opts->cloud || !opts->remote.empty()) {
        run_cloud_status(ctx, r, opts->targets, opts->remote, opts->jobs, opts->json);
        return;
      }
      print_local_status(ctx, r, opts->targets, opts->jobs, opts->json);
    });
  });
}

}  // namespace cairn::cli
