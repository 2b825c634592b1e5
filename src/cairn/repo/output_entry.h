// OutputEntry: one `outs:` (or `deps:`) item of a `.dvc` file or dvc.lock
// (docs/format/repository.md §dvcfile), and its conversion to and from YAML nodes.
//
// The key order DVC writes in `.dvc` files is: md5, size, nfiles, isexec, hash, path, then
// annotations and flags (desc, type, labels, meta, cache, metric, plot, persist, remote, push).
// An entry without `hash:` is legacy (HashName::md5_dos2unix); its objects live at the cache
// root. Unknown keys read from a file are kept (in `extra`) and written back unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cairn/object/hash_info.h"
#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::repo {

struct OutputEntry {
  std::string path;                  // as written (relative to the .dvc file's dir, POSIX)
  object::ObjectId id;               // empty when nothing is recorded
  std::optional<std::uint64_t> size;
  std::optional<std::uint64_t> nfiles;
  bool isexec = false;
  bool cache = true;
  bool legacy_no_hash_key = false;   // read without `hash:` (legacy dos2unix entry)
  yaml::Node extra = yaml::Node::map();  // other keys in their order (desc, remote, push, ...)

  bool has_hash() const { return !id.empty(); }
};

// Reads one entry; `where` names file and position for errors.
Expected<OutputEntry> parse_output_entry(const yaml::Node& node, const std::string& where);

// The fresh YAML mapping for an entry in `.dvc` key order.
yaml::Node dump_output_entry(const OutputEntry& entry);

}  // namespace cairn::repo
