// Object ids and the hash kinds DVC uses (docs/format/repository.md §objects).
//
// An ObjectId is the MD5 hex of a file's bytes ("acbd18db…"), or of a `.dir` manifest with
// the suffix ".dir" ("22a16c9b….dir"). HashName::md5 objects live under `files/md5/` of a
// cache or remote; HashName::md5_dos2unix (DVC 2 legacy, an entry with no `hash:` key) live at
// the store root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::object {

enum class HashName { md5, md5_dos2unix };

struct ObjectId {
  std::string value;  // "<32 hex>" or "<32 hex>.dir"
  HashName name = HashName::md5;

  bool is_dir() const { return value.size() > 4 && value.ends_with(".dir"); }
  bool empty() const { return value.empty(); }
  // The 32-hex digest without the ".dir" suffix.
  std::string_view digest() const { return std::string_view(value).substr(0, 32); }
  friend bool operator==(const ObjectId&, const ObjectId&) = default;
};

// True for "<32 lowercase hex>" or "<32 lowercase hex>.dir".
bool is_valid_object_id(std::string_view value);

// Relative path of an object inside a store: "files/md5/ab/cdef…" (md5) or "ab/cdef…" (legacy).
std::string object_relpath(const ObjectId& id);

}  // namespace cairn::object
