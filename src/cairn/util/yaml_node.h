// cairn::yaml — an ordered YAML document model plus a parser and a ruamel-compatible emitter.
//
// Node is a plain value tree: null, boolean, integer (int64), floating (kept as its original
// literal text, e.g. "0.2", "1e+20", ".inf"), string, sequence, or mapping. Mappings keep
// insertion order and have string keys only; keys are unique. Every node records the 1-based
// source line it came from (`line`, 0 for nodes built in code); line numbers never take part in
// equality.
//
// parse() reads one YAML document (yaml-cpp) and resolves plain scalars exactly like DVC's
// reader (ruamel.yaml, YAML 1.2 resolver): true/false (True/TRUE...) are booleans,
// null/Null/NULL/~/empty are null, ints in decimal/0x/0o/0b with optional `_` separators, floats
// incl. .inf/.nan; yes/no/on/off, timestamps, `<<` and `=` stay strings; quoted scalars are
// always strings. Errors are ErrorCode::invalid_input with the message "<filename>:<line>: what".
//
// emit() writes a document byte-for-byte like DVC's dumper (ruamel.yaml round-trip,
// default_flow_style=False): 2-space mapping indent, `- ` sequences at the parent key's column,
// width-80 folding, raw UTF-8, ruamel's quoting rules, LF line ends and a trailing newline.
// Invariant (checked by the fuzz target): parse(emit(n)) == n for any n that parse() returned.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::yaml {

class Node {
 public:
  enum class Kind { null, boolean, integer, floating, string, sequence, mapping };
  using Entry = std::pair<std::string, Node>;

  Node() = default;  // null

  static Node null() { return Node(); }
  static Node boolean(bool value);
  static Node integer(std::int64_t value);
  // `text` must be a float literal as YAML 1.2 resolves it ("1.5", "-.inf", "1e+20").
  static Node floating(std::string text);
  static Node string(std::string value);
  static Node seq();
  static Node map();

  Kind kind() const { return m_kind; }
  bool is_null() const { return m_kind == Kind::null; }
  bool is_bool() const { return m_kind == Kind::boolean; }
  bool is_int() const { return m_kind == Kind::integer; }
  bool is_float() const { return m_kind == Kind::floating; }
  bool is_string() const { return m_kind == Kind::string; }
  bool is_seq() const { return m_kind == Kind::sequence; }
  bool is_map() const { return m_kind == Kind::mapping; }
  // True for null/boolean/integer/floating/string.
  bool is_scalar() const { return m_kind != Kind::sequence && m_kind != Kind::mapping; }

  // Scalar accessors; calling one on a node of another kind is a programming error (asserts)
  // and returns a default value.
  bool as_bool() const;
  std::int64_t as_int() const;
  const std::string& as_string() const;  // string value, or the literal text of a float
  // Text of any scalar as it would be written plain: "true", "42", "1.5", "", or the string.
  std::string scalar_text() const;

  // Sequence and mapping size (0 for scalars).
  std::size_t size() const;

  // Sequences.
  const std::vector<Node>& items() const { return m_items; }
  std::vector<Node>& items() { return m_items; }
  void push_back(Node item);  // turns a null node into a sequence first

  // Mappings (insertion ordered).
  const std::vector<Entry>& entries() const { return m_entries; }
  std::vector<Entry>& entries() { return m_entries; }
  const Node* find(std::string_view key) const;  // nullptr when absent or not a mapping
  Node* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Replaces the value in place (keeping its position) or appends at the end. Turns a null
  // node into a mapping first. Returns the stored value.
  Node& set(std::string_view key, Node value);
  bool erase(std::string_view key);  // true if the key was present

  // 1-based source line, 0 if built in code.
  int line = 0;

  // Deep structural equality; ignores `line`.
  friend bool operator==(const Node& a, const Node& b);

 private:
  Kind m_kind = Kind::null;
  bool m_bool = false;
  std::int64_t m_int = 0;
  std::string m_text;  // string value or float literal
  std::vector<Node> m_items;
  std::vector<Entry> m_entries;
};

// Parses one YAML document. An empty document (or only comments) yields a null node; more
// than one document, duplicate keys, collection keys, anchors/aliases that expand too far,
// unknown tags, invalid UTF-8 and out-of-range integers are errors. Non-string scalar keys
// become their source text ("1: a" has key "1").
Expected<Node> parse(std::string_view text, std::string_view filename);

// Serializes `node` like DVC's ruamel.yaml dumper (see the file comment).
std::string emit(const Node& node);

// What ruamel.yaml's YAML 1.2 resolver makes of a plain scalar with this text. `other` covers
// tags cairn keeps as strings when parsing but that the emitter must quote (timestamps, the
// merge key `<<`, the value key `=`).
enum class Resolved { string, null, boolean, integer, floating, other };
Resolved resolve_plain(std::string_view text);

}  // namespace cairn::yaml
