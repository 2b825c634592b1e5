#include "cairn/pipeline/toml_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/pipeline/py_format.h"
#include "cairn/pipeline/parse_error.h"
#include "cairn/util/utf8.h"

namespace cairn::pipeline {
namespace {

using yaml::Node;

constexpr std::size_t kMaxDepth = 512;

// How a table came to exist; decides what later headers and dotted keys may do with it.
// Tables not registered at all (inline tables and tables inside value arrays) are frozen.
enum class TableKind { implicit, header, dotted, array_of_tables };

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Finds the first byte that is not part of valid UTF-8; false if there is one.
bool valid_utf8(std::string_view s, std::size_t& bad) {
  bad = first_invalid_utf8(s);
  return bad == std::string_view::npos;
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// One path component of a registered table: a key, or the index of an array-of-tables element.
std::string path_push(const std::string& path, const std::string& key) {
  return path + std::to_string(key.size()) + ":" + key;
}
std::string path_index(const std::string& path, std::size_t index) {
  return path + "#" + std::to_string(index) + ";";
}

class TomlParser {
 public:
  TomlParser(std::string_view text, std::string_view filename) : m_s(text), m_errors(text, filename) {}

  Expected<Node> run() {
    std::size_t bad = 0;
    if (!valid_utf8(m_s, bad)) {
      m_pos = bad;
      fail("invalid UTF-8");
      return error();
    }
    m_root = Node::map();
    m_root.line = 1;
    m_tables[""] = TableKind::header;
    m_current = &m_root;
    m_current_path = "";
    if (!document()) return error();
    return std::move(m_root);
  }

 private:
  // ---- errors and positions -----------------------------------------------------------------
  bool fail(const std::string& what) { return m_errors.fail(m_pos, what); }
  std::unexpected<Error> error() const { return m_errors.error(); }
  int line_at(std::size_t pos) { return m_errors.line_at(pos); }
  bool eof() const { return m_pos >= m_s.size(); }
  char peek(std::size_t ahead = 0) const { return m_pos + ahead < m_s.size() ? m_s[m_pos + ahead] : '\0'; }
  std::string describe(char c) const {
    if (c == '\n') return "'\\n'";
    if (c == '\0' && eof()) return "end of file";
    return std::string("'") + c + "'";
  }

  // ---- whitespace, comments, line ends ------------------------------------------------------
  void skip_ws() {
    while (!eof() && (peek() == ' ' || peek() == '\t')) ++m_pos;
  }
  bool skip_comment() {
    if (peek() != '#') return true;
    while (!eof() && peek() != '\n') {
      auto c = static_cast<unsigned char>(peek());
      if ((c < 0x20 && c != '\t' && !(c == '\r' && peek(1) == '\n')) || c == 0x7F)
        return fail("control characters are not allowed in comments");
      ++m_pos;
    }
    return true;
  }
  // At a line end (after optional whitespace and comment): consumes the newline.
  bool end_of_line() {
    skip_ws();
    if (!skip_comment()) return false;
    if (eof()) return true;
    if (peek() == '\r' && peek(1) == '\n') {
      m_pos += 2;
      return true;
    }
    if (peek() == '\n') {
      ++m_pos;
      return true;
    }
    return fail("unexpected character " + describe(peek()) + " after a value");
  }
  // Skips whitespace, newlines and comments (inside arrays and inline tables).
  bool skip_ws_nl() {
    for (;;) {
      skip_ws();
      if (!skip_comment()) return false;
      if (peek() == '\r' && peek(1) == '\n') {
        m_pos += 2;
      } else if (peek() == '\n') {
        ++m_pos;
      } else {
        return true;
      }
    }
  }

  // ---- document -------------------------------------------------------------------------------
  bool document() {
    while (!eof()) {
      skip_ws();
      if (eof()) break;
      char c = peek();
      if (c == '#' || c == '\n' || c == '\r') {
        if (!end_of_line()) return false;
        continue;
      }
      if (c == '[') {
        if (!table_header()) return false;
      } else {
        if (!keyval(*m_current, m_current_path, m_current_depth)) return false;
      }
      if (!end_of_line()) return false;
    }
    return true;
  }

  bool key(std::vector<std::string>& parts) {
    for (;;) {
      skip_ws();
      std::string part;
      char c = peek();
      if (c == '"') {
        if (peek(1) == '"' && peek(2) == '"') return fail("multi-line strings cannot be keys");
        if (!basic_string(part)) return false;
      } else if (c == '\'') {
        if (peek(1) == '\'' && peek(2) == '\'') return fail("multi-line strings cannot be keys");
        if (!literal_string(part)) return false;
      } else if (is_bare_key_char(c)) {
        while (is_bare_key_char(peek())) part.push_back(m_s[m_pos++]);
      } else {
        return fail("expected a key, found " + describe(c));
      }
      parts.push_back(std::move(part));
      if (parts.size() > kMaxDepth) return fail("nesting too deep");
      skip_ws();
      if (peek() != '.') return true;
      ++m_pos;
    }
  }

  // Finds or creates the child table `key` of `table` while walking a header or dotted key.
  // Returns nullptr (after fail) when the path runs into a value or a frozen table.
  Node* descend(Node& table, std::string& path, const std::string& key, TableKind create_as, int line) {
    Node* child = table.find(key);
    std::string child_path = path_push(path, key);
    if (!child) {
      Node t = Node::map();
      t.line = line;
      child = &table.set(key, std::move(t));
      m_tables[child_path] = create_as;
      path = child_path;
      return child;
    }
    auto it = m_tables.find(child_path);
    if (it == m_tables.end()) {
      fail("key \"" + key + "\" is already defined as a value and cannot be extended");
      return nullptr;
    }
    if (it->second == TableKind::array_of_tables) {
      if (create_as == TableKind::dotted) {
        fail("key \"" + key + "\" is an array of tables and cannot be extended with dotted keys");
        return nullptr;
      }
      auto& items = child->items();
      path = path_index(child_path, items.size() - 1);
      return &items.back();
    }
    if (create_as == TableKind::dotted && it->second == TableKind::header) {
      fail("table \"" + key + "\" is already defined and cannot be extended with dotted keys");
      return nullptr;
    }
    path = child_path;
    return child;
  }

  bool table_header() {
    int line = line_at(m_pos);
    bool array = peek(1) == '[';
    m_pos += array ? 2 : 1;
    std::vector<std::string> parts;
    if (!key(parts)) return false;
    skip_ws();
    if (array ? !(peek() == ']' && peek(1) == ']') : peek() != ']')
      return fail(std::string("expected '") + (array ? "]]" : "]") + "' to close the table header");
    m_pos += array ? 2 : 1;
    Node* table = &m_root;
    std::string path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      table = descend(*table, path, parts[i], TableKind::implicit, line);
      if (!table) return false;
    }
    const std::string& last = parts.back();
    std::string last_path = path_push(path, last);
    Node* existing = table->find(last);
    if (array) {
      if (!existing) {
        Node aot = Node::seq();
        aot.line = line;
        existing = &table->set(last, std::move(aot));
        m_tables[last_path] = TableKind::array_of_tables;
      } else if (auto it = m_tables.find(last_path);
                 it == m_tables.end() || it->second != TableKind::array_of_tables) {
        return fail("key \"" + last + "\" already exists and is not an array of tables");
      }
      Node t = Node::map();
      t.line = line;
      existing->push_back(std::move(t));
      m_current_depth = 2 * static_cast<int>(parts.size());
      m_current_path = path_index(last_path, existing->items().size() - 1);
      m_tables[m_current_path] = TableKind::header;
      m_current = &existing->items().back();
      return true;
    }
    if (!existing) {
      Node t = Node::map();
      t.line = line;
      m_current = &table->set(last, std::move(t));
      m_tables[last_path] = TableKind::header;
      m_current_path = last_path;
      m_current_depth = 2 * static_cast<int>(parts.size());
      return true;
    }
    auto it = m_tables.find(last_path);
    if (it == m_tables.end() || it->second == TableKind::header || it->second == TableKind::array_of_tables)
      return fail("table \"" + last + "\" is already defined");
    if (it->second == TableKind::dotted)
      return fail("table \"" + last + "\" is already defined by dotted keys");
    it->second = TableKind::header;
    m_current = existing;
    m_current_path = last_path;
    m_current_depth = 2 * static_cast<int>(parts.size());
    return true;
  }

  // key = value into `table`, registered at `path` (an inline table registers itself under a
  // private prefix while it is open, so that afterwards it is frozen like every unregistered
  // table).
  bool keyval(Node& table, const std::string& path, int depth) {
    int line = line_at(m_pos);
    std::vector<std::string> parts;
    if (!key(parts)) return false;
    skip_ws();
    if (peek() != '=') return fail("expected '=' after the key, found " + describe(peek()));
    ++m_pos;
    skip_ws();
    Node* target = &table;
    std::string target_path = path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      target = descend(*target, target_path, parts[i], TableKind::dotted, line);
      if (!target) return false;
    }
    if (target->find(parts.back())) return fail("key \"" + parts.back() + "\" already exists");
    Node value;
    if (!parse_value(value, depth + static_cast<int>(parts.size()))) return false;
    target->set(parts.back(), std::move(value));
    return true;
  }

  // ---- values ---------------------------------------------------------------------------------
  bool parse_value(Node& out, int depth) {
    if (depth > static_cast<int>(kMaxDepth)) return fail("nesting too deep");
    int line = line_at(m_pos);
    char c = peek();
    bool ok;
    if (c == '"' || c == '\'') {
      std::string s;
      bool triple = peek(1) == c && peek(2) == c;
      if (c == '"')
        ok = triple ? ml_basic_string(s) : basic_string(s);
      else
        ok = triple ? ml_literal_string(s) : literal_string(s);
      if (ok) out = Node::string(std::move(s));
    } else if (c == '[') {
      ok = array(out, depth);
    } else if (c == '{') {
      ok = inline_table(out, depth + 1);
    } else {
      ok = scalar(out);
    }
    out.line = line;
    return ok;
  }

  bool array(Node& out, int depth) {
    ++m_pos;
    out = Node::seq();
    for (;;) {
      if (!skip_ws_nl()) return false;
      if (eof()) return fail("unterminated array");
      if (peek() == ']') {
        ++m_pos;
        return true;
      }
      Node item;
      if (!parse_value(item, depth + 1)) return false;
      out.push_back(std::move(item));
      if (!skip_ws_nl()) return false;
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == ']') {
        ++m_pos;
        return true;
      }
      return fail("expected ',' or ']' in an array, found " + describe(peek()));
    }
  }

  bool inline_table(Node& out, int depth) {
    ++m_pos;
    out = Node::map();
    std::string prefix = "\x01" + std::to_string(m_inline_count++) + ";";
    m_tables[prefix] = TableKind::header;
    for (;;) {
      if (!skip_ws_nl()) return false;
      if (eof()) return fail("unterminated inline table");
      if (peek() == '}') {
        ++m_pos;
        return true;
      }
      if (!keyval(out, prefix, depth)) return false;
      if (!skip_ws_nl()) return false;
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == '}') {
        ++m_pos;
        return true;
      }
      return fail("expected ',' or '}' in an inline table, found " + describe(peek()));
    }
  }

  // Reads an escape after the backslash of a basic string.
  bool escape(std::string& out) {
    char c = peek();
    ++m_pos;
    switch (c) {
      case 'b':
        out.push_back('\b');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 'e':
        out.push_back('\x1b');
        return true;
      case '"':
        out.push_back('"');
        return true;
      case '\\':
        out.push_back('\\');
        return true;
      case 'x':
      case 'u':
      case 'U': {
        int n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        std::uint32_t cp = 0;
        for (int i = 0; i < n; ++i) {
          char h = peek();
          if (!is_hex(h))
            return fail("invalid escape sequence: expected " + std::to_string(n) + " hex digits");
          cp = cp * 16 + static_cast<std::uint32_t>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
          ++m_pos;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
          return fail("escape is not a Unicode scalar value");
        append_utf8(out, cp);
        return true;
      }
      default:
        --m_pos;
        return fail("invalid escape sequence \\" + std::string(eof() ? "" : std::string(1, c)));
    }
  }

  // A character inside a string: rejects control characters (tab allowed; newlines only when
  // `multiline`, where CRLF is kept as LF... as tomlkit keeps it: as "\r\n").
  bool string_char(std::string& out, bool multiline) {
    auto c = static_cast<unsigned char>(peek());
    if (c == '\n' && multiline) {
      out.push_back('\n');
      ++m_pos;
      return true;
    }
    if (c == '\r' && multiline && peek(1) == '\n') {
      out += "\r\n";
      m_pos += 2;
      return true;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      if (c == '\n' || eof()) return fail("unterminated string");
      return fail("control characters are not allowed in strings");
    }
    out.push_back(static_cast<char>(c));
    ++m_pos;
    return true;
  }

  bool basic_string(std::string& out) {
    ++m_pos;
    for (;;) {
      if (eof()) return fail("unterminated string");
      char c = peek();
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (c == '\\') {
        ++m_pos;
        if (!escape(out)) return false;
        continue;
      }
      if (!string_char(out, false)) return false;
    }
  }

  bool literal_string(std::string& out) {
    ++m_pos;
    for (;;) {
      if (eof()) return fail("unterminated string");
      if (peek() == '\'') {
        ++m_pos;
        return true;
      }
      if (!string_char(out, false)) return false;
    }
  }

  void skip_first_newline() {
    if (peek() == '\n')
      ++m_pos;
    else if (peek() == '\r' && peek(1) == '\n')
      m_pos += 2;
  }

  // After the closing delimiter of a multi-line string up to two more quotes belong to the
  // content ("""a""""" is `a""`).
  void closing_quotes(std::string& out, char q) {
    m_pos += 3;
    for (int k = 0; k < 2 && peek() == q; ++k) {
      out.push_back(q);
      ++m_pos;
    }
  }

  bool ml_basic_string(std::string& out) {
    m_pos += 3;
    skip_first_newline();
    for (;;) {
      if (eof()) return fail("unterminated multi-line string");
      char c = peek();
      if (c == '"' && peek(1) == '"' && peek(2) == '"') {
        closing_quotes(out, '"');
        return true;
      }
      if (c == '\\') {
        // Line-ending backslash: trims whitespace and newlines up to the next content.
        std::size_t p = m_pos + 1;
        while (p < m_s.size() && (m_s[p] == ' ' || m_s[p] == '\t')) ++p;
        if (p < m_s.size() &&
            (m_s[p] == '\n' || (m_s[p] == '\r' && p + 1 < m_s.size() && m_s[p + 1] == '\n'))) {
          m_pos = p;
          while (!eof() &&
                 (peek() == ' ' || peek() == '\t' || peek() == '\n' || (peek() == '\r' && peek(1) == '\n')))
            ++m_pos;
          continue;
        }
        ++m_pos;
        if (!escape(out)) return false;
        continue;
      }
      if (!string_char(out, true)) return false;
    }
  }

  bool ml_literal_string(std::string& out) {
    m_pos += 3;
    skip_first_newline();
    for (;;) {
      if (eof()) return fail("unterminated multi-line string");
      if (peek() == '\'' && peek(1) == '\'' && peek(2) == '\'') {
        closing_quotes(out, '\'');
        return true;
      }
      if (!string_char(out, true)) return false;
    }
  }

  // Booleans, numbers, dates and times: one token of [A-Za-z0-9_+-.:], plus the time part of a
  // date-time written with a space.
  bool scalar(Node& out) {
    std::size_t start = m_pos;
    auto token_char = [](char c) { return is_bare_key_char(c) || c == '+' || c == '.' || c == ':'; };
    while (!eof() && token_char(peek())) ++m_pos;
    std::string tok(m_s.substr(start, m_pos - start));
    if (tok.empty()) return fail("expected a value, found " + describe(peek()));
    if (tok.size() == 10 && tok[4] == '-' && peek() == ' ' && is_digit(peek(1)) && is_digit(peek(2)) &&
        peek(3) == ':') {
      ++m_pos;
      while (!eof() && token_char(peek())) ++m_pos;
      tok = std::string(m_s.substr(start, m_pos - start));
      tok[10] = 'T';
    }
    if (tok == "true") {
      out = Node::boolean(true);
      return true;
    }
    if (tok == "false") {
      out = Node::boolean(false);
      return true;
    }
    if (auto dt = date_time(tok)) {
      if (dt->empty()) return !m_errors.failed() ? fail("invalid date or time '" + tok + "'") : false;
      out = Node::string(*dt);
      return true;
    }
    m_pos = start;  // errors point at the token
    return number(tok, out);
  }

  bool number(const std::string& tok, Node& out) {
    auto invalid = [&] { return fail("invalid number '" + tok + "'"); };
    std::string_view t = tok;
    bool negative = false, signed_ = false;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
      negative = t[0] == '-';
      signed_ = true;
      t.remove_prefix(1);
    }
    if (t == "inf" || t == "nan") {
      double v = t == "inf" ? HUGE_VAL : std::nan("");
      out = Node::floating(py::float_literal(negative ? -v : v));
      m_pos += tok.size();
      return true;
    }
    // Digits with single underscores between digits.
    auto digits_ok = [](std::string_view d, auto pred) {
      if (d.empty() || d.front() == '_' || d.back() == '_') return false;
      for (std::size_t i = 0; i < d.size(); ++i) {
        if (d[i] == '_') {
          if (d[i + 1] == '_') return false;
        } else if (!pred(d[i])) {
          return false;
        }
      }
      return true;
    };
    auto strip = [](std::string_view d) {
      std::string r;
      for (char c : d)
        if (c != '_') r.push_back(c);
      return r;
    };
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o' || t[1] == 'b')) {
      if (signed_) return invalid();
      int base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2;
      auto pred = [base](char c) {
        if (base == 16) return is_hex(c);
        return c >= '0' && c < static_cast<char>('0' + base);
      };
      if (!digits_ok(t.substr(2), pred)) return invalid();
      std::string d = strip(t.substr(2));
      errno = 0;
      unsigned long long v = std::strtoull(d.c_str(), nullptr, base);
      if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) {
        out = Node::floating(py::float_literal(static_cast<double>(v)));
      } else {
        out = Node::integer(static_cast<std::int64_t>(v));
      }
      m_pos += tok.size();
      return true;
    }
    // Decimal: int part, optional fraction, optional exponent.
    std::size_t i = 0;
    while (i < t.size() && (is_digit(t[i]) || t[i] == '_')) ++i;
    std::string_view int_part = t.substr(0, i);
    if (!digits_ok(int_part, is_digit)) return invalid();
    if (int_part.size() > 1 && int_part[0] == '0') return invalid();
    bool is_float = false;
    if (i < t.size() && t[i] == '.') {
      std::size_t j = i + 1;
      while (j < t.size() && (is_digit(t[j]) || t[j] == '_')) ++j;
      if (!digits_ok(t.substr(i + 1, j - i - 1), is_digit)) return invalid();
      i = j;
      is_float = true;
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
      std::size_t j = i + 1;
      if (j < t.size() && (t[j] == '+' || t[j] == '-')) ++j;
      std::size_t k = j;
      while (k < t.size() && (is_digit(t[k]) || t[k] == '_')) ++k;
      if (!digits_ok(t.substr(j, k - j), is_digit)) return invalid();
      i = k;
      is_float = true;
    }
    if (i != t.size()) return invalid();
    std::string text = (negative ? "-" : "") + strip(t);
    if (is_float) {
      out = Node::floating(py::float_literal(std::strtod(text.c_str(), nullptr)));
    } else {
      errno = 0;
      long long v = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE)
        out = Node::floating(py::float_literal(std::strtod(text.c_str(), nullptr)));
      else
        out = Node::integer(v);
    }
    m_pos += tok.size();
    return true;
  }

  // Python's str() of the date/time/datetime a token denotes; nullopt when the token does not
  // look like one, "" when it looks like one but is invalid.
  std::optional<std::string> date_time(const std::string& tok) {
    auto num = [&](std::size_t at, std::size_t n) -> int {
      int v = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (at + k >= tok.size() || !is_digit(tok[at + k])) return -1;
        v = v * 10 + (tok[at + k] - '0');
      }
      return v;
    };
    bool has_date = tok.size() >= 10 && tok[4] == '-' && tok[7] == '-' && num(0, 4) >= 0;
    bool time_only = !has_date && tok.size() >= 5 && tok[2] == ':' && num(0, 2) >= 0;
    if (!has_date && !time_only) return std::nullopt;
    std::string out;
    std::size_t p = 0;
    if (has_date) {
      int y = num(0, 4), m = num(5, 2), d = num(8, 2);
      if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::string();
      out = tok.substr(0, 10);
      p = 10;
      if (p == tok.size()) return out;
      if (tok[p] != 'T' && tok[p] != 't') return std::string();
      ++p;
      out += ' ';
    }
    // HH:MM[:SS[.frac]]
    int hh = num(p, 2), mm = (p + 2 < tok.size() && tok[p + 2] == ':') ? num(p + 3, 2) : -1;
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return std::string();
    p += 5;
    int ss = 0;
    std::string micro;
    if (p < tok.size() && tok[p] == ':') {
      ss = num(p + 1, 2);
      if (ss < 0 || ss > 59) return std::string();
      p += 3;
      if (p < tok.size() && tok[p] == '.') {
        std::size_t q = p + 1;
        while (q < tok.size() && is_digit(tok[q])) ++q;
        if (q == p + 1) return std::string();
        micro = tok.substr(p + 1, std::min<std::size_t>(6, q - p - 1));
        micro.resize(6, '0');
        p = q;
      }
    }
    out += two(hh) + ":" + two(mm) + ":" + two(ss);
    if (!micro.empty() && micro != "000000") out += "." + micro;
    if (p == tok.size()) return out;
    if (!has_date) return std::string();
    if (tok[p] == 'Z' || tok[p] == 'z') {
      if (p + 1 != tok.size()) return std::string();
      return out + "+00:00";
    }
    if (tok[p] != '+' && tok[p] != '-') return std::string();
    int oh = num(p + 1, 2), om = (p + 3 < tok.size() && tok[p + 3] == ':') ? num(p + 4, 2) : -1;
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || p + 6 != tok.size()) return std::string();
    return out + tok[p] + two(oh) + ":" + two(om);
  }

  std::string_view m_s;
  std::size_t m_pos = 0;
  FirstParseError m_errors;
  Node m_root;
  Node* m_current = nullptr;
  std::string m_current_path;
  std::unordered_map<std::string, TableKind> m_tables;
  std::size_t m_inline_count = 0;
  int m_current_depth = 0;  // an upper bound of the current table's depth in the tree
};

}  // namespace

Expected<yaml::Node> parse_toml(std::string_view text, std::string_view filename) {
  TomlParser parser(text, filename);
  return parser.run();
}

}  // namespace cairn::pipeline
