// fetch: downloads into the cache the objects of the used outputs that the cache lacks (DVC
// 3.67's `dvc fetch` for the workspace: dvc/repo/fetch.py, dvc_data/index/fetch.py,
// dvc_data/hashfile/transfer.py).
//
// Per remote and layout (transfer_plan.h): a directory's manifest missing from the cache is
// read from the remote first (verified, kept in memory). The objects the cache lacks are
// looked up on the remote (remote_presence.h; objects neither side has are `missing`, a
// warning); the others are downloaded on `jobs` threads, each verified before it becomes
// visible (object_transfer.h): every file first, then the `.dir` of each directory whose
// files all arrived and none of which is missing, so a `.dir` in the cache means its files
// are there too. Objects the remote was found to hold are recorded in its RemoteIndex.
//
// Outputs without a remote (no `remote:` field, no -r, no core.remote) are skipped and
// reported (TransferResult::no_default_remote), as DVC does. A failed or corrupt download is
// reported per object and leaves nothing in the cache; a remote that cannot be used at all
// fails the whole fetch before anything is written.
//
// Partial imports (`import-url --no-download`, used_objects.h collect_partial_imports) are
// read from their source into the cache, whatever -r says (DVC 3.67 does the same); the
// source must still match the recorded dependency, else that import fails ("changed since it
// was imported": run `update`). They are listed in TransferResult::imports for pull.
// REQUIRES: the repository lock is held.
#pragma once

#include "cairn/repo/repository.h"
#include "cairn/repo/transfer.h"

namespace cairn::repo {

Expected<TransferResult> fetch(Repository& repo, const TransferOptions& options);

}  // namespace cairn::repo
