// `${...}` interpolation in dvc.yaml (DVC's dvc/parsing/interpolate.py and context.py).
//
// A Context holds the variables a dvc.yaml sees: `params.yaml` beside it, the top-level `vars`
// (inline mappings and `file.yaml[:k1,k2]` imports), stage-level `vars`, and `item`/`key` of
// foreach/matrix iterations. resolve() walks a value and replaces every `${expr}` in strings
// (mapping keys included):
//  - a string that is exactly one `${expr}` becomes the selected value itself (a bool stays a
//    bool, a list stays a list where allowed);
//  - otherwise each `${expr}` is replaced by its text: DVC's to_str (true/false, None, Python
//    float repr) and, for a mapping in `cmd`, `--key value` arguments (`parsing.bool`,
//    `parsing.list` config); `\${` escapes a literal `${`.
//  - Expressions are `name(.name|[index])*`; `a[0]` is `a.0`; selecting from a list takes an
//    integer index. Collections may only be interpolated into `cmd` (mapping) or `foreach`.
// Errors keep DVC's wording ("Could not find 'x'", "Cannot interpolate data of type 'list'",
// pyparsing's "Expected end of text, found '.'" with a caret line) and a kind that decides how
// the caller prefixes them (ResolveIssue::Kind::parse → "...:\n<msg>", context → "...: <msg>").
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/util/error.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

// How DVC formats a failure: parse/merge errors go on a new line after the location, context
// errors after ": "; `already_loaded` (DVC's VarsAlreadyLoaded) is a parse-like error that
// stage-level `vars` report under their own key.
struct ResolveIssue {
  enum class Kind { parse, context, already_loaded };
  bool on_new_line() const { return kind != Kind::context; }
  Kind kind = Kind::context;
  std::string message;
};
template <class T>
using Resolved = std::expected<T, ResolveIssue>;

inline std::unexpected<ResolveIssue> resolve_issue(ResolveIssue::Kind kind, std::string message) {
  return std::unexpected(ResolveIssue{kind, std::move(message)});
}

// `parsing:` settings of the DVC config (dict interpolation into `cmd`).
enum class BoolStyle { store_true, boolean_optional };
enum class ListStyle { nargs, append };
struct ParsingConfig {
  BoolStyle bools = BoolStyle::store_true;
  ListStyle lists = ListStyle::nargs;
};

// One `${inner}` occurrence (not preceded by a backslash) in a string.
struct Interpolation {
  std::size_t begin = 0, end = 0;  // byte span of `${...}`
  std::string inner;
};
std::vector<Interpolation> find_interpolations(std::string_view text);
bool is_interpolated(std::string_view text);

// Checks the grammar of an expression and returns it in dotted form ("a.b[0]" -> "a.b.0").
Resolved<std::string> parse_expression(std::string_view inner);
// Checks every `${}` in a value (strings, mapping keys) for grammar errors.
Resolved<void> check_expressions(const yaml::Node& value);

// POSIX shell quoting as Python's shlex.quote.
std::string shlex_quote(std::string_view s);

// Loads a vars file: returns the parsed document (any kind) or a not_found/invalid error.
using VarsLoader = std::function<Expected<std::optional<yaml::Node>>(const std::string& path)>;

class Context {
 public:
  Context() : m_data(yaml::Node::map()) {}

  const yaml::Node& data() const { return m_data; }
  bool contains(std::string_view key) const { return m_data.contains(key); }

  // Merges `item` ("file.yaml" or "file.yaml:k1,k2") relative to `wdir` (a path relative to the
  // cwd, "" for the cwd), as DVC's merge_from. `loader` receives the normalized path.
  Resolved<void> merge_file(const std::string& item, const std::string& wdir, const VarsLoader& loader);
  // Merges an inline mapping (`vars: [{...}]`) whose source is named `source` ("vars[0]").
  Resolved<void> merge_inline(const yaml::Node& mapping, const std::string& source);

  // Sets top-level keys (item/key) for one iteration, reserving them against `vars`; restore()
  // puts back what was there.
  struct Saved {
    std::vector<std::pair<std::string, std::optional<yaml::Node>>> previous;
    std::vector<std::string> reserved;
  };
  Saved set_temporarily(const std::vector<std::pair<std::string, yaml::Node>>& values);
  void restore(Saved saved);

  // The value `key` names (dotted, from parse_expression or raw when checks are skipped).
  Resolved<const yaml::Node*> select(std::string_view key) const;

  // Resolves interpolation in `value` (see the file comment). `key` is the stage key being
  // resolved ("cmd", "deps", "foreach", ...) or empty for top-level sections.
  Resolved<yaml::Node> resolve(const yaml::Node& value, std::string_view key, bool skip_checks,
                               const ParsingConfig& config) const;

 private:
  Resolved<yaml::Node> resolve_string(const std::string& text, std::string_view key, bool skip_checks,
                                      const ParsingConfig& config) const;
  Resolved<void> merge(yaml::Node& into, const yaml::Node& update, const std::string& path,
                       const std::string& source);
  std::string source_of(const std::string& path) const;

  yaml::Node m_data;
  // Imported files: path -> selected keys (nullopt: the whole file).
  std::map<std::string, std::optional<std::vector<std::string>>> m_imports;
  // Dotted path of every inserted node -> the source it came from.
  std::map<std::string, std::string> m_sources;
  std::set<std::string> m_reserved;
};

}  // namespace cairn::pipeline
