#include "cairn/pipeline/interpolate.h"

#include <cctype>

#include "cairn/pipeline/py_value.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

using yaml::Node;

namespace {

std::string type_name(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::null: return "NoneType";
    case Node::Kind::boolean: return "bool";
    case Node::Kind::integer: return "int";
    case Node::Kind::floating: return "float";
    case Node::Kind::string: return "str";
    case Node::Kind::sequence: return "list";
    case Node::Kind::mapping: return "dict";
  }
  return "object";
}

// Python's str() inside an f-string: True/False, None, repr of floats.
std::string fstring_str(const Node& n) {
  if (n.is_bool()) return n.as_bool() ? "True" : "False";
  return py_str(n);
}

// Python's repr() of a loaded value (used when a list is formatted into a string).
std::string py_repr(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::string: {
      const std::string& s = n.as_string();
      bool has_single = s.find('\'') != std::string::npos;
      bool has_double = s.find('"') != std::string::npos;
      char q = has_single && !has_double ? '"' : '\'';
      std::string out(1, q);
      for (char c : s) {
        if (c == q || c == '\\') out.push_back('\\');
        if (c == '\n') {
          out += "\\n";
          continue;
        }
        out.push_back(c);
      }
      out.push_back(q);
      return out;
    }
    case Node::Kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.items().size(); ++i) {
        if (i) out += ", ";
        out += py_repr(n.items()[i]);
      }
      return out + "]";
    }
    case Node::Kind::mapping: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : n.entries()) {
        if (!first) out += ", ";
        first = false;
        out += py_repr(Node::string(k)) + ": " + py_repr(v);
      }
      return out + "}";
    }
    default: return fstring_str(n);
  }
}

void flatten_into(const Node& n, const std::string& prefix, std::vector<std::pair<std::string, const Node*>>& out) {
  for (const auto& [k, v] : n.entries()) {
    std::string key = prefix.empty() ? k : prefix + "." + k;
    if (v.is_map()) flatten_into(v, key, out);
    else out.emplace_back(key, &v);
  }
}

// DVC's to_str.
Resolved<std::string> to_str(const Node& value, const ParsingConfig& config) {
  if (value.is_scalar()) return py_str(value);
  if (value.is_seq()) return py_repr(value);
  std::vector<std::pair<std::string, const Node*>> flat;
  flatten_into(value, "", flat);
  std::string result;
  for (const auto& [k, v] : flat) {
    if (v->is_bool()) {
      if (v->as_bool()) result += "--" + k + " ";
      else if (config.bools == BoolStyle::boolean_optional) result += "--no-" + k + " ";
    } else if (v->is_string()) {
      result += "--" + k + " " + shlex_quote(v->as_string()) + " ";
    } else if (v->is_seq()) {
      std::size_t i = 0;
      for (const auto& item : v->items()) {
        std::string text;
        if (item.is_string()) text = shlex_quote(item.as_string());
        else if (item.is_seq() || item.is_map())
          return resolve_issue(ResolveIssue::Kind::parse, "Cannot interpolate nested iterable in '" + k + "'");
        else text = fstring_str(item);
        if (config.lists == ListStyle::append) result += "--" + k + " " + text + " ";
        else result += i > 0 ? text + " " : "--" + k + " " + text + " ";
        ++i;
      }
    } else {
      result += "--" + k + " " + fstring_str(*v) + " ";
    }
  }
  while (!result.empty() && std::isspace(static_cast<unsigned char>(result.back()))) result.pop_back();
  return result;
}

Resolved<void> validate_value(const Node& value, std::string_view key) {
  bool not_primitive = value.is_seq() || value.is_map();
  bool not_foreach = !key.empty() && key.find("foreach") == std::string_view::npos;
  if (not_primitive && not_foreach) {
    if (value.is_map() && key == "cmd") return {};
    return resolve_issue(ResolveIssue::Kind::parse, "Cannot interpolate data of type '" + type_name(value) + "'");
  }
  return {};
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

std::string char_repr(std::string_view s, std::size_t at) {
  if (at >= s.size()) return "end of text";
  std::size_t n = 1;
  auto c = static_cast<unsigned char>(s[at]);
  if (c >= 0xF0) n = 4;
  else if (c >= 0xE0) n = 3;
  else if (c >= 0xC0) n = 2;
  std::string ch(s.substr(at, n));
  if (ch == "'") return "\"'\"";
  if (ch == "\\") return "'\\\\'";
  return "'" + ch + "'";
}

std::string parse_error(std::string_view inner, std::size_t loc, const std::string& expected) {
  std::string embraced = "${" + std::string(inner) + "}";
  std::size_t at = loc + 2;
  return embraced + "\n" + std::string(at, ' ') + "^\nParseException: Expected " + expected + ", found " +
         char_repr(embraced, at) + "  (at char " + std::to_string(at) + "), (line:1, col:" + std::to_string(at + 1) +
         ")";
}

bool is_word_char(char c) { return c != '.' && c != '[' && c != ']'; }

}  // namespace

std::vector<Interpolation> find_interpolations(std::string_view text) {
  std::vector<Interpolation> out;
  std::size_t i = 0;
  while (i + 1 < text.size()) {
    if (text[i] == '$' && text[i + 1] == '{' && (i == 0 || text[i - 1] != '\\')) {
      std::size_t j = i + 2;
      while (j < text.size() && text[j] != '}' && text[j] != '\n') ++j;
      if (j < text.size() && text[j] == '}') {
        out.push_back({i, j + 1, std::string(text.substr(i + 2, j - i - 2))});
        i = j + 1;
        continue;
      }
    }
    ++i;
  }
  return out;
}

bool is_interpolated(std::string_view text) { return !find_interpolations(text).empty(); }

Resolved<std::string> parse_expression(std::string_view inner) {
  std::size_t pos = 0;
  auto word = [&](std::size_t from) -> std::size_t {  // end of a word starting at from (== from: none)
    std::size_t j = from;
    while (j < inner.size() && is_word_char(inner[j])) ++j;
    return j;
  };
  std::size_t end = word(0);
  if (end == 0) return resolve_issue(ResolveIssue::Kind::parse, parse_error(inner, 0, "!W:(.[])"));
  std::string out(inner.substr(0, end));
  pos = end;
  while (pos < inner.size()) {
    if (inner[pos] == '.') {
      std::size_t e = word(pos + 1);
      if (e == pos + 1) break;
      out += "." + std::string(inner.substr(pos + 1, e - pos - 1));
      pos = e;
    } else if (inner[pos] == '[') {
      std::size_t e = word(pos + 1);
      if (e == pos + 1 || e >= inner.size() || inner[e] != ']') break;
      out += "." + std::string(inner.substr(pos + 1, e - pos - 1));
      pos = e + 1;
    } else {
      break;
    }
  }
  if (pos != inner.size()) return resolve_issue(ResolveIssue::Kind::parse, parse_error(inner, pos, "end of text"));
  return out;
}

Resolved<void> check_expressions(const Node& value) {
  if (value.is_string()) {
    for (const auto& m : find_interpolations(value.as_string())) {
      auto r = parse_expression(m.inner);
      if (!r) return std::unexpected(r.error());
    }
  } else if (value.is_seq()) {
    for (const auto& item : value.items()) {
      auto r = check_expressions(item);
      if (!r) return r;
    }
  } else if (value.is_map()) {
    for (const auto& [k, v] : value.entries()) {
      auto rk = check_expressions(Node::string(k));
      if (!rk) return rk;
      auto r = check_expressions(v);
      if (!r) return r;
    }
  }
  return {};
}

std::string shlex_quote(std::string_view s) {
  if (s.empty()) return "''";
  bool safe = true;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '_' || std::string_view("@%+=:,./-").find(c) != std::string_view::npos)) {
      safe = false;
      break;
    }
  }
  if (safe) return std::string(s);
  return "'" + replace_all(std::string(s), "'", "'\"'\"'") + "'";
}

// ---------------------------------------------------------------------------- Context

std::string Context::source_of(const std::string& path) const {
  std::string p = path;
  while (true) {
    auto it = m_sources.find(p);
    if (it != m_sources.end()) return it->second;
    auto dot = p.rfind('.');
    if (dot == std::string::npos) return "<local>";
    p = p.substr(0, dot);
  }
}

Resolved<void> Context::merge(Node& into, const Node& update, const std::string& prefix, const std::string& source) {
  for (const auto& [key, val] : update.entries()) {
    std::string path = prefix.empty() ? key : prefix + "." + key;
    Node* existing = into.find(key);
    if (existing && existing->is_map() && val.is_map()) {
      auto r = merge(*existing, val, path, source);
      if (!r) return r;
      continue;
    }
    if (existing)
      return resolve_issue(ResolveIssue::Kind::parse, "cannot redefine '" + path + "' from '" + source +
                                                          "' as it already exists in '" + source_of(path) + "'");
    into.set(key, val);
    m_sources[path] = source;
  }
  return {};
}

Resolved<void> Context::merge_inline(const Node& mapping, const std::string& source) {
  std::vector<std::string> hits;
  for (const auto& [k, v] : mapping.entries())
    if (m_reserved.count(k)) hits.push_back(k);
  if (!hits.empty()) {
    std::string keys;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      if (i) keys += i + 1 == hits.size() ? " and " : ", ";
      keys += "'" + hits[i] + "'";
    }
    return resolve_issue(ResolveIssue::Kind::context,
                         std::string("attempted to modify reserved key") + (hits.size() > 1 ? "s " : " ") + keys);
  }
  return merge(m_data, mapping, "", source);
}

Resolved<void> Context::merge_file(const std::string& item, const std::string& wdir, const VarsLoader& loader) {
  auto colon = item.find(':');
  std::string file = item.substr(0, colon);
  std::string keys_str = colon == std::string::npos ? "" : item.substr(colon + 1);
  std::string path = path::normalize(path::join(wdir, file));
  std::optional<std::vector<std::string>> select_keys;
  if (!keys_str.empty()) {
    select_keys.emplace();
    std::size_t start = 0;
    while (start <= keys_str.size()) {
      auto comma = keys_str.find(',', start);
      std::string k = keys_str.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!k.empty()) select_keys->push_back(k);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  auto it = m_imports.find(path);
  if (it != m_imports.end()) {
    bool no_keys = !select_keys || select_keys->empty();
    if (no_keys && !it->second) return {};
    const auto& imported = it->second;
    if (no_keys && imported)
      return resolve_issue(ResolveIssue::Kind::already_loaded,
                           "cannot load '" + item + "' as it's partially loaded already");
    if (!no_keys && !imported)
      return resolve_issue(ResolveIssue::Kind::already_loaded,
                           "cannot partially load '" + item + "' as it's already loaded.");
    if (imported)
      for (const auto& k : *select_keys)
        for (const auto& have : *imported)
          if (k == have)
            return resolve_issue(ResolveIssue::Kind::already_loaded,
                                 "cannot load '" + item + "' as it's partially loaded already");
  }
  auto loaded = loader(path);
  if (!loaded) return resolve_issue(ResolveIssue::Kind::context, loaded.error().message());
  if (!*loaded) return resolve_issue(ResolveIssue::Kind::context, "'" + path + "' does not exist");
  Node data = std::move(**loaded);
  if (data.is_null()) data = Node::map();
  if (!data.is_map())
    return resolve_issue(ResolveIssue::Kind::context,
                         "expected a dictionary, got '" + type_name(data) + "' in file '" + path + "'");
  if (select_keys && !select_keys->empty()) {
    Node picked = Node::map();
    for (const auto& k : *select_keys) {
      const Node* v = data.find(k);
      if (!v) return resolve_issue(ResolveIssue::Kind::context, "could not find '" + k + "' in '" + path + "'");
      picked.set(k, *v);
    }
    data = std::move(picked);
  }
  auto merged = merge_inline(data, path);
  if (!merged) {
    if (merged.error().kind == ResolveIssue::Kind::context && merged.error().message.starts_with("attempted"))
      merged.error().message += " in '" + item + "'";
    return merged;
  }
  if (it == m_imports.end()) m_imports[path] = select_keys;
  else if (select_keys && it->second)
    it->second->insert(it->second->end(), select_keys->begin(), select_keys->end());
  return {};
}

Context::Saved Context::set_temporarily(const std::vector<std::pair<std::string, Node>>& values) {
  Saved saved;
  for (const auto& [k, v] : values) {
    if (!m_reserved.count(k)) {
      m_reserved.insert(k);
      saved.reserved.push_back(k);
    }
    const Node* prev = m_data.find(k);
    saved.previous.emplace_back(k, prev ? std::optional<Node>(*prev) : std::nullopt);
    m_data.set(k, v);
  }
  return saved;
}

void Context::restore(Saved saved) {
  for (auto& [k, prev] : saved.previous) {
    if (prev) m_data.set(k, std::move(*prev));
    else m_data.erase(k);
  }
  for (const auto& k : saved.reserved) m_reserved.erase(k);
}

Resolved<const Node*> Context::select(std::string_view key) const {
  std::string normalized;
  for (char c : key) {
    if (c == '[') normalized.push_back('.');
    else if (c != ']') normalized.push_back(c);
  }
  auto not_found = [&] { return resolve_issue(ResolveIssue::Kind::context, "Could not find '" + std::string(key) + "'"); };
  const Node* node = &m_data;
  std::string_view rest = normalized;
  while (true) {
    auto dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) part.remove_prefix(1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) part.remove_suffix(1);
    if (node->is_map()) {
      node = node->find(part);
      if (!node) return not_found();
    } else if (node->is_seq()) {
      std::string digits;
      for (char c : part)
        if (c != '_') digits.push_back(c);
      bool neg = !digits.empty() && digits[0] == '-';
      if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return not_found();
      long long idx = std::stoll(digits);
      long long n = static_cast<long long>(node->items().size());
      if (neg) idx = n - idx;
      if (idx < 0 || idx >= n) return not_found();
      node = &node->items()[static_cast<std::size_t>(idx)];
    } else {
      return not_found();
    }
    if (dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
  }
  return node;
}

Resolved<Node> Context::resolve_string(const std::string& text, std::string_view key, bool skip_checks,
                                       const ParsingConfig& config) const {
  auto matches = find_interpolations(text);
  auto expression = [&](const Interpolation& m) -> Resolved<std::string> {
    if (skip_checks) return m.inner;
    return parse_expression(m.inner);
  };
  if (matches.size() == 1 && matches[0].begin == 0 && matches[0].end == text.size()) {
    auto expr = expression(matches[0]);
    if (!expr) return std::unexpected(expr.error());
    auto value = select(*expr);
    if (!value) return std::unexpected(value.error());
    auto valid = validate_value(**value, key);
    if (!valid) return std::unexpected(valid.error());
    Node copy = **value;
    copy.line = 0;
    return copy;
  }
  std::string buf;
  std::size_t index = 0;
  for (const auto& m : matches) {
    auto expr = expression(m);
    if (!expr) return std::unexpected(expr.error());
    auto value = select(*expr);
    if (!value) return std::unexpected(value.error());
    auto valid = validate_value(**value, key);
    if (!valid) return std::unexpected(valid.error());
    auto s = to_str(**value, config);
    if (!s) return std::unexpected(s.error());
    buf += text.substr(index, m.begin - index) + *s;
    index = m.end;
  }
  buf += text.substr(index);
  return Node::string(replace_all(buf, "\\${", "${"));
}

Resolved<Node> Context::resolve(const Node& value, std::string_view key, bool skip_checks,
                                const ParsingConfig& config) const {
  if (value.is_string()) {
    auto r = resolve_string(value.as_string(), key, skip_checks, config);
    if (r) r->line = value.line;
    return r;
  }
  if (value.is_seq()) {
    Node out = Node::seq();
    out.line = value.line;
    for (const auto& item : value.items()) {
      auto r = resolve(item, key, skip_checks, config);
      if (!r) return r;
      out.push_back(std::move(*r));
    }
    return out;
  }
  if (value.is_map()) {
    Node out = Node::map();
    out.line = value.line;
    for (const auto& [k, v] : value.entries()) {
      auto rk = resolve_string(k, key, skip_checks, config);
      if (!rk) return rk;
      auto rv = resolve(v, key, skip_checks, config);
      if (!rv) return rv;
      out.set(rk->is_scalar() ? py_str(*rk) : k, std::move(*rv));
    }
    return out;
  }
  return value;
}

}  // namespace cairn::pipeline
