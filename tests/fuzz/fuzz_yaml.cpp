// libFuzzer target for cairn::yaml: any document parse() accepts must survive
// emit() -> parse() unchanged (Node equality ignores line numbers), and emit() must be a
// fixed point after one round; carry_comments() of the input's comments onto the emitted text
// must never change what the text means (it parses to the same document). Aborts on violation so both libFuzzer and the standalone
// driver (standalone_main.cpp) report it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cairn/util/yaml_comments.h"
#include "cairn/util/yaml_node.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = cairn::yaml::parse(text, "fuzz.yaml");
  if (!first) return 0;
  std::string emitted = cairn::yaml::emit(*first);
  auto second = cairn::yaml::parse(emitted, "emitted.yaml");
  if (!second) {
    std::fprintf(stderr, "emitted YAML does not parse: %s\n--- emitted ---\n%s\n",
                 second.error().message().c_str(), emitted.c_str());
    std::abort();
  }
  if (!(*second == *first)) {
    std::fprintf(stderr, "round trip changed the document\n--- emitted ---\n%s\n", emitted.c_str());
    std::abort();
  }
  std::string again = cairn::yaml::emit(*second);
  if (again != emitted) {
    std::fprintf(stderr, "emit is not stable\n--- first ---\n%s\n--- second ---\n%s\n", emitted.c_str(),
                 again.c_str());
    std::abort();
  }
  std::string carried = cairn::yaml::carry_comments(text, emitted, emitted);
  auto third = cairn::yaml::parse(carried, "carried.yaml");
  if (!third || !(*third == *first)) {
    std::fprintf(stderr, "carrying comments changed the document\n--- carried ---\n%s\n", carried.c_str());
    std::abort();
  }
  return 0;
}
