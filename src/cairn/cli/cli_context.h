// CliContext and the command-registration contract of the cairn CLI.
//
// Each command group lives in one cmd_<group>.cpp file that exposes
//   void register_<group>(CLI::App& app, CliContext& ctx);
// which adds its subcommand(s), their flags and help text, and a callback that validates,
// calls the engine once, prints human text or --json, and stores its exit code in
// ctx.exit_code. No engine logic lives in the CLI.
//
// Exit codes (same as DVC): 0 success; 1 the command ran but reports a failure or change
// (e.g. `status -q` with changes); 251 configuration error; 253 not a DVC repository;
// 254 bad command line; 255 any other error.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::cli {

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_config = 251;
constexpr int k_exit_not_repo = 253;
constexpr int k_exit_usage = 254;
constexpr int k_exit_error = 255;

struct CliContext {
  int exit_code = k_exit_ok;
  bool quiet = false;
  int verbose = 0;
  std::string cwd;  // absolute working directory at start
  std::vector<std::string> argv;  // the command line as given (recorded in artifact records)
};

// Prints "ERROR: <message>" to stderr (secrets redacted) and returns the exit code for the
// error's code. Not-a-repository errors map to 253, config errors to 251.
int report_error(const Error& error);

// Prints a line to stdout unless quiet.
void out_line(const CliContext& ctx, const std::string& line);
// Prints "WARNING: ..." to stderr.
void warn_line(const std::string& line);

// Adds the shared -q/-v flags to a subcommand.
void add_common_flags(CLI::App* sub, CliContext& ctx);

}  // namespace cairn::cli
