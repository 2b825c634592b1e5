// ObjectStore: the local content-addressed cache (`.dvc/cache` or `cache.dir`), laid out as
// DVC 3 does: `<root>/files/md5/ab/cdef…` (and legacy `<root>/ab/cdef…`), see
// docs/format/repository.md §cache.
//
// Invariants: an object is only ever visible at its final name with its full, verified bytes
// (written to a temp name in the same directory, then renamed) and mode 0444. The store only
// grows until gc. Thread-safe: concurrent inserts of the same object are harmless (the rename
// of identical bytes is idempotent).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/object/hash_info.h"
#include "cairn/object/tree.h"

namespace cairn::cache {

enum class Verify { trust_mode, full };

class ObjectStore {
 public:
  ObjectStore(env::Env* env, std::string root) : m_env(env), m_root(std::move(root)) {}

  const std::string& root() const { return m_root; }
  std::string path_of(const object::ObjectId& id) const;

  // True if an object file exists at the id's path (no verification).
  Expected<bool> exists(const object::ObjectId& id);
  // Checks that the object's bytes hash to its name. With Verify::trust_mode a 0444 file is
  // trusted as DVC does; any other mode is re-hashed. Returns false (not an error) if missing;
  // ErrorCode::corrupt if the bytes do not match.
  Expected<bool> verify(const object::ObjectId& id, Verify verify = Verify::full);

  // Inserts an object from bytes already in memory (small files, manifests). Returns
  // whether it was added (false: it was already there).
  Expected<bool> put_bytes(const object::ObjectId& id, std::string_view data);
  // Inserts an object by copying `src` (reflink first, then a byte copy); the copy is
  // re-hashed while copying and refused (corrupt) if the source changed underneath.
  Status put_file(const object::ObjectId& id, const std::string& src);
  // Stores a file whose id is not known yet in one pass: reads it once, hashing while
  // writing a temp file in the store, then renames the temp file to the object's name (or
  // drops it if the object exists). Returns the hex digest and size.
  struct Stored {
    std::string md5;
    std::uint64_t size = 0;
  };
  Expected<Stored> put_file_hashing(const std::string& src, object::HashName name);
  // Reads a manifest object and parses it (corrupt if its bytes do not hash to its id).
  Expected<object::Tree> read_tree(const object::ObjectId& id);

  // For many ids: which are present, by listing the needed prefix directories (one readdir
  // per prefix instead of one stat per object). Returns the ids that are missing.
  Expected<std::vector<object::ObjectId>> missing_of(const std::vector<object::ObjectId>& ids,
                                                     std::size_t jobs);

  // Every object id present (both layouts), for gc and tests.
  Expected<std::vector<object::ObjectId>> list_all();
  Status remove(const object::ObjectId& id);
  // Deletes temp files (".<name>.<random>.tmp") left in prefix directories by killed writers.
  // REQUIRES: the repository lock is held (no writer is active).
  Expected<std::size_t> remove_temp_files();

 private:
  Status install_tmp(const std::string& tmp, const std::string& final_path);
  // Creates the object's two-character prefix directory once per process.
  Status ensure_prefix_dir(const object::ObjectId& id, const std::string& final_path);

  env::Env* m_env;
  std::string m_root;
  std::array<std::atomic<bool>, 512> m_prefix_ready{};  // [layout * 256 + prefix byte]
};

}  // namespace cairn::cache
