// Local `status` output (workspace vs dvc.lock/.dvc files for data and pipeline stages), shared
// by cmd_status.cpp: runs pipeline::status once and prints DVC's JSON or its text layout
// (stage name + ":", nested keys indented with tabs, leaf lines "<state>:" padded to 20
// columns followed by the path), the up-to-date / empty-project messages, or with -q only the
// exit code (1 when anything changed).
#pragma once

#include <string>
#include <vector>

#include "cairn/cli/cli_context.h"
#include "cairn/repo/repository.h"

namespace cairn::cli {

void print_local_status(CliContext& ctx, repo::Repository& repo, const std::vector<std::string>& targets,
                        std::size_t jobs, bool json);

}  // namespace cairn::cli
