// libFuzzer target: IniFile::parse on arbitrary bytes; on success, dump() must produce text
// that parses back to a config with the same dump (DVC's save/load round trip).
//
// Known non-round-trips that DVC (ConfigObj) shares are tolerated: ConfigObj only quotes
// values for ASCII whitespace, so keys/values that start or end with other Unicode
// whitespace or contain line-separator characters (\v \f \x1c-\x1e U+0085 U+2028 U+2029),
// or keys containing '=', do not survive a save/load cycle in DVC either.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cairn/repo/ini.h"

namespace {

bool has_hazard(std::string_view text) {
  static constexpr std::string_view k_hazards[] = {
      "\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f", "\xc2\x85", "\xc2\xa0", "\xe2\x80\xa8",
      "\xe2\x80\xa9", "\xe1\x9a\x80", "\xe2\x80", "\xe2\x81\x9f", "\xe3\x80\x80", "\r"};
  for (auto h : k_hazards) {
    if (text.find(h) != std::string_view::npos) return true;
  }
  return false;
}

bool key_hazard(const cairn::repo::IniFile& f) {
  auto bad = [](const std::string& k) { return k.find('=') != std::string::npos; };
  for (const auto& [k, v] : f.root()) {
    if (bad(k)) return true;
  }
  for (const auto& s : f.sections()) {
    for (const auto& [k, v] : s.entries) {
      if (bad(k)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = cairn::repo::IniFile::parse(input, "fuzz");
  if (!parsed) return 0;
  auto dumped = parsed->dump();
  if (!dumped) return 0;  // unquotable value: DVC fails to save it too
  auto again = cairn::repo::IniFile::parse(*dumped, "fuzz");
  if (has_hazard(*dumped) || key_hazard(*parsed)) return 0;
  if (!again) std::abort();
  auto dumped_again = again->dump();
  if (!dumped_again || *dumped_again != *dumped) std::abort();
  return 0;
}
