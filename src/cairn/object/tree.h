// Tree: the `.dir` manifest of a tracked directory (docs/format/repository.md §manifest).
//
// Bytes = Python `json.dumps(entries, sort_keys=True)`: a JSON array of
// {"md5": "<hex>", "relpath": "<a/b>"} objects, sorted by relpath in code-point order, files
// only, ", " and ": " separators, non-ASCII as \uXXXX, no trailing newline. The directory's
// object id is md5(bytes) + ".dir".
//
// parse() refuses (ErrorCode::corrupt) a manifest that is not such an array, or whose relpath
// is absolute, contains "..", "." or empty components, or is duplicated — before any caller
// writes anything based on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/object/hash_info.h"
#include "cairn/util/error.h"

namespace cairn::object {

struct TreeEntry {
  std::string relpath;  // '/'-separated, relative to the tracked directory
  std::string md5;      // 32 hex
  std::uint64_t size = 0;  // not serialized; known when built from a walk
  bool isexec = false;     // not serialized
};

class Tree {
 public:
  Tree() = default;
  explicit Tree(std::vector<TreeEntry> entries);  // sorts

  const std::vector<TreeEntry>& entries() const { return m_entries; }
  std::string serialize() const;
  // md5 of serialize() + ".dir".
  ObjectId id(HashName name = HashName::md5) const;

  // `origin` names the manifest in error messages.
  static Expected<Tree> parse(std::string_view bytes, std::string_view origin);

 private:
  template <class Fail>
  static Expected<Tree> checked(std::vector<TreeEntry> entries, const Fail& fail);

  std::vector<TreeEntry> m_entries;
};

}  // namespace cairn::object
