#include "cairn/repo/push.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "cairn/repo/cloud_remotes.h"
#include "cairn/repo/object_transfer.h"
#include "cairn/repo/remote_presence.h"
#include "cairn/repo/transfer_plan.h"
#include "cairn/repo/used_objects.h"

namespace cairn::repo {

using object::ObjectId;

namespace {

Status push_group(Repository& repo, ObjectGroup& group, TransferResult& result) {
  CloudRemote& r = *group.remote;
  auto dir_files = group.dir_files();
  PresenceQuery query{group.layout, {}, &dir_files};
  for (auto& o : group.objects()) query.ids.push_back(std::move(o.id));
  const std::vector<ObjectId>& ids = query.ids;
  ASSIGN_OR_RETURN(auto present, remote_presence(*r.remote, r.index.get(), query, r.presence_options()));

  if (present.size() == ids.size()) return ok();  // ids are unique: all of them are there
  std::vector<ObjectId> absent;
  for (const auto& id : ids)
    if (!present.count(id.value)) absent.push_back(id);
  if (absent.empty()) return ok();

  // Absent from the remote: in the cache -> new, else missing everywhere.
  ASSIGN_OR_RETURN(auto missing_local, repo.store().missing_of(absent, r.jobs));
  std::unordered_set<std::string> missing;
  for (const auto& id : missing_local) missing.insert(id.value);
  for (const auto& d : group.dirs)
    if (!d.in_cache && !present.count(d.id.value)) missing.insert(d.id.value);  // damaged manifest
  std::vector<ObjectId> new_files;
  std::unordered_set<std::string> new_dirs;
  for (const auto& id : absent) {
    if (missing.count(id.value)) {
      result.missing.push_back(hash_info_text(id));
    } else if (id.is_dir()) {
      new_dirs.insert(id.value);
    } else {
      new_files.push_back(id);
    }
  }

  std::size_t failed = 0;
  std::unordered_set<std::string> failed_ids;
  auto upload = [&](const ObjectId& id, const remote::ByteProgress& progress) {
    return upload_object(repo, *r.remote, id, progress);
  };
  auto crash = [&](const ObjectId&) { repo.env()->crash_point("push.after_upload"); };
  auto record = [&](const std::vector<ObjectId>& batch, const std::vector<Status>& statuses) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (statuses[i]) {
        r.index->insert(batch[i]);
      } else {
        result.failures.push_back({batch[i].value, statuses[i].error().message(), statuses[i].error().code()});
        failed_ids.insert(batch[i].value);
        ++failed;
      }
    }
  };

  // Files first, all of them in parallel.
  record(new_files, run_transfers(new_files, r.jobs, "Pushing", upload, crash));

  // Then each `.dir` whose files are all there.
  repo.env()->crash_point("push.before_dirs");
  std::vector<ObjectId> dirs_to_push;
  for (const auto& d : group.dirs) {
    if (!new_dirs.count(d.id.value)) continue;
    new_dirs.erase(d.id.value);  // once per `.dir`
    bool any_failed = false, any_missing = false;
    for (const auto& e : d.tree->entries()) {
      any_failed = any_failed || failed_ids.count(e.md5);
      any_missing = any_missing || missing.count(e.md5);
    }
    if (any_failed) {
      ++failed;  // DVC counts the `.dir` of a directory with a failed file as failed too
    } else if (!any_missing) {
      dirs_to_push.push_back(d.id);
    }
  }
  record(dirs_to_push, run_transfers(dirs_to_push, r.jobs, "Pushing", upload, crash));

  std::size_t needed = new_files.size();
  for (const auto& d : group.dirs)
    if (!present.count(d.id.value) && !missing.count(d.id.value)) ++needed;
  result.transferred += needed - std::min(needed, failed);
  result.failed += failed;
  return ok();
}

}  // namespace

Expected<TransferResult> push(Repository& repo, const TransferOptions& options) {
  ASSIGN_OR_RETURN(auto outputs,
                   collect_used_outputs(repo, options.targets, Purpose::push, options.remote, options.more_outputs));
  std::optional<CloudRemotes> own;
  CloudRemotes* remotes = options.remotes;
  if (!remotes) remotes = &own.emplace(repo, options.jobs, "push");
  // As DVC, a push with no remote to go to fails even when there is nothing to push.
  if (outputs.empty() && options.remote.empty()) TRY_STATUS(remotes->get(""));
  ASSIGN_OR_RETURN(auto plan, plan_transfer(*remotes, outputs, options.remote, NoRemote::error));
  TransferResult result;
  Status status = ok();
  for (auto& group : plan.groups) {
    status = load_manifests(repo, group, Manifests::cache_only);
    if (status) status = push_group(repo, group, result);
    if (!status) status = std::unexpected(status.error().with_context("remote '" + group.remote->name + "'"));
    if (!status) break;
  }
  remotes->save_indexes();  // what was confirmed stays confirmed, even after an error
  TRY_STATUS(status);
  std::sort(result.failures.begin(), result.failures.end(),
            [](const TransferFailure& a, const TransferFailure& b) { return a.oid < b.oid; });
  std::sort(result.missing.begin(), result.missing.end());
  return result;
}

}  // namespace cairn::repo
