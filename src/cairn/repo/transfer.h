// Transfers between the cache and remotes: the options and result shared by push, fetch and
// pull (push.h, fetch.h, pull.h), and the parallel runner they move objects with.
//
// Counts follow DVC 3.67 (dvc_data/hashfile/transfer.py) so the CLI prints DVC's text:
// `transferred` = the objects that needed a transfer minus the failed ones (a `.dir` whose
// upload was skipped because one of its files is missing everywhere still counts, as in
// DVC); `failed` counts each object that failed plus the `.dir` of every directory with a
// failed file (that `.dir` is never transferred). `missing` lists the objects found neither
// in the cache nor on the remote, as DVC's warning prints them ("md5: <id>").
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "cairn/object/hash_info.h"
#include "cairn/remote/remote.h"
#include "cairn/repo/import_url.h"
#include "cairn/repo/used_objects.h"
#include "cairn/util/error.h"

namespace cairn::repo {

class CloudRemotes;

struct TransferOptions {
  std::vector<std::string> targets;  // outputs or .dvc files (relative to the cwd); empty: all
  std::string remote;                // -r NAME; "" = each output's remote, else core.remote
  std::size_t jobs = 0;              // 0: the remote's `jobs` option, else default_transfer_jobs()
  CloudRemotes* remotes = nullptr;   // the remotes to use; null: opened from the config
  OutputSource more_outputs;         // outputs beyond `.dvc` files (used_objects.h); may be empty
};

struct TransferFailure {
  std::string oid;      // the object id (as DVC names it in "failed to transfer '<oid>'")
  std::string message;  // the cause (secrets redacted by the remote layer)
  ErrorCode code = ErrorCode::io;
};

struct TransferResult {
  std::size_t transferred = 0;
  std::size_t failed = 0;
  std::vector<TransferFailure> failures;  // one per object that failed, sorted by oid
  std::vector<std::string> missing;       // "md5: <id>" (or "md5-dos2unix: <id>"), sorted
  // fetch/pull: neither -r nor core.remote is set (outputs without a `remote:` field were
  // skipped; DVC then warns "No remote provided and no default remote set.").
  bool no_default_remote = false;
  // fetch/pull: partial imports (--no-download) taken from their source into the cache, in
  // `.dvc` file order; their files count in `transferred`, a source that failed in `failed`.
  std::vector<ImportFetch> imports;
  // fetch/pull: the objects downloaded into the cache by this call (each verified against its
  // md5 on arrival), so pull's checkout need not hash them again.
  std::vector<std::string> downloaded;
};

// "md5: <id>" or "md5-dos2unix: <id>" (DVC's str(HashInfo)).
std::string hash_info_text(const object::ObjectId& id);

// Runs `op(id, byte_progress)` for every id on `jobs` threads under one progress bar labelled
// `label` (drawn on a terminal only). Returns one Status per id, in order. `after_each` (may
// be empty) runs on the worker right after each success (crash points, bookkeeping).
std::vector<Status> run_transfers(const std::vector<object::ObjectId>& ids, std::size_t jobs, const std::string& label,
                                  const std::function<Status(const object::ObjectId&, const remote::ByteProgress&)>& op,
                                  const std::function<void(const object::ObjectId&)>& after_each = {});

}  // namespace cairn::repo
