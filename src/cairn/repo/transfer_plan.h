// Transfer plan: the used outputs (used_objects.h) sorted into groups, one per remote and
// object layout (files/md5 or the legacy root: DVC's odb and legacy_odb), with each tracked
// directory's manifest loaded so its files can be listed (DVC's data_cloud split and
// get_dir_cache).
//
// Routing: an output's `remote:` field, else the command's `-r`, else core.remote. Without
// any, NoRemote::error returns DVC's "no remote specified" config error; NoRemote::skip
// drops those outputs and reports it (fetch/pull print DVC's "No remote provided" warning).
//
// Manifests: from the cache; with Manifests::cache_then_remote a manifest missing from the
// cache is read from the group's remote (verified and path-checked, object_transfer.h) and
// kept in memory; PlannedDir::tree stays empty when neither has it (or the cached one is
// damaged and the remote has none).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/object/tree.h"
#include "cairn/repo/cloud_remotes.h"
#include "cairn/repo/used_objects.h"

namespace cairn::repo {

struct PlannedObject {
  object::ObjectId id;
  std::string name;  // DVC's obj_name: the output's name, or "<output>/<relpath>" inside a directory
};

struct PlannedDir {
  object::ObjectId id;  // the `.dir`
  std::string name;
  std::optional<object::Tree> tree;
  std::optional<std::string> remote_bytes;  // the manifest as read from the remote (not cached yet)
  bool in_cache = false;                    // the manifest is in the cache and intact
};

struct ObjectGroup {
  CloudRemote* remote = nullptr;
  object::HashName layout = object::HashName::md5;
  std::vector<PlannedDir> dirs;
  std::vector<PlannedObject> files;  // file outputs

  // Every object of the group once (first name wins, as DVC's sets keep the first): each
  // directory's `.dir` then its files (when its manifest is known), then the file outputs.
  std::vector<PlannedObject> objects() const;
  // `.dir` value -> the ids of the files it lists (directories with a known manifest).
  std::unordered_map<std::string, std::vector<object::ObjectId>> dir_files() const;
};

enum class NoRemote { error, skip };
enum class Manifests { cache_only, cache_then_remote };

struct TransferPlan {
  std::vector<ObjectGroup> groups;
  bool skipped_no_remote = false;  // NoRemote::skip dropped outputs
};

Expected<TransferPlan> plan_transfer(CloudRemotes& remotes, const std::vector<UsedOutput>& outputs,
                                     const std::string& cli_remote, NoRemote no_remote);

// Loads the manifests of the group's directories (see the file comment).
Status load_manifests(Repository& repo, ObjectGroup& group, Manifests where);

}  // namespace cairn::repo
