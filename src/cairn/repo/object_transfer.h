// Moving one object between the local cache and a remote, with its bytes checked on both
// sides (docs/format/repository.md §cache for the layout; remote keys: remote_presence.h).
//
// upload_object: objects up to k_verify_in_memory bytes are read once, re-hashed in memory
//   and sent with put_bytes, so a damaged cache object is never uploaded (ErrorCode::corrupt);
//   larger ones are streamed with put_file after ObjectStore::verify(Verify::trust_mode) (a
//   0444 object is trusted, as DVC trusts it; any other mode is re-hashed first).
// download_object: the object is written to a temp name in its cache directory, re-hashed
//   (DVC 2's dos2unix rule for legacy ids), and a `.dir` is also parsed and path-checked
//   (object/tree.h); only then is it made 0444 and renamed to its name. A download that does
//   not match is an ErrorCode::corrupt error naming the object and the remote, and nothing
//   is left in the cache. The crash point "fetch.before_rename" sits before the rename.
// fetch_manifest: a `.dir` read into memory, checked the same way, without touching the cache.
// Byte progress is reported through `progress` (may be empty). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cairn/object/tree.h"
#include "cairn/remote/remote.h"
#include "cairn/repo/repository.h"

namespace cairn::repo {

constexpr std::uint64_t k_verify_in_memory = 4u << 20;

Status upload_object(Repository& repo, remote::Remote& remote, const object::ObjectId& id,
                     const remote::ByteProgress& progress);

// REQUIRES: the object's directory in the cache exists (prepare_cache_dirs).
Status download_object(Repository& repo, remote::Remote& remote, const object::ObjectId& id,
                       const remote::ByteProgress& progress);

// Creates the cache directories (`files/md5/ab`, or the legacy `ab`) the ids will be stored
// in, each once (a 100k-object fetch then costs at most 256 mkdir calls, not 100k).
Status prepare_cache_dirs(Repository& repo, const std::vector<object::ObjectId>& ids);

struct FetchedManifest {
  std::string bytes;
  object::Tree tree;
};
// not_found when the remote does not hold it.
Expected<FetchedManifest> fetch_manifest(remote::Remote& remote, const object::ObjectId& id);

}  // namespace cairn::repo
