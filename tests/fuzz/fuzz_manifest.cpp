// Fuzz target: `.dir` manifests (read from caches and remotes). Any input must either be
// refused with an Error or parse into a tree whose entries are all safe relative paths and
// whose serialization parses back to the same tree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cairn/object/tree.h"
#include "cairn/util/path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tree = cairn::object::Tree::parse(text, "fuzz");
  if (!tree) return 0;
  for (const auto& e : tree->entries())
    if (!cairn::path::is_safe_relpath(e.relpath)) std::abort();
  auto again = cairn::object::Tree::parse(tree->serialize(), "fuzz");
  if (!again || again->serialize() != tree->serialize()) std::abort();
  return 0;
}
