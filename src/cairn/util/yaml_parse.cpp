// cairn::yaml — Node, the ruamel-compatible plain-scalar resolver, and parse() on top of
// yaml-cpp's event parser (which gives us marks for line numbers and lets us reject duplicate
// keys, which yaml-cpp's Node API silently accepts).
#include <cassert>
#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "cairn/util/yaml_node.h"
#include "cairn/util/utf8.h"

namespace cairn::yaml {

// ---------------------------------------------------------------------------------------------
// Node

Node Node::boolean(bool value) {
  Node n;
  n.m_kind = Kind::boolean;
  n.m_bool = value;
  return n;
}

Node Node::integer(std::int64_t value) {
  Node n;
  n.m_kind = Kind::integer;
  n.m_int = value;
  return n;
}

Node Node::floating(std::string text) {
  Node n;
  n.m_kind = Kind::floating;
  n.m_text = std::move(text);
  return n;
}

Node Node::string(std::string value) {
  Node n;
  n.m_kind = Kind::string;
  n.m_text = std::move(value);
  return n;
}

Node Node::seq() {
  Node n;
  n.m_kind = Kind::sequence;
  return n;
}

Node Node::map() {
  Node n;
  n.m_kind = Kind::mapping;
  return n;
}

bool Node::as_bool() const {
  assert(m_kind == Kind::boolean);
  return m_bool;
}

std::int64_t Node::as_int() const {
  assert(m_kind == Kind::integer);
  return m_int;
}

const std::string& Node::as_string() const {
  static const std::string empty;
  assert(m_kind == Kind::string || m_kind == Kind::floating);
  return (m_kind == Kind::string || m_kind == Kind::floating) ? m_text : empty;
}

std::string Node::scalar_text() const {
  switch (m_kind) {
    case Kind::null:
      return "";
    case Kind::boolean:
      return m_bool ? "true" : "false";
    case Kind::integer:
      return std::to_string(m_int);
    case Kind::floating:
    case Kind::string:
      return m_text;
    default:
      assert(false && "scalar_text on a collection");
      return "";
  }
}

std::size_t Node::size() const {
  if (m_kind == Kind::sequence) return m_items.size();
  if (m_kind == Kind::mapping) return m_entries.size();
  return 0;
}

void Node::push_back(Node item) {
  if (m_kind == Kind::null) m_kind = Kind::sequence;
  assert(m_kind == Kind::sequence);
  m_items.push_back(std::move(item));
}

const Node* Node::find(std::string_view key) const {
  if (m_kind != Kind::mapping) return nullptr;
  for (const auto& [k, v] : m_entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

Node* Node::find(std::string_view key) {
  return const_cast<Node*>(static_cast<const Node*>(this)->find(key));
}

Node& Node::set(std::string_view key, Node value) {
  if (m_kind == Kind::null) m_kind = Kind::mapping;
  assert(m_kind == Kind::mapping);
  if (Node* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  m_entries.emplace_back(std::string(key), std::move(value));
  return m_entries.back().second;
}

bool Node::erase(std::string_view key) {
  if (m_kind != Kind::mapping) return false;
  for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
    if (it->first == key) {
      m_entries.erase(it);
      return true;
    }
  }
  return false;
}

bool operator==(const Node& a, const Node& b) {
  if (a.m_kind != b.m_kind) return false;
  switch (a.m_kind) {
    case Node::Kind::null:
      return true;
    case Node::Kind::boolean:
      return a.m_bool == b.m_bool;
    case Node::Kind::integer:
      return a.m_int == b.m_int;
    case Node::Kind::floating:
    case Node::Kind::string:
      return a.m_text == b.m_text;
    case Node::Kind::sequence:
      return a.m_items == b.m_items;
    case Node::Kind::mapping:
      return a.m_entries == b.m_entries;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Resolver: hand-written equivalents of ruamel.yaml's YAML 1.2 implicit resolvers
// (ruamel/yaml/resolver.py), including its dispatch on the first character.

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Consumes [set]* starting at i; returns the new position.
template <class Pred>
std::size_t span(std::string_view s, std::size_t i, Pred pred) {
  while (i < s.size() && pred(s[i])) ++i;
  return i;
}

bool is_bool_text(std::string_view s) {
  return s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE";
}

bool is_null_text(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// [-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?[0-9_]+ | [-+]?0x[0-9a-fA-F_]+
bool is_int_text(std::string_view s) {
  if (s.empty() || !(s[0] == '-' || s[0] == '+' || is_digit(s[0]))) return false;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  std::string_view r = s.substr(i);
  auto all = [](std::string_view t, auto pred) {
    if (t.empty()) return false;
    for (char c : t) {
      if (!pred(c)) return false;
    }
    return true;
  };
  if (r.starts_with("0b") && all(r.substr(2), [](char c) { return c == '0' || c == '1' || c == '_'; }))
    return true;
  if (r.starts_with("0o") && all(r.substr(2), [](char c) { return (c >= '0' && c <= '7') || c == '_'; }))
    return true;
  if (r.starts_with("0x") && all(r.substr(2), [](char c) {
        return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '_';
      }))
    return true;
  return all(r, [](char c) { return is_digit(c) || c == '_'; });
}

bool is_float_text(std::string_view s) {
  if (s.empty()) return false;
  const char c0 = s[0];
  if (!(c0 == '-' || c0 == '+' || c0 == '.' || is_digit(c0))) return false;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  std::size_t i = (c0 == '-' || c0 == '+') ? 1 : 0;
  std::string_view r = s.substr(i);
  if (r == ".inf" || r == ".Inf" || r == ".INF") return true;
  auto digit_or_us = [](char c) { return is_digit(c) || c == '_'; };
  // Exponent [eE] sign? [0-9]+ ; `sign_required` for the leading-dot form.
  auto exponent_at_end = [&](std::size_t j, bool sign_required) {
    if (j >= r.size() || (r[j] != 'e' && r[j] != 'E')) return false;
    ++j;
    if (j < r.size() && (r[j] == '-' || r[j] == '+')) {
      ++j;
    } else if (sign_required) {
      return false;
    }
    std::size_t k = span(r, j, is_digit);
    return k > j && k == r.size();
  };
  if (!r.empty() && is_digit(r[0])) {
    std::size_t j = span(r, 1, digit_or_us);
    if (j < r.size() && r[j] == '.') {  // [0-9][0-9_]*\.[0-9_]*(exp)?
      j = span(r, j + 1, digit_or_us);
      return j == r.size() || exponent_at_end(j, false);
    }
    return exponent_at_end(j, false);  // [0-9][0-9_]*(exp)
  }
  if (!r.empty() && r[0] == '.') {  // \.[0-9_]+([eE][-+][0-9]+)?
    std::size_t j = span(r, 1, digit_or_us);
    if (j == 1) return false;
    return j == r.size() || exponent_at_end(j, true);
  }
  return false;
}

// [0-9]{4}-[0-9]{2}-[0-9]{2}
// | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?
//   ([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?
bool is_timestamp_text(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max) {
    std::size_t j = i;
    while (j < s.size() && j - i < max && is_digit(s[j])) ++j;
    if (j - i < min) return false;
    i = j;
    return true;
  };
  auto lit = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  auto blanks = [&] {
    std::size_t j = i;
    i = span(s, i, [](char c) { return c == ' ' || c == '\t'; });
    return i > j;
  };
  if (s.size() == 10 && digits(4, 4) && lit('-') && digits(2, 2) && lit('-') && digits(2, 2)) return true;
  i = 0;
  if (!(digits(4, 4) && lit('-') && digits(1, 2) && lit('-') && digits(1, 2))) return false;
  if (!(lit('T') || lit('t') || blanks())) return false;
  if (!(digits(1, 2) && lit(':') && digits(2, 2) && lit(':') && digits(2, 2))) return false;
  if (lit('.')) i = span(s, i, is_digit);
  if (i == s.size()) return true;
  blanks();
  if (lit('Z')) return i == s.size();
  if (!(lit('-') || lit('+'))) return false;
  if (!digits(1, 2)) return false;
  if (i == s.size()) return true;
  return lit(':') && digits(2, 2) && i == s.size();
}

}  // namespace

Resolved resolve_plain(std::string_view s) {
  // Same order as ruamel's registration: bool, float, int, merge, null, timestamp, value.
  if (is_bool_text(s)) return Resolved::boolean;
  if (is_float_text(s)) return Resolved::floating;
  if (is_int_text(s)) return Resolved::integer;
  if (s == "<<") return Resolved::other;
  if (is_null_text(s)) return Resolved::null;
  if (is_timestamp_text(s)) return Resolved::other;
  if (s == "=") return Resolved::other;
  return Resolved::string;
}

// ---------------------------------------------------------------------------------------------
// parse()

namespace {

struct ParseFailure {
  int line;  // 1-based
  std::string what;
};

constexpr std::size_t kMaxNodes = 1'000'000;  // guards alias expansion ("billion laughs")

bool valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

// yaml-cpp 0.7 decodes the escapes \N and \_ to the raw bytes 0x85 / 0xA0 instead of the UTF-8
// encodings of U+0085 / U+00A0. Repairs such stray bytes (only where they are not part of a
// valid UTF-8 sequence) in quoted scalars.
std::string repair_escapes(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80             ? 1
                      : (c & 0xE0) == 0xC0 ? 2
                      : (c & 0xF0) == 0xE0 ? 3
                      : (c & 0xF8) == 0xF0 ? 4
                                           : 0;
    if (len > 0 && i + len <= s.size() && valid_utf8(std::string_view(s).substr(i, len))) {
      out.append(s, i, len);
      i += len;
      continue;
    }
    if (c == 0x85 || c == 0xA0) {
      out.push_back(static_cast<char>(0xC2));
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

// ruamel's construct_yaml_int for YAML 1.2, limited to int64.
std::optional<std::int64_t> to_int64(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != '_') s.push_back(c);
  }
  bool negative = false;
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    i = 1;
  }
  int base = 10;
  if (s.compare(i, 2, "0b") == 0) {
    base = 2;
    i += 2;
  } else if (s.compare(i, 2, "0x") == 0) {
    base = 16;
    i += 2;
  } else if (s.compare(i, 2, "0o") == 0) {
    base = 8;
    i += 2;
  }
  if (i >= s.size()) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > kMax + 1) return std::nullopt;
    return magnitude == kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                                 : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMax) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

std::size_t count_nodes(const Node& n) {
  std::size_t total = 1;
  for (const auto& item : n.items()) total += count_nodes(item);
  for (const auto& [k, v] : n.entries()) total += count_nodes(v);
  return total;
}

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

class Builder : public YAML::EventHandler {
 public:
  explicit Builder(std::string_view text) : m_text(text) {}

  std::optional<Node> root;
  int document_line = 1;

  void OnDocumentStart(const YAML::Mark& mark) override { document_line = line_of(mark); }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    n.line = line_of(mark);
    // Recover the key text of a null scalar used as a mapping key ("~: x", "null: x").
    std::string text;
    if (mark.pos >= 0 && static_cast<std::size_t>(mark.pos) < m_text.size()) {
      std::string_view rest = m_text.substr(mark.pos);
      for (std::string_view word : {"null", "Null", "NULL", "~"}) {
        if (rest.starts_with(word)) {
          text = std::string(word);
          break;
        }
      }
    }
    add(std::move(n), anchor, text);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) fail(mark, "unknown anchor");
    m_node_count += it->second.second;
    if (m_node_count > kMaxNodes) fail(mark, "document too large (alias expansion)");
    Node n = it->second.first;
    n.line = line_of(mark);
    std::string text = n.is_scalar() ? n.scalar_text() : std::string();
    add(std::move(n), 0, text);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& raw_value) override {
    const std::string value = tag == "?" ? raw_value : repair_escapes(raw_value);
    if (!valid_utf8(value)) fail(mark, "invalid UTF-8 in scalar");
    Node n;
    if (tag == "!") {
      n = Node::string(value);
    } else if (tag == "?" || tag.empty()) {
      n = from_plain(mark, value);
    } else if (tag.starts_with(kTagPrefix)) {
      std::string_view t = std::string_view(tag).substr(kTagPrefix.size());
      Resolved r = resolve_plain(value);
      if (t == "str") {
        n = Node::string(value);
      } else if ((t == "int" && r == Resolved::integer) || (t == "float" && r == Resolved::floating) ||
                 (t == "bool" && r == Resolved::boolean) || (t == "null" && r == Resolved::null)) {
        n = from_plain(mark, value);
      } else {
        fail(mark, "invalid value for tag !!" + std::string(t) + ": '" + value + "'");
      }
    } else {
      fail(mark, "unsupported tag '" + tag + "'");
    }
    n.line = line_of(mark);
    add(std::move(n), anchor, value);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check_collection_tag(mark, tag, "seq");
    open(Node::seq(), mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check_collection_tag(mark, tag, "map");
    open(Node::map(), mark, anchor);
  }
  void OnMapEnd() override {
    if (m_stack.back().key) fail_line(m_stack.back().key_line, "mapping key without value");
    close();
  }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    std::optional<std::string> key;  // mappings: key waiting for its value
    int key_line = 0;
    std::unordered_set<std::string> keys;
  };

  [[noreturn]] void fail(const YAML::Mark& mark, std::string what) {
    throw ParseFailure{line_of(mark), std::move(what)};
  }
  [[noreturn]] void fail_line(int line, std::string what) { throw ParseFailure{line, std::move(what)}; }

  static int line_of(const YAML::Mark& mark) { return mark.line >= 0 ? mark.line + 1 : 0; }

  Node from_plain(const YAML::Mark& mark, const std::string& value) {
    switch (resolve_plain(value)) {
      case Resolved::null:
        return Node::null();
      case Resolved::boolean:
        return Node::boolean(value[0] == 't' || value[0] == 'T');
      case Resolved::integer: {
        auto v = to_int64(value);
        if (!v) fail(mark, "integer out of range or malformed: '" + value + "'");
        return Node::integer(*v);
      }
      case Resolved::floating:
        return Node::floating(value);
      case Resolved::string:
      case Resolved::other:
        return Node::string(value);
    }
    return Node::string(value);
  }

  void check_collection_tag(const YAML::Mark& mark, const std::string& tag, std::string_view std) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    if (tag.starts_with(kTagPrefix) && std::string_view(tag).substr(kTagPrefix.size()) == std) return;
    fail(mark, "unsupported tag '" + tag + "'");
  }

  void open(Node n, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (!m_stack.empty() && m_stack.back().node.is_map() && !m_stack.back().key)
      fail(mark, "mapping keys must be scalars");
    n.line = line_of(mark);
    m_stack.push_back(Frame{std::move(n), anchor, std::nullopt, 0, {}});
    if (++m_node_count > kMaxNodes) fail(mark, "document too large");
  }

  void close() {
    Frame f = std::move(m_stack.back());
    m_stack.pop_back();
    add(std::move(f.node), f.anchor, {});
  }

  void add(Node n, YAML::anchor_t anchor, const std::string& key_text) {
    if (n.is_scalar() && ++m_node_count > kMaxNodes) fail_line(n.line, "document too large");
    if (anchor != 0) m_anchors[anchor] = {n, count_nodes(n)};
    if (m_stack.empty()) {
      root = std::move(n);
      return;
    }
    Frame& parent = m_stack.back();
    if (parent.node.is_seq()) {
      parent.node.items().push_back(std::move(n));
      return;
    }
    if (!parent.key) {
      if (!n.is_scalar()) fail_line(n.line, "mapping keys must be scalars");
      if (!valid_utf8(key_text)) fail_line(n.line, "invalid UTF-8 in key");
      if (!parent.keys.insert(key_text).second) fail_line(n.line, "duplicate mapping key '" + key_text + "'");
      parent.key = key_text;
      parent.key_line = n.line;
      return;
    }
    parent.node.entries().emplace_back(std::move(*parent.key), std::move(n));
    parent.key.reset();
  }

  std::string_view m_text;
  std::vector<Frame> m_stack;
  std::map<YAML::anchor_t, std::pair<Node, std::size_t>> m_anchors;
  std::size_t m_node_count = 0;
};

int last_line(std::string_view text) {
  int line = 1;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

}  // namespace

Expected<Node> parse(std::string_view text, std::string_view filename) {
  auto error = [&](int line, std::string_view what) {
    if (line <= 0) line = last_line(text);
    return make_error(ErrorCode::invalid_input,
                      std::string(filename) + ":" + std::to_string(line) + ": " + std::string(what));
  };
  std::istringstream in{std::string(text)};
  Builder builder(text);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) return Node::null();
    Node root = builder.root ? std::move(*builder.root) : Node::null();
    builder.root.reset();
    if (parser.HandleNextDocument(builder))
      return error(builder.document_line, "expected a single document, found another one");
    return root;
  } catch (const ParseFailure& f) {
    return error(f.line, f.what);
  } catch (const YAML::Exception& e) {
    return error(e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  }
}

}  // namespace cairn::yaml
