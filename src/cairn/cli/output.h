// Output helpers shared by the commands: Python-json-compatible JSON text (what DVC prints
// for --json when stdout is not a terminal), secret redaction for anything echoed back, and
// the repository opening step every repo command starts with.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cairn/cli/cli_context.h"
#include "cairn/repo/repository.h"

namespace cairn::cli {

// json.dumps(value) with insertion order (no sorting), ", "/": " separators, ensure_ascii.
std::string dumps(const nlohmann::ordered_json& value);

// Replaces credentials in URLs ("scheme://user:secret@host") and key=value secrets.
std::string redact(std::string text);

// Prints DVC's "To track the changes with git, run: git add <files>" hint (nothing when quiet or
// when `files` is empty). Paths are shell-quoted as DVC does.
void print_track_hint(const CliContext& ctx, const std::vector<std::string>& files);

// Applies global switches (quiet disables progress bars). Call first in every command.
void prepare(const CliContext& ctx);

// Opens the repository at ctx.cwd or prints the error and sets ctx.exit_code; returns null.
std::unique_ptr<repo::Repository> open_repo(CliContext& ctx);

// Runs `body` with the repository lock held; reports errors.
template <class F>
void with_repo_locked(CliContext& ctx, F&& body) {
  auto repo = open_repo(ctx);
  if (!repo) return;
  auto lock = repo->lock();
  if (!lock) {
    ctx.exit_code = report_error(lock.error());
    return;
  }
  body(*repo);
  repo->flush_state();
}

}  // namespace cairn::cli
