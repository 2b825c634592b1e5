#include "cairn/repo/cloud_status.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "cairn/repo/cloud_remotes.h"
#include "cairn/repo/remote_presence.h"
#include "cairn/repo/transfer_plan.h"
#include "cairn/repo/used_objects.h"

namespace cairn::repo {

using object::ObjectId;

namespace {

Status status_group(Repository& repo, ObjectGroup& group, std::vector<CloudStatusEntry>& entries,
                    std::vector<std::string>& unavailable) {
  CloudRemote& r = *group.remote;
  TRY_STATUS(load_manifests(repo, group, Manifests::cache_then_remote));
  std::vector<PlannedDir> dirs;
  for (auto& d : group.dirs) {
    if (!d.tree) {
      unavailable.push_back(hash_info_text(d.id));
      continue;
    }
    if (d.remote_bytes) {
      TRY_STATUS(repo.store().put_bytes(d.id, *d.remote_bytes));
      r.index->insert(d.id);
    }
    dirs.push_back(std::move(d));
  }
  group.dirs = std::move(dirs);

  auto objects = group.objects();
  std::vector<ObjectId> ids;
  ids.reserve(objects.size());
  for (const auto& o : objects) ids.push_back(o.id);
  auto dir_files = group.dir_files();
  PresenceQuery query{group.layout, ids, &dir_files};
  ASSIGN_OR_RETURN(auto on_remote, remote_presence(*r.remote, r.index.get(), query, r.presence_options()));
  ASSIGN_OR_RETURN(auto absent, repo.store().missing_of(ids, r.jobs));
  std::unordered_set<std::string> not_cached;
  for (const auto& id : absent) not_cached.insert(id.value);
  for (const auto& o : objects) {
    bool remote_has = on_remote.count(o.id.value) != 0, cache_has = !not_cached.count(o.id.value);
    if (remote_has && cache_has) continue;
    entries.push_back({o.name, remote_has ? "deleted" : cache_has ? "new" : "missing"});
  }
  return ok();
}

int state_rank(const std::string& s) { return s == "deleted" ? 0 : s == "new" ? 1 : 2; }

}  // namespace

Expected<CloudStatusResult> cloud_status(Repository& repo, const TransferOptions& options) {
  ASSIGN_OR_RETURN(auto outputs,
                   collect_used_outputs(repo, options.targets, Purpose::status, options.remote, options.more_outputs));
  std::optional<CloudRemotes> own;
  CloudRemotes* remotes = options.remotes;
  if (!remotes) remotes = &own.emplace(repo, options.jobs, "status");
  ASSIGN_OR_RETURN(auto plan, plan_transfer(*remotes, outputs, options.remote, NoRemote::error));
  CloudStatusResult result;
  Status status = ok();
  for (auto& group : plan.groups) {
    status = status_group(repo, group, result.entries, result.unavailable_dirs);
    if (!status) status = std::unexpected(status.error().with_context("remote '" + group.remote->name + "'"));
    if (!status) break;
  }
  remotes->save_indexes();
  TRY_STATUS(status);
  // One entry per name (DVC's result is a dict keyed by name; the first state wins here).
  std::stable_sort(result.entries.begin(), result.entries.end(), [](const auto& a, const auto& b) {
    int ra = state_rank(a.state), rb = state_rank(b.state);
    return ra != rb ? ra < rb : a.name < b.name;
  });
  std::unordered_set<std::string> seen;
  std::erase_if(result.entries, [&](const CloudStatusEntry& e) { return !seen.insert(e.name).second; });
  std::sort(result.unavailable_dirs.begin(), result.unavailable_dirs.end());
  if (result.entries.empty()) {
    ASSIGN_OR_RETURN(auto files, repo.collect_dvc_files());
    result.tracked_files = files.size();
  }
  return result;
}

}  // namespace cairn::repo
