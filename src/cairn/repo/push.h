// push: uploads the cache objects of the used outputs (used_objects.h) that their remotes do
// not hold yet (DVC 3.67's `dvc push` for the workspace: dvc/repo/push.py,
// dvc_data/index/push.py, dvc_data/hashfile/transfer.py).
//
// Per remote and layout (transfer_plan.h): which objects the remote holds is found with
// remote_presence.h; objects it lacks that the cache lacks too are `missing` (warned, never
// an error); the others are uploaded on `jobs` threads (object_transfer.h), every file
// first, then the `.dir` of each directory whose files all succeeded and none of which is
// missing — so a `.dir` on a remote always means its files are there, even after a crash.
// Objects confirmed on the remote or uploaded are recorded in its RemoteIndex.
//
// Errors: a failure to upload one object is reported in the result (the others go on); a
// remote that cannot be used at all (no such remote, unreachable, missing bucket, rejected
// credentials) fails the whole push before anything is uploaded. Crash points:
// "push.after_upload" after each uploaded object, "push.before_dirs" before the `.dir` phase.
// REQUIRES: the repository lock is held.
#pragma once

#include "cairn/repo/repository.h"
#include "cairn/repo/transfer.h"

namespace cairn::repo {

Expected<TransferResult> push(Repository& repo, const TransferOptions& options);

}  // namespace cairn::repo
