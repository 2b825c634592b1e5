// `cairn catalog sync [--full]`: rebuild or refresh the catalog from the records in the
// artifact root (engine: Artifacts::sync in catalog/artifacts.h).
#include <cstdio>
#include <memory>

#include "cairn/cli/artifact_cli.h"
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"

namespace cairn::cli {
namespace {

void run_sync(CliContext& ctx, bool full, bool json) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  auto synced = engine->sync(full ? catalog::SyncMode::full : catalog::SyncMode::incremental);
  if (!synced) return void(ctx.exit_code = artifact_error(synced.error()));
  for (const auto& e : synced->errors) std::fprintf(stderr, "ERROR: %s\n", redact(e.message()).c_str());
  const char* mode = synced->mode == catalog::SyncMode::full ? "full" : "incremental";
  if (json) {
    nlohmann::ordered_json errors = nlohmann::ordered_json::array();
    for (const auto& e : synced->errors) errors.push_back(redact(e.message()));
    nlohmann::ordered_json j = {{"mode", mode},
                                {"listed", synced->listed},
                                {"ingested", synced->ingested},
                                {"skipped", synced->skipped},
                                {"errors", errors}};
    std::printf("%s\n", dumps(j).c_str());
  } else {
    out_line(ctx, std::string(mode) + " sync: " + std::to_string(synced->listed) + " record(s) listed, " +
                      std::to_string(synced->ingested) + " ingested, " + std::to_string(synced->skipped) +
                      " already present" +
                      (synced->errors.empty() ? "" : ", " + std::to_string(synced->errors.size()) + " unreadable"));
  }
  if (!synced->errors.empty()) ctx.exit_code = k_exit_failure;
}

}  // namespace

void register_catalog(CLI::App& app, CliContext& ctx) {
  auto* group = app.add_subcommand("catalog", "Manage the artifact catalog (an index of the records in the root).");
  group->require_subcommand(1);
  auto full = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  auto* sync = group->add_subcommand("sync", "Ingest new records from the artifact root into the catalog.");
  sync->description(
      "Ingest records from the artifact root into the catalog. Incremental by default: only the\n"
      "day folders since the last sync are listed; a lost or replaced catalog is rebuilt whole.");
  sync->add_flag("--full", *full, "List and ingest every record (rebuild).");
  sync->add_flag("--json", *json, "Print counts as JSON.");
  add_common_flags(sync, ctx);
  sync->callback([&ctx, full, json] { run_sync(ctx, *full, *json); });
}

}  // namespace cairn::cli
