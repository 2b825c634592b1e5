// cairn command-line entry point: builds the CLI11 app from every command group's
// register_* function, parses, runs the selected command and exits with its code.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cairn/cli/cli_context.h"
#include "cairn/cli/commands.h"
#include "cairn/env/fault_env.h"
#include "cairn/util/counters.h"
#include "cairn/util/progress.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  using namespace cairn::cli;
  CliContext ctx;
  ctx.argv.assign(argv, argv + argc);
  std::error_code ec;
  const char* pwd = std::getenv("PWD");
  auto real = std::filesystem::current_path(ec).string();
  // Prefer $PWD when it names the same directory (keeps symlinked paths as the user sees them).
  ctx.cwd = real;
  if (pwd && *pwd == '/' && std::filesystem::equivalent(pwd, real, ec)) ctx.cwd = pwd;

  if (const char* spec = std::getenv("CAIRN_FAULT"); spec && *spec) {
    auto parsed = cairn::env::FaultSpec::parse(spec);
    if (!parsed) {
      std::fprintf(stderr, "ERROR: %s\n", parsed.error().message().c_str());
      return k_exit_error;
    }
  }

  CLI::App app{"cairn: version data and models in DVC 3 repositories, fast.", "cairn"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", CAIRN_VERSION);
  app.fallthrough();
  app.footer(
      "Exit codes: 0 ok; 1 failure or changes reported (status -q); 251 configuration error;\n"
      "253 not a DVC repository; 254 bad command line; 255 other errors.");

  register_init(app, ctx);
  register_add(app, ctx);
  register_status(app, ctx);
  register_checkout(app, ctx);
  register_commit(app, ctx);
  register_diff(app, ctx);
  register_gc(app, ctx);
  register_remove(app, ctx);
  register_ls(app, ctx);
  register_config(app, ctx);
  register_cache(app, ctx);
  register_remote(app, ctx);
  register_stage(app, ctx);
  register_dag(app, ctx);
  register_store(app, ctx);
  register_import_url(app, ctx);
  register_update(app, ctx);
  register_push(app, ctx);
  register_fetch(app, ctx);
  register_pull(app, ctx);
  register_params(app, ctx);
  register_metrics(app, ctx);
  register_artifact(app, ctx);
  register_find(app, ctx);
  register_lineage(app, ctx);
  register_catalog(app, ctx);
  register_run(app, ctx);
  register_repro(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return k_exit_usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ERROR: unexpected error: %s\n", e.what());
    return k_exit_error;
  }
  if (ctx.quiet) cairn::Progress::set_enabled(false);
  if (ctx.verbose > 0) std::fprintf(stderr, "counters: %s\n", cairn::counters().to_json().c_str());
  if (const char* f = std::getenv("CAIRN_COUNTERS_FILE"); f && *f) {
    if (FILE* out = std::fopen(f, "w")) {
      std::fputs(cairn::counters().to_json().c_str(), out);
      std::fputc('\n', out);
      std::fclose(out);
    }
  }
  std::fflush(stdout);
  return ctx.exit_code;
}
