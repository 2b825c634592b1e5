#include "cairn/catalog/regex_check.h"

namespace cairn::catalog {

std::optional<std::string> check_regex(std::string_view pattern) {
  try {
    std::regex re(pattern.begin(), pattern.end(), std::regex::ECMAScript);
    return std::nullopt;
  } catch (const std::regex_error& e) {
    return std::string(e.what());
  }
}

std::unique_ptr<CompiledRegex> CompiledRegex::compile(std::string_view pattern) {
  try {
    return std::unique_ptr<CompiledRegex>(
        new CompiledRegex(std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript)));
  } catch (const std::regex_error&) {
    return nullptr;
  }
}

bool CompiledRegex::search(std::string_view text) const {
  try {
    return std::regex_search(text.begin(), text.end(), m_re);
  } catch (const std::regex_error&) {  // e.g. complexity limits: treat as no match
    return false;
  }
}

}  // namespace cairn::catalog
