// RemoteIndex: which objects one remote is known to hold, remembered between commands so a
// no-op push or `status -c` of 100k objects asks the remote (almost) nothing
// (docs/format/cairn-state.md §remote-index). cairn's counterpart of DVC's per-remote index in
// its site cache; DVC never reads it.
//
// One file per remote location in `.dvc/tmp/cairn/remote-index/<md5 of the location>`; the
// location is the remote's URL plus its endpoint (two servers holding a bucket of the same
// name never share an index). Entries are object ids with their layout (files/md5 or the
// legacy root); a `.dir` entry is recorded with the files it lists, as DVC does.
//
// An entry is added only after the remote answered that it holds the object (stat, a
// listing, a successful upload or download), or for the files of a `.dir` it holds (a `.dir`
// is uploaded only after all its files). The index is a hint, never the truth: readers
// re-check a random sample of the entries they rely on with the remote and clear() the index
// on any miss (remote_presence.h). A missing or damaged file is an empty index.
// Thread-compatible: one command uses it from one thread at a time.
#pragma once

#include <array>
#include <cstring>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/object/hash_info.h"

namespace cairn::repo {

class RemoteIndex {
 public:
  // `state_dir`: `.dvc/tmp/cairn`; `location`: the remote's URL and endpoint (see above).
  RemoteIndex(env::Env* env, const std::string& state_dir, std::string location);

  // Reads the file (once). A missing, damaged or foreign-version file gives an empty index.
  void load();
  bool empty() const { return m_ids.empty(); }
  std::size_t size() const { return m_ids.size(); }
  bool contains(const object::ObjectId& id) const;
  void insert(const object::ObjectId& id);
  // Forgets every entry (the file is rewritten empty on save()).
  void clear();
  // Writes the file atomically if anything changed; errors are the caller's to ignore (the
  // index is only a cache).
  Status save();

  const std::string& file() const { return m_file; }

 private:
  // 16 digest bytes + a flags byte (bit 0: `.dir`, bit 1: legacy layout): a fixed-size key
  // kept inline in the set (no allocation per entry; 100k entries load in a few ms).
  using Key = std::array<unsigned char, 17>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      std::size_t h;  // the digest bytes are uniformly distributed: the first 8 are the hash
      std::memcpy(&h, k.data(), sizeof h);
      return h ^ k[16];
    }
  };
  static Key key_of(const object::ObjectId& id);

  env::Env* m_env;
  std::string m_file;
  std::string m_location;
  bool m_loaded = false;
  bool m_dirty = false;
  std::unordered_set<Key, KeyHash> m_ids;
};

}  // namespace cairn::repo
