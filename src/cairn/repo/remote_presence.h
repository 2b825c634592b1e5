// remote_presence: which of a set of objects a remote holds, asking it as little as possible
// (DVC's dvc_data/hashfile/status.py status() and dvc_objects/db.py oids_exist()).
//
// Order of the checks, each on what the previous ones left open:
// 1. The RemoteIndex (remote_index.h): wanted ids it holds are taken as present after a
//    random sample of them (k_index_sample, `.dir` ids first) was confirmed with stat; any
//    sampled id missing clears the whole index and nothing from it is trusted.
// 2. `.dir` ids: one stat each; a `.dir` the remote holds implies every file it lists (DVC's
//    rule: a `.dir` is uploaded only after all its files).
// 3. The rest, as DVC estimates: a single id is stat'ed. Otherwise the `00/` prefix is listed
//    and the remote's size estimated as 256 x its count; when the ids are fewer than the
//    estimated number of listing pages (x5 above 500k objects) they are stat'ed, otherwise
//    the whole layout is listed (one listing, or the 256 prefixes in parallel when the remote
//    is large) and intersected.
// Every id found present is inserted into the index. Stats run on `jobs` threads.
//
// Layouts: HashName::md5 objects live under `files/md5/`, legacy ones at the root (whose
// listing is always done per prefix, so `files/` and `runs/` are never walked).
// A remote whose root does not exist is empty when MissingRoot::empty (local folders and mem
// stores are created on first push) and an error otherwise (a missing bucket).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cairn/object/hash_info.h"
#include "cairn/remote/remote.h"
#include "cairn/repo/remote_index.h"

namespace cairn::repo {

enum class MissingRoot { empty, error };

struct PresenceQuery {
  object::HashName layout = object::HashName::md5;
  std::vector<object::ObjectId> ids;  // unique, all of `layout`
  // The files each `.dir` in `ids` lists, when its manifest is known (`.dir` value -> ids).
  const std::unordered_map<std::string, std::vector<object::ObjectId>>* dir_files = nullptr;
};

struct PresenceOptions {
  std::size_t jobs = 1;
  MissingRoot missing_root = MissingRoot::error;
};

constexpr std::size_t k_index_sample = 4;

// The values (ObjectId::value) of the ids the remote holds. `index` may be null.
Expected<std::unordered_set<std::string>> remote_presence(remote::Remote& remote, RemoteIndex* index,
                                                          const PresenceQuery& query,
                                                          const PresenceOptions& options);

// The key of an object on a remote ("files/md5/ab/cdef…" or legacy "ab/cdef…").
std::string remote_key(const object::ObjectId& id);

}  // namespace cairn::repo
