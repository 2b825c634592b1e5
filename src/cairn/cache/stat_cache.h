// StatCache: remembers the MD5 of files by (device, inode, size, mtime_ns, hash mode) so an
// unchanged file is never read twice (docs/format/cairn-state.md §statcache).
//
// Stored in `.dvc/tmp/cairn/statcache` (this clone only; safe to delete). Lookups are
// lock-free after load(); insert() takes a mutex. save() merges into the file atomically and
// only when something was inserted. Entries whose mtime is within k_racy_ns of the moment
// the file is saved are dropped then (the file could change again within the same
// timestamp tick without changing its mtime: git's "racy" index entries).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/util/md5.h"

namespace cairn::cache {

struct StatKey {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint8_t mode = 0;  // HashMode
  friend bool operator==(const StatKey&, const StatKey&) = default;
};

struct StatKeyHash {
  std::size_t operator()(const StatKey& k) const noexcept {
    std::uint64_t h = k.ino * 0x9E3779B97F4A7C15ULL;
    h ^= (k.dev + 0x632BE59BD9B4E019ULL) + (h << 6) + (h >> 2);
    h ^= (k.size + static_cast<std::uint64_t>(k.mtime_ns)) * 0xBF58476D1CE4E5B9ULL;
    return static_cast<std::size_t>(h ^ k.mode);
  }
};

StatKey stat_key(const env::FileStat& st, HashMode mode);

class StatCache {
 public:
  static constexpr std::int64_t k_racy_ns = 20'000'000;  // 20 ms

  StatCache(env::Env* env, std::string file) : m_env(env), m_file(std::move(file)) {}

  // Loads the file; a missing or damaged file gives an empty cache (it is only a cache).
  void load();
  std::optional<Md5Digest> lookup(const StatKey& key) const;
  void insert(const StatKey& key, const Md5Digest& md5);
  // REQUIRES: now_ns is the current wall-clock time (ns since the epoch).
  Status save(std::int64_t now_ns);

  std::size_t size() const { return m_map.size(); }

 private:
  using Value = Md5Digest;
  // The loaded entries: an open-addressing table (linear probing, ino == 0 marks an empty
  // slot, ~1.4 slots per entry), one cache miss per lookup instead of a node chase.
  class FlatMap {
   public:
    void reserve(std::size_t n);
    // Inserts or replaces; grows when needed.
    void put(const StatKey& k, const Value& v);
    const Value* find(const StatKey& k) const;
    std::size_t size() const { return m_size; }
    template <class F>
    void for_each(F&& f) const {
      for (const auto& s : m_slots)
        if (s.key.ino != 0) f(s.key, s.value);
    }

   private:
    struct Slot {
      StatKey key;
      Value value;
    };
    std::size_t slot_of(const StatKey& k) const;
    std::vector<Slot> m_slots;
    std::size_t m_size = 0;
  };
  env::Env* m_env;
  std::string m_file;
  FlatMap m_map;
  std::unordered_map<StatKey, Value, StatKeyHash> m_new;
  mutable std::mutex m_mu;
};

}  // namespace cairn::cache
