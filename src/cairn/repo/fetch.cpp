#include "cairn/repo/fetch.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "cairn/repo/cloud_remotes.h"
#include "cairn/repo/object_transfer.h"
#include "cairn/repo/remote_presence.h"
#include "cairn/repo/transfer_plan.h"
#include "cairn/repo/used_objects.h"
#include "cairn/util/path.h"

namespace cairn::repo {

using object::ObjectId;

namespace {

Status fetch_group(Repository& repo, ObjectGroup& group, TransferResult& result) {
  CloudRemote& r = *group.remote;
  std::vector<ObjectId> ids;
  for (auto& o : group.objects()) ids.push_back(std::move(o.id));
  ASSIGN_OR_RETURN(auto absent_local, repo.store().missing_of(ids, r.jobs));
  // A damaged manifest in the cache counts as absent (it is replaced by the remote's).
  for (const auto& d : group.dirs)
    if (!d.in_cache && std::find(absent_local.begin(), absent_local.end(), d.id) == absent_local.end())
      absent_local.push_back(d.id);
  if (absent_local.empty()) return ok();

  // Which of them the remote holds. A manifest read in load_manifests() is there, and so are
  // its files (a `.dir` is pushed after its files); every other `.dir` is asked for too, as
  // DVC does, so its files need no request of their own when it is there.
  auto dir_files = group.dir_files();
  std::unordered_set<std::string> present;
  for (const auto& d : group.dirs) {
    if (!d.remote_bytes) continue;
    present.insert(d.id.value);
    for (const auto& f : dir_files[d.id.value]) present.insert(f.value);
  }
  std::vector<ObjectId> to_check;
  std::unordered_set<std::string> asked;
  for (const auto& id : absent_local)
    if (!present.count(id.value) && asked.insert(id.value).second) to_check.push_back(id);
  for (const auto& d : group.dirs)
    if (d.tree && !present.count(d.id.value) && asked.insert(d.id.value).second) to_check.push_back(d.id);
  PresenceQuery query{group.layout, to_check, &dir_files};
  ASSIGN_OR_RETURN(auto found, remote_presence(*r.remote, r.index.get(), query, r.presence_options()));
  present.merge(found);
  for (const auto& d : group.dirs)
    if (d.remote_bytes) r.index->insert(d.id);

  std::unordered_set<std::string> missing;
  std::vector<ObjectId> new_files;
  std::unordered_set<std::string> new_dirs;
  for (const auto& id : absent_local) {
    if (!present.count(id.value)) {
      missing.insert(id.value);
      result.missing.push_back(hash_info_text(id));
    } else if (id.is_dir()) {
      new_dirs.insert(id.value);
    } else {
      new_files.push_back(id);
    }
  }

  std::size_t failed = 0;
  std::unordered_set<std::string> failed_ids;
  auto record = [&](const std::vector<ObjectId>& batch, const std::vector<Status>& statuses) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (statuses[i]) {
        r.index->insert(batch[i]);
        result.downloaded.push_back(batch[i].value);
      } else {
        result.failures.push_back({batch[i].value, statuses[i].error().message(), statuses[i].error().code()});
        failed_ids.insert(batch[i].value);
        ++failed;
      }
    }
  };
  auto download = [&](const ObjectId& id, const remote::ByteProgress& progress) {
    return download_object(repo, *r.remote, id, progress);
  };
  TRY_STATUS(prepare_cache_dirs(repo, new_files));
  record(new_files, run_transfers(new_files, r.jobs, "Fetching", download));

  // Then the `.dir` of each directory whose files are all in the cache now.
  std::vector<ObjectId> dirs_to_fetch;
  std::vector<const PlannedDir*> dirs_in_memory;
  std::size_t needed = new_files.size();
  for (const auto& d : group.dirs) {
    if (!new_dirs.count(d.id.value)) continue;
    new_dirs.erase(d.id.value);
    ++needed;
    if (!d.tree) {  // known to the index only: its files are unknown, fetch the manifest alone
      dirs_to_fetch.push_back(d.id);
      continue;
    }
    bool any_failed = false, any_missing = false;
    for (const auto& e : d.tree->entries()) {
      any_failed = any_failed || failed_ids.count(e.md5);
      any_missing = any_missing || missing.count(e.md5);
    }
    if (any_failed) {
      ++failed;
    } else if (any_missing) {
      // DVC skips the `.dir` but still counts it as transferred.
    } else if (d.remote_bytes) {
      dirs_in_memory.push_back(&d);
    } else {
      dirs_to_fetch.push_back(d.id);
    }
  }
  for (const auto* d : dirs_in_memory) {
    repo.env()->crash_point("fetch.before_rename");
    auto put = repo.store().put_bytes(d->id, *d->remote_bytes);
    if (!put) {
      result.failures.push_back({d->id.value, put.error().message(), put.error().code()});
      ++failed;
    }
  }
  TRY_STATUS(prepare_cache_dirs(repo, dirs_to_fetch));
  record(dirs_to_fetch, run_transfers(dirs_to_fetch, r.jobs, "Fetching", download));

  result.transferred += needed - std::min(needed, failed);
  result.failed += failed;
  return ok();
}

// Partial imports come from their source (DVC adds the dependency's filesystem as the
// output's remote storage); the output has no recorded hash, so each fetch re-reads it.
Status fetch_partial_imports(Repository& repo, const TransferOptions& options, TransferResult& result) {
  ASSIGN_OR_RETURN(auto files, collect_partial_imports(repo, options.targets));
  for (const auto& file : files) {
    auto fetched = import_url_fetch(repo, file, options.jobs);
    if (!fetched) {
      std::string out = repo.rel_to_cwd(path::normalize(path::join(file.base_dir(), file.outs[0].path)));
      result.failures.push_back({out, fetched.error().message(), fetched.error().code()});
      ++result.failed;
      continue;
    }
    result.transferred += fetched->fetched.is_dir ? fetched->fetched.files.size() : 1;
    result.imports.push_back(std::move(*fetched));
  }
  return ok();
}

}  // namespace

Expected<TransferResult> fetch(Repository& repo, const TransferOptions& options) {
  ASSIGN_OR_RETURN(auto outputs,
                   collect_used_outputs(repo, options.targets, Purpose::fetch, options.remote, options.more_outputs));
  std::optional<CloudRemotes> own;
  CloudRemotes* remotes = options.remotes;
  if (!remotes) remotes = &own.emplace(repo, options.jobs, "fetch");
  ASSIGN_OR_RETURN(auto plan, plan_transfer(*remotes, outputs, options.remote, NoRemote::skip));
  TransferResult result;
  // DVC warns whenever neither -r nor core.remote is set, whatever was skipped.
  result.no_default_remote = options.remote.empty() && !remotes->has_default();
  Status status = ok();
  for (auto& group : plan.groups) {
    status = load_manifests(repo, group, Manifests::cache_then_remote);
    if (status) status = fetch_group(repo, group, result);
    if (!status) status = std::unexpected(status.error().with_context("remote '" + group.remote->name + "'"));
    if (!status) break;
  }
  remotes->save_indexes();
  TRY_STATUS(status);
  TRY_STATUS(fetch_partial_imports(repo, options, result));
  std::sort(result.failures.begin(), result.failures.end(),
            [](const TransferFailure& a, const TransferFailure& b) { return a.oid < b.oid; });
  std::sort(result.missing.begin(), result.missing.end());
  return result;
}

}  // namespace cairn::repo
