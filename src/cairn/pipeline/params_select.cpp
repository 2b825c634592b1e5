#include "cairn/pipeline/params_select.h"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace cairn::pipeline {
namespace {

using yaml::Node;

struct Seg {
  bool is_index = false;
  std::string key;
  std::size_t index = 0;
};
using Path = std::vector<Seg>;

std::vector<std::string> split(const std::string& key) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto dot = key.find('.', start);
    out.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

bool has_glob(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

// Python's fnmatch.fnmatchcase on bytes.
bool fnmatch(std::string_view pat, std::string_view s) {
  if (pat.empty()) return s.empty();
  char c = pat[0];
  if (c == '*') {
    for (std::size_t i = 0; i <= s.size(); ++i)
      if (fnmatch(pat.substr(1), s.substr(i))) return true;
    return false;
  }
  if (s.empty()) return false;
  if (c == '?') return fnmatch(pat.substr(1), s.substr(1));
  if (c == '[') {
    std::size_t j = 1;
    if (j < pat.size() && pat[j] == '!') ++j;
    if (j < pat.size() && pat[j] == ']') ++j;
    auto close = pat.find(']', j);
    if (close != std::string_view::npos) {
      std::string_view set = pat.substr(1, close - 1);
      bool negate = !set.empty() && set[0] == '!';
      if (negate) set.remove_prefix(1);
      bool hit = false;
      for (std::size_t i = 0; i < set.size(); ++i) {
        if (i + 2 < set.size() && set[i + 1] == '-') {
          if (s[0] >= set[i] && s[0] <= set[i + 2]) hit = true;
          i += 2;
        } else if (set[i] == s[0]) {
          hit = true;
        }
      }
      return hit != negate && fnmatch(pat.substr(close + 1), s.substr(1));
    }
  }
  return c == s[0] && fnmatch(pat.substr(1), s.substr(1));
}

std::string seg_text(const Seg& s) {
  return s.is_index ? std::to_string(s.index) : s.key;
}

// dpath.segments.match: `**` (the first one) stands for as many `*` as make the lengths equal.
bool match(const Path& path, const std::vector<std::string>& glob) {
  std::vector<std::string> g = glob;
  auto star2 = std::find(g.begin(), g.end(), "**");
  if (star2 != g.end()) {
    long fill = static_cast<long>(path.size()) - static_cast<long>(g.size()) + 1;
    if (fill < 0) return false;
    auto pos = g.erase(star2);
    g.insert(pos, static_cast<std::size_t>(fill), "*");
  }
  if (g.size() != path.size()) return false;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (!fnmatch(g[i], seg_text(path[i]))) return false;
  return true;
}

void set_path(Node& root, const Path& path, const Node& value) {
  Node* cur = &root;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Seg& s = path[i];
    Node* child;
    if (s.is_index) {
      if (cur->is_null()) *cur = Node::seq();
      if (!cur->is_seq()) return;
      while (cur->items().size() <= s.index) cur->push_back(Node::null());
      child = &cur->items()[s.index];
    } else {
      if (cur->is_null()) *cur = Node::map();
      if (!cur->is_map()) return;
      child = cur->find(s.key);
      if (!child) child = &cur->set(s.key, Node::null());
    }
    if (i + 1 == path.size()) {
      *child = value;
      return;
    }
    cur = child;
  }
}

void walk(const Node& node, Path& path, const std::vector<std::string>& glob, Node& out) {
  if (!path.empty() && match(path, glob)) set_path(out, path, node);
  if (node.is_map()) {
    for (const auto& [k, v] : node.entries()) {
      path.push_back({false, k, 0});
      walk(v, path, glob, out);
      path.pop_back();
    }
  } else if (node.is_seq()) {
    for (std::size_t i = 0; i < node.items().size(); ++i) {
      path.push_back({true, "", i});
      walk(node.items()[i], path, glob, out);
      path.pop_back();
    }
  }
}

// Direct lookup of a key without globs; negative indices count from the end.
void lookup(const Node& doc, const std::vector<std::string>& parts, Node& out) {
  const Node* cur = &doc;
  Path path;
  for (const auto& part : parts) {
    if (cur->is_map()) {
      cur = cur->find(part);
      if (!cur) return;
      path.push_back({false, part, 0});
    } else if (cur->is_seq()) {
      long index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (part.empty() || ec != std::errc() || end != part.data() + part.size()) return;
      long n = static_cast<long>(cur->size());
      if (index < 0) index += n;
      if (index < 0 || index >= n) return;
      cur = &cur->items()[static_cast<std::size_t>(index)];
      path.push_back({true, "", static_cast<std::size_t>(index)});
    } else {
      return;
    }
  }
  if (!path.empty()) set_path(out, path, *cur);
}

void merge(Node& dst, const Node& src) {
  if (dst.is_map() && src.is_map()) {
    for (const auto& [k, v] : src.entries()) {
      if (Node* existing = dst.find(k))
        merge(*existing, v);
      else
        dst.set(k, v);
    }
  } else if (dst.is_seq() && src.is_seq()) {
    for (const auto& item : src.items()) dst.push_back(item);
  } else {
    dst = src;
  }
}

}  // namespace

yaml::Node select_params(const yaml::Node& doc, const std::vector<std::string>& keys) {
  Node result = Node::map();
  std::vector<std::string> seen;
  for (const auto& key : keys) {
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    Node found = Node::map();
    auto parts = split(key);
    if (has_glob(key)) {
      Path path;
      walk(doc, path, parts, found);
    } else {
      lookup(doc, parts, found);
    }
    merge(result, found);
  }
  return result;
}

}  // namespace cairn::pipeline
