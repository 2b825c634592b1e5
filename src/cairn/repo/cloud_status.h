// cloud_status: the cache compared with a remote for the used outputs (DVC 3.67's
// `dvc status -c`: dvc/repo/status.py _cloud_status, dvc/data_cloud.py status,
// dvc_data/hashfile/status.py compare_status).
//
// Each object of the outputs in scope (Purpose::status: outputs with a `remote:` field or
// `push: false` are left out, as DVC does) is
//   new      in the cache, not on the remote
//   deleted  on the remote, not in the cache
//   missing  in neither
// and objects in both are not reported. Objects are named as DVC names them (the output, or
// "<output>/<relpath>" inside a directory; an object listed twice keeps its first name).
// A directory whose manifest is not in the cache is read from the remote and stored in the
// cache (DVC pulls it too); one neither has is skipped with DVC's missing-cache warning
// (`unavailable_dirs`). The remote is asked through remote_presence.h (its index first);
// what it was found to hold is recorded in the index.
// REQUIRES: the repository lock is held.
#pragma once

#include <string>
#include <vector>

#include "cairn/repo/repository.h"
#include "cairn/repo/transfer.h"

namespace cairn::repo {

struct CloudStatusEntry {
  std::string name;
  std::string state;  // deleted | new | missing
};

struct CloudStatusResult {
  // Grouped by state in DVC's order (deleted, new, missing), each group sorted by name.
  std::vector<CloudStatusEntry> entries;
  // `.dir` ids whose manifest neither the cache nor the remote has ("name: None, md5: <id>").
  std::vector<std::string> unavailable_dirs;
  // `.dvc` files in the repository (0: DVC's "no data or pipelines tracked" message); only
  // counted when `entries` is empty.
  std::size_t tracked_files = 0;
};

// TransferOptions::remote is the `-r` name; targets, jobs and remotes as for push.
Expected<CloudStatusResult> cloud_status(Repository& repo, const TransferOptions& options);

}  // namespace cairn::repo
