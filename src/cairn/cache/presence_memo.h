// PresenceMemo: remembers that every object listed by a `.dir` manifest (and the manifest
// itself) was present in the cache, so `status` of an unchanged 100k-file directory does not
// list the cache again (docs/format/cairn-state.md §presence).
//
// A memo entry is (manifest id, cache fingerprint). The fingerprint is the MD5 of the inode
// and mtime_ns of each of the 256 prefix directories of the manifest's layout: adding or
// removing any object changes its prefix directory's mtime, which invalidates every entry
// (the next check lists the cache again and re-records). A fingerprint is not taken while any
// prefix directory was modified within k_racy_ns of now (a removal in the same timestamp
// tick could go unseen), as the stat cache's racy rule. Object corruption is out of scope, as
// for DVC's status (0444 objects are trusted; checkout re-hashes what it links).
//
// Stored in `.dvc/tmp/cairn/presence` (this clone only; safe to delete); at most k_max
// entries, most recent kept. Thread-compatible (one command uses it from one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/cache/object_store.h"
#include "cairn/util/md5.h"

namespace cairn::cache {

class PresenceMemo {
 public:
  static constexpr std::int64_t k_racy_ns = 20'000'000;  // 20 ms
  static constexpr std::size_t k_max = 256;

  PresenceMemo(env::Env* env, std::string file) : m_env(env), m_file(std::move(file)) {}

  // Loads the file once; a missing or damaged file is an empty memo.
  void load();
  // The fingerprint of the layout `name` of `store`, or nullopt when it is racy at now_ns.
  Expected<std::optional<Md5Digest>> fingerprint(ObjectStore& store, object::HashName name,
                                                 std::int64_t now_ns);
  bool contains(const object::ObjectId& dir_id, const Md5Digest& fingerprint) const;
  void insert(const object::ObjectId& dir_id, const Md5Digest& fingerprint);
  // Writes the file if an entry was inserted (atomically; errors are the caller's to ignore).
  Status save();

 private:
  struct Entry {
    std::string dir_id;  // "<md5>.dir" plus the hash name
    Md5Digest fingerprint;
  };
  static std::string key_of(const object::ObjectId& id);
  env::Env* m_env;
  std::string m_file;
  bool m_loaded = false;
  bool m_dirty = false;
  std::vector<Entry> m_entries;  // oldest first
};

}  // namespace cairn::cache
