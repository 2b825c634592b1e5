// POSIX path string helpers. Pure functions over '/'-separated strings; no filesystem access.
#pragma once

#include <string>
#include <string_view>

namespace cairn::path {

// "a" + "b" -> "a/b"; an absolute b wins; empty parts are skipped.
std::string join(std::string_view a, std::string_view b);
// Parent directory ("a/b" -> "a", "b" -> "", "/a" -> "/").
std::string parent(std::string_view p);
// Last component ("a/b" -> "b").
std::string basename(std::string_view p);
// Lexical normalization: collapses "//", "." and "x/.." (leading ".." kept for relative paths).
std::string normalize(std::string_view p);
// Relative path from base to p, both absolute and normalized ("/a/b/c", "/a" -> "b/c").
std::string relative(std::string_view p, std::string_view base);
// Absolute normalized path of p against cwd.
std::string absolute(std::string_view p, std::string_view cwd);
// True if p is inside (or equal to) dir, lexically.
bool is_within(std::string_view p, std::string_view dir);
// A relpath that is safe to join under a root: not empty, not absolute, no "..", "." or empty
// components, no NUL and no backslash-only tricks.
bool is_safe_relpath(std::string_view p);

}  // namespace cairn::path
