// Shared pieces of the artifact commands (artifact, find, lineage, catalog, run): opening the
// engine from the settings, the exit codes, and the record renderings (table, JSON, text).
//
// Exit codes of these cairn-only commands: 0 ok; 1 not found, corrupt record or a failed
// step; 3 artifact root or catalog unreachable; 254 bad command line or query; 255 other.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cairn/catalog/artifacts.h"
#include "cairn/cli/cli_context.h"
#include "cairn/util/text_table.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.1.0"
#endif

namespace cairn::cli {

constexpr int k_exit_unreachable = 3;

// Prints "ERROR: ..." and returns the exit code for the error (see above).
int artifact_error(const Error& error);
// Loads settings and opens the engine, or reports and sets ctx.exit_code (returns null).
std::unique_ptr<catalog::Artifacts> open_artifacts(CliContext& ctx);
// The record as JSON (the record format, with the catalog-assigned version).
nlohmann::ordered_json record_json(const catalog::ArtifactRecord& record);
// ID, NAME, VERSION, USER, CREATED, FILES: one row per record.
TextTable records_table(const std::vector<catalog::ArtifactRecord>& records);
// Multi-line human description of one record.
std::string record_text(const catalog::ArtifactRecord& record);

}  // namespace cairn::cli
