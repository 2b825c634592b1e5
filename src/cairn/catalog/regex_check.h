// Regex validation and matching shared by the query parser and the SQLite REGEXP function.
//
// Contract: patterns are ECMAScript (std::regex) syntax, matched with search semantics (the
// pattern may match anywhere, like Mongo's $regex). check_regex returns the compiler's reason
// for a bad pattern; CompiledRegex never throws.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace cairn::catalog {

// Empty optional when the pattern compiles, else the reason it does not.
std::optional<std::string> check_regex(std::string_view pattern);

class CompiledRegex {
 public:
  // nullptr when the pattern does not compile.
  static std::unique_ptr<CompiledRegex> compile(std::string_view pattern);
  bool search(std::string_view text) const;

 private:
  explicit CompiledRegex(std::regex re) : m_re(std::move(re)) {}
  std::regex m_re;
};

}  // namespace cairn::catalog
