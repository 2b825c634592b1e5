// The command groups of the cairn CLI; each is defined in its own cmd_<group>.cpp
// (see cli_context.h for the contract).
#pragma once

#include <CLI/CLI.hpp>

#include "cairn/cli/cli_context.h"

namespace cairn::cli {

void register_init(CLI::App& app, CliContext& ctx);
void register_add(CLI::App& app, CliContext& ctx);
void register_status(CLI::App& app, CliContext& ctx);
void register_checkout(CLI::App& app, CliContext& ctx);
void register_commit(CLI::App& app, CliContext& ctx);
void register_diff(CLI::App& app, CliContext& ctx);
void register_gc(CLI::App& app, CliContext& ctx);
void register_remove(CLI::App& app, CliContext& ctx);
void register_ls(CLI::App& app, CliContext& ctx);
void register_config(CLI::App& app, CliContext& ctx);
void register_cache(CLI::App& app, CliContext& ctx);
void register_remote(CLI::App& app, CliContext& ctx);
void register_stage(CLI::App& app, CliContext& ctx);
void register_dag(CLI::App& app, CliContext& ctx);
void register_store(CLI::App& app, CliContext& ctx);
void register_import_url(CLI::App& app, CliContext& ctx);
void register_update(CLI::App& app, CliContext& ctx);
void register_push(CLI::App& app, CliContext& ctx);
void register_fetch(CLI::App& app, CliContext& ctx);
void register_pull(CLI::App& app, CliContext& ctx);
void register_params(CLI::App& app, CliContext& ctx);
void register_metrics(CLI::App& app, CliContext& ctx);
void register_artifact(CLI::App& app, CliContext& ctx);
void register_find(CLI::App& app, CliContext& ctx);
void register_lineage(CLI::App& app, CliContext& ctx);
void register_catalog(CLI::App& app, CliContext& ctx);
void register_run(CLI::App& app, CliContext& ctx);
void register_repro(CLI::App& app, CliContext& ctx);

}  // namespace cairn::cli
