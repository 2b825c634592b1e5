#include "cairn/util/path.h"

#include <vector>

namespace cairn::path {

std::string join(std::string_view a, std::string_view b) {
  if (b.empty()) return std::string(a);
  if (a.empty() || b.front() == '/') return std::string(b);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  out.append(b);
  return out;
}

std::string parent(std::string_view p) {
  auto slash = p.find_last_of('/');
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  return std::string(p.substr(0, slash));
}

std::string basename(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  auto slash = p.find_last_of('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

std::string normalize(std::string_view p) {
  bool abs = !p.empty() && p.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i <= p.size()) {
    auto j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    auto part = p.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (abs) continue;
    }
    parts.push_back(part);
  }
  std::string out = abs ? "/" : "";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k) out.push_back('/');
    out.append(parts[k]);
  }
  if (out.empty()) out = ".";
  return out;
}

std::string relative(std::string_view p, std::string_view base) {
  std::string np = normalize(p), nb = normalize(base);
  if (np == nb) return ".";
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    std::size_t i = 0;
    while (i < s.size()) {
      auto j = s.find('/', i);
      if (j == std::string::npos) j = s.size();
      if (j > i) v.push_back(s.substr(i, j - i));
      i = j + 1;
    }
    return v;
  };
  auto a = split(np), b = split(nb);
  std::size_t k = 0;
  while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
  std::string out;
  for (std::size_t i = k; i < b.size(); ++i) out += out.empty() ? ".." : "/..";
  for (std::size_t i = k; i < a.size(); ++i) {
    if (!out.empty()) out.push_back('/');
    out += a[i];
  }
  return out.empty() ? "." : out;
}

std::string absolute(std::string_view p, std::string_view cwd) {
  if (!p.empty() && p.front() == '/') return normalize(p);
  return normalize(join(cwd, p));
}

bool is_within(std::string_view p, std::string_view dir) {
  if (dir == "/") return !p.empty() && p.front() == '/';
  if (p.size() < dir.size() || p.substr(0, dir.size()) != dir) return false;
  return p.size() == dir.size() || p[dir.size()] == '/';
}

bool is_safe_relpath(std::string_view p) {
  if (p.empty() || p.front() == '/') return false;
  if (p.find('\0') != std::string_view::npos) return false;
  std::size_t i = 0;
  while (i <= p.size()) {
    auto j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    auto part = p.substr(i, j - i);
    if (part.empty() || part == "." || part == "..") return false;
    i = j + 1;
  }
  return true;
}

}  // namespace cairn::path
