#include "cairn/cli/status_local.h"

#include <cstdio>

#include "cairn/cli/output.h"
#include "cairn/pipeline/status.h"

namespace cairn::cli {
namespace {

std::string normalize_state(const std::string& state) {
  std::string s = state + ":";
  if (s.size() < 20) s.append(20 - s.size(), ' ');
  return s;
}

// DVC's CmdDataStatus._show over the JSON structure.
void show(const CliContext& ctx, const nlohmann::ordered_json& status, int indent) {
  std::string ind(static_cast<std::size_t>(indent), '\t');
  if (status.is_string()) {
    out_line(ctx, ind + status.get<std::string>());
    return;
  }
  if (status.is_array()) {
    for (const auto& entry : status) show(ctx, entry, indent);
    return;
  }
  for (auto it = status.begin(); it != status.end(); ++it) {
    if (it.value().is_string()) {
      out_line(ctx, ind + normalize_state(it.value().get<std::string>()) + it.key());
    } else if (!it.value().empty()) {
      out_line(ctx, ind + it.key() + ":");
      show(ctx, it.value(), indent + 1);
    }
  }
}

}  // namespace

void print_local_status(CliContext& ctx, repo::Repository& repo, const std::vector<std::string>& targets,
                        std::size_t jobs, bool json) {
  auto res = pipeline::status(repo, targets, jobs);
  if (!res) {
    ctx.exit_code = report_error(res.error());
    return;
  }
  if (!ctx.quiet)
    for (const auto& w : res->warnings) warn_line(w);
  nlohmann::ordered_json j = pipeline::status_json(*res);
  if (json) {
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
    show(ctx, j, 0);
    return;
  }
  if (res->stages == 0)
    out_line(ctx,
             "There are no data or pipelines tracked in this project yet.\n"
             "See <https://dvc.org/doc/start> to get started!");
  else
    out_line(ctx, "Data and pipelines are up to date.");
}

}  // namespace cairn::cli
