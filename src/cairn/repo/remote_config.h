// Remote configuration: the `dvc remote add|modify|list|remove|rename|default` operations
// of DVC 3.67 (dvc/commands/remote.py) on the layered Config, DVC's per-scheme schema of
// remote options (dvc/config_schema.py REMOTE_SCHEMAS), and resolving the remote a transfer
// uses (dvc/data_cloud.py get_remote, dvc/fs get_cloud_fs).
//
// Contract:
//  - `level` nullopt is DVC's default: writes go to the repo level, reads merge all levels
//    (system < global < repo < local). Remote names are lower-cased like DVC (the new name
//    of rename_remote is not, exactly as DVC).
//  - Each mutation is the same sequence of `Config.edit(level)` steps DVC performs, so files
//    DVC would rewrite are rewritten (remove_remote at the repo level also writes
//    `.dvc/config.local`, even as an empty "\n" file), path-valued options are re-saved
//    relative to their file's directory, a relative url/credentialpath/... from the command
//    line is taken relative to `cwd`, and the merged config is validated before and after
//    each write (an error after a write leaves that write in place, as in DVC).
//  - Errors: messages are DVC's. "config file error: ..." (ConfigError, exit 251 in the CLI)
//    or "unexpected error - ..." (the Python exceptions DVC does not catch, exit 255; see
//    is_unexpected_error()). Messages name remotes and options, never a credential's value.
//  - validate_remote_section() is DVC's ByUrl(REMOTE_SCHEMAS) for one merged remote; Config
//    calls it for every remote when it validates.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/repo/config.h"
#include "cairn/repo/ini.h"
#include "cairn/util/error.h"

namespace cairn::repo {

class Repository;

// One line of `dvc remote list`.
struct RemoteListEntry {
  std::string name;
  std::string url;  // as DVC shows it (a relative local path resolved to an absolute one)
  bool is_default = false;
};

// `dvc remote list`: DVC prints line by line and fails at the first remote without a url
// (an uncaught KeyError), so the entries before it come with the error.
struct RemoteList {
  std::vector<RemoteListEntry> entries;
  std::optional<Error> error;  // after printing `entries`
};

// The remote a push/pull/fetch/status -c talks to.
struct ResolvedRemote {
  std::string name;
  // Absolute for local paths; `remote://base/sub` resolved against its base remote.
  std::string url;
  // Every other option, merged over the levels (path options resolved), plus core's
  // checksum_jobs when the remote has none (as DVC's get_cloud_fs does).
  std::map<std::string, std::string> options;
};

// DVC's remote name normalization (Python str.lower()).
std::string remote_name_key(std::string_view name);

// `dvc remote add [-d] [-f] NAME URL`.
Status add_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name,
                  std::string_view url, bool make_default, bool force, const std::string& cwd);
// `dvc remote modify [-u] NAME OPTION [VALUE]`; value nullopt without unset is DVC's None.
Status modify_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name,
                     std::string_view option, std::optional<std::string_view> value, bool unset,
                     const std::string& cwd);
// `dvc remote remove NAME`: also drops core.remote pointing at it from the local level down
// to `level` (default repo).
Status remove_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name);
// `dvc remote rename NAME NEW`: also renames core.remote at this level and the levels above.
Status rename_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name,
                     std::string_view new_name);
// `dvc remote list`.
Expected<RemoteList> list_remotes(const Config& config, std::optional<ConfigLevel> level);
// `dvc remote default` without a name: core.remote as DVC prints it, nullopt when unset.
Expected<std::optional<std::string>> get_default_remote(const Config& config,
                                                        std::optional<ConfigLevel> level);
// `dvc remote default NAME` (the remote must exist at this level or below).
Status set_default_remote(Config& config, std::optional<ConfigLevel> level, std::string_view name);
// `dvc remote default --unset`.
Status unset_default_remote(Config& config, std::optional<ConfigLevel> level);

// The remote named `name` (case-insensitive), or core.remote when empty. Errors
// (ErrorCode::not_found, "config file error: ..."): "remote 'x' doesn't exist", or DVC's
// "no remote specified in <root>. ..." hint naming `command`.
Expected<ResolvedRemote> resolve_remote(const Config& config, std::string_view root_dir,
                                        std::string_view name, std::string_view command = "<command>");
Expected<ResolvedRemote> resolve_remote(const Repository& repo, std::string_view name,
                                        std::string_view command = "<command>");

// Validates one remote's merged options against DVC's schema for its URL scheme.
Status validate_remote_section(std::string_view name,
                               const std::vector<std::pair<std::string, IniValue>>& entries);

// True for errors DVC reports as "unexpected error - ..." (an uncaught Python exception).
bool is_unexpected_error(const Error& error);

}  // namespace cairn::repo
