// IniFile: a DVC config file (.dvc/config, config.local, global/system config) as DVC sees it.
//
// DVC reads its config files with ConfigObj 5 (default options) and then lower-cases every
// key and section name and folds `['remote "name"']`-style sections; it writes them back
// through a fresh ConfigObj built from a dict. IniFile reproduces that pipeline:
//
//   parse(): UTF-8 text with universal newlines and Python str.splitlines() line breaks;
//     ConfigObj's line grammar (section markers, `key = value`, quoted and triple-quoted
//     values, comma lists, `#` comments), its error rules (duplicates, bad lines), and its
//     ConfigParser-style `%(name)s` interpolation; then DVC's lower-casing (a later
//     duplicate replaces an earlier one but keeps its position) and named-section folding
//     (`remote "x"`, `machine "x"`, `db "x"`, whitespace-insensitive).
//   dump(): DVC's exact bytes (`Config._save_config`): top-level keys, then non-empty plain
//     sections in order, then every `remote`, `machine` and `db` section (even empty ones);
//     4-space indent; ConfigObj's quoting; lines joined by "\n" plus a final "\n" (so an
//     empty config dumps as "\n", exactly like DVC). Comments are not preserved (DVC drops
//     them too).
//
// Nested sections (`[[sub]]`) are rejected with invalid_input (DVC's schema rejects them
// as well). Parse errors are ErrorCode::invalid_input with message "<file>:<line>: <what>".
// An IniFile is a plain value type; it is not synchronized.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::repo {

// A ConfigObj value: a string, or a list (written `a, b`; `a,` for one item; `,` empty).
struct IniValue {
  std::string str;                // the string value (unused when is_list)
  std::vector<std::string> list;  // the items when is_list
  bool is_list = false;

  IniValue() = default;
  IniValue(std::string s) : str(std::move(s)) {}  // NOLINT: implicit on purpose
  static IniValue make_list(std::vector<std::string> items) {
    IniValue v;
    v.list = std::move(items);
    v.is_list = true;
    return v;
  }
  // How DVC prints the value (`dvc config`): the string, or Python's repr of the list.
  std::string display() const;
  bool empty() const { return is_list ? list.empty() : str.empty(); }
  friend bool operator==(const IniValue&, const IniValue&) = default;
};

struct IniSection {
  // "" for plain sections; "remote", "machine" or "db" for named sections.
  std::string kind;
  // Plain: the section name ("core"). Named: the name inside the quotes ("myremote").
  std::string name;
  std::vector<std::pair<std::string, IniValue>> entries;

  // The ConfigObj section name DVC writes: "core" or `remote "myremote"`.
  std::string full_name() const;
  const IniValue* find(std::string_view key) const;
  IniValue* find(std::string_view key);
  // Sets (keeping the position of an existing key) or appends.
  void set(std::string_view key, IniValue value);
  // Returns whether the key existed.
  bool erase(std::string_view key);
  friend bool operator==(const IniSection&, const IniSection&) = default;
};

class IniFile {
 public:
  // Parses file bytes. `filename` is only used in error messages.
  static Expected<IniFile> parse(std::string_view bytes, std::string_view filename);

  // DVC's bytes for this config. Fails (invalid_input) only for values ConfigObj cannot
  // quote (e.g. a value containing both ''' and """).
  Expected<std::string> dump() const;

  // Splits a full section name: `remote "x"` (any whitespace, as DVC's regex) -> {"remote",
  // "x"}; anything else -> {"", name}.
  static std::pair<std::string, std::string> split_section_name(std::string_view full_name);

  // Top-level `key = value` lines before the first section (DVC rejects them on validation).
  const std::vector<std::pair<std::string, IniValue>>& root() const { return m_root; }
  std::vector<std::pair<std::string, IniValue>>& root() { return m_root; }

  const std::vector<IniSection>& sections() const { return m_sections; }
  std::vector<IniSection>& sections() { return m_sections; }

  // Lookup by full section name ("core", `remote "x"`).
  const IniSection* find_section(std::string_view full_name) const;
  IniSection* find_section(std::string_view full_name);
  // Finds or appends a section.
  IniSection& section(std::string_view full_name);
  bool remove_section(std::string_view full_name);

  const IniValue* get(std::string_view section, std::string_view key) const;
  void set(std::string_view section, std::string_view key, IniValue value);
  // Returns whether the key existed. Leaves an emptied section in place.
  bool unset(std::string_view section, std::string_view key);

  friend bool operator==(const IniFile&, const IniFile&) = default;

 private:
  std::vector<std::pair<std::string, IniValue>> m_root;
  std::vector<IniSection> m_sections;
};

// Python's str.lower() for the scripts DVC users plausibly write (ASCII, Latin-1, Latin
// Extended-A, Greek, Cyrillic); other code points are left unchanged.
std::string python_lower(std::string_view utf8);

}  // namespace cairn::repo
