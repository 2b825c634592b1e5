// TreeMemo: remembers the `.dir` id of a walked directory by a fingerprint of its walk (every
// file's relpath, device, inode, size, mtime_ns and execute bit), so `status` of an
// unchanged tree needs one stat per file and no stat-cache lookups or manifest hashing
// (docs/format/cairn-state.md §trees).
//
// Soundness: the same fingerprint means the same files with the same (dev, inode, size,
// mtime_ns), which is exactly what the stat cache trusts per file. A walk whose newest file
// mtime is within k_racy_ns of now is not recorded (the stat cache's racy rule).
//
// Stored in `.dvc/tmp/cairn/trees` (this clone only; safe to delete); at most k_max entries,
// most recent kept. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/util/md5.h"

namespace cairn::cache {

struct TreeMemoValue {
  std::string dir_md5;  // "<32 hex>.dir"
  std::uint64_t size = 0;
  std::uint64_t nfiles = 0;
};

class TreeMemo {
 public:
  static constexpr std::int64_t k_racy_ns = 20'000'000;  // 20 ms
  static constexpr std::size_t k_max = 1024;

  TreeMemo(env::Env* env, std::string file) : m_env(env), m_file(std::move(file)) {}

  void load();
  // `key` names the walked directory and hash mode ("md5:/abs/path").
  std::optional<TreeMemoValue> lookup(const std::string& key, const Md5Digest& fingerprint) const;
  void insert(const std::string& key, const Md5Digest& fingerprint, TreeMemoValue value);
  Status save();

 private:
  struct Entry {
    std::string key;
    Md5Digest fingerprint;
    TreeMemoValue value;
  };
  env::Env* m_env;
  std::string m_file;
  bool m_loaded = false;
  bool m_dirty = false;
  std::vector<Entry> m_entries;  // oldest first
};

}  // namespace cairn::cache
