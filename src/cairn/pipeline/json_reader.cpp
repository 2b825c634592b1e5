#include "cairn/pipeline/json_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cairn/pipeline/py_format.h"
#include "cairn/pipeline/parse_error.h"
#include "cairn/util/utf8.h"

namespace cairn::pipeline {
namespace {

using yaml::Node;

constexpr int kMaxDepth = 512;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
  if (n == 0 || i + n >= s.size()) return 0;
  std::uint32_t cp = c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
  for (std::size_t k = 1; k <= n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n + 1;
}

class JsonParser {
 public:
  JsonParser(std::string_view text, std::string_view filename) : m_s(text), m_errors(text, filename) {}

  Expected<Node> run() {
    for (std::size_t i = 0; i < m_s.size();) {
      std::size_t n = utf8_len(m_s, i);
      if (n == 0) {
        m_pos = i;
        fail("invalid UTF-8");
        return error();
      }
      i += n;
    }
    if (m_s.starts_with("\xEF\xBB\xBF")) {
      fail("unexpected UTF-8 BOM");
      return error();
    }
    Node root;
    skip_ws();
    if (!value(root, 0)) return error();
    skip_ws();
    if (m_pos < m_s.size()) {
      fail("extra data after the JSON value");
      return error();
    }
    return root;
  }

 private:
  bool fail(const std::string& what) { return m_errors.fail(m_pos, what); }
  std::unexpected<Error> error() const { return m_errors.error(); }
  int line_at(std::size_t pos) { return m_errors.line_at(pos); }
  char peek() const { return m_pos < m_s.size() ? m_s[m_pos] : '\0'; }
  bool eof() const { return m_pos >= m_s.size(); }
  void skip_ws() {
    while (!eof() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++m_pos;
  }
  bool literal(std::string_view word) {
    if (m_s.substr(m_pos, word.size()) != word) return false;
    m_pos += word.size();
    return true;
  }

  bool value(Node& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    int line = line_at(m_pos);
    bool ok = true;
    char c = peek();
    if (c == '{') {
      ok = object(out, depth);
    } else if (c == '[') {
      ok = array(out, depth);
    } else if (c == '"') {
      std::string s;
      ok = string(s);
      if (ok) out = Node::string(std::move(s));
    } else if (literal("true")) {
      out = Node::boolean(true);
    } else if (literal("false")) {
      out = Node::boolean(false);
    } else if (literal("null")) {
      out = Node::null();
    } else if (literal("NaN")) {
      out = Node::floating(py::float_literal(std::nan("")));
    } else if (literal("Infinity")) {
      out = Node::floating(py::float_literal(HUGE_VAL));
    } else if (literal("-Infinity")) {
      out = Node::floating(py::float_literal(-HUGE_VAL));
    } else if (c == '-' || is_digit(c)) {
      ok = number(out);
    } else {
      return fail(eof() ? "expecting a value, found end of file" : "expecting a value");
    }
    out.line = line;
    return ok;
  }

  bool object(Node& out, int depth) {
    ++m_pos;
    out = Node::map();
    skip_ws();
    if (peek() == '}') {
      ++m_pos;
      return true;
    }
    for (;;) {
      skip_ws();
      if (peek() != '"') return fail("expecting a property name enclosed in double quotes");
      std::string key;
      if (!string(key)) return false;
      skip_ws();
      if (peek() != ':') return fail("expecting ':' delimiter");
      ++m_pos;
      skip_ws();
      Node v;
      if (!value(v, depth + 1)) return false;
      out.set(key, std::move(v));  // a repeated key keeps its place, takes the last value
      skip_ws();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == '}') {
        ++m_pos;
        return true;
      }
      return fail("expecting ',' delimiter");
    }
  }

  bool array(Node& out, int depth) {
    ++m_pos;
    out = Node::seq();
    skip_ws();
    if (peek() == ']') {
      ++m_pos;
      return true;
    }
    for (;;) {
      skip_ws();
      Node v;
      if (!value(v, depth + 1)) return false;
      out.push_back(std::move(v));
      skip_ws();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == ']') {
        ++m_pos;
        return true;
      }
      return fail("expecting ',' delimiter");
    }
  }

  bool hex4(std::uint32_t& cp) {
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char h = peek();
      int d = is_digit(h)              ? h - '0'
              : (h >= 'a' && h <= 'f') ? h - 'a' + 10
              : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                       : -1;
      if (d < 0) return fail("invalid \\uXXXX escape");
      cp = cp * 16 + static_cast<std::uint32_t>(d);
      ++m_pos;
    }
    return true;
  }

  bool string(std::string& out) {
    ++m_pos;
    for (;;) {
      if (eof()) return fail("unterminated string");
      auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (c < 0x20) return fail("invalid control character in string");
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        ++m_pos;
        continue;
      }
      ++m_pos;
      char e = peek();
      ++m_pos;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && m_s.substr(m_pos, 2) == "\\u") {
            std::size_t save = m_pos;
            m_pos += 2;
            std::uint32_t low;
            if (!hex4(low)) return false;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              m_pos = save;  // the next escape stands on its own
            }
          }
          append_utf8(out, cp);
          break;
        }
        default:
          m_pos -= 2;
          return fail("invalid \\escape");
      }
    }
  }

  bool number(Node& out) {
    std::size_t start = m_pos;
    if (peek() == '-') ++m_pos;
    if (peek() == '0') {
      ++m_pos;
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++m_pos;
    } else {
      m_pos = start;
      return fail("expecting a value");
    }
    bool is_float = false;
    // Python's scanner takes a fraction/exponent only when digits follow; otherwise the number
    // ends there and what remains is "extra data" or a delimiter error.
    if (peek() == '.' && m_pos + 1 < m_s.size() && is_digit(m_s[m_pos + 1])) {
      ++m_pos;
      while (is_digit(peek())) ++m_pos;
      is_float = true;
    }
    if (peek() == 'e' || peek() == 'E') {
      std::size_t p = m_pos + 1;
      if (p < m_s.size() && (m_s[p] == '+' || m_s[p] == '-')) ++p;
      if (p < m_s.size() && is_digit(m_s[p])) {
        while (p < m_s.size() && is_digit(m_s[p])) ++p;
        m_pos = p;
        is_float = true;
      }
    }
    std::string text(m_s.substr(start, m_pos - start));
    if (is_float) {
      out = Node::floating(py::float_literal(std::strtod(text.c_str(), nullptr)));
      return true;
    }
    errno = 0;
    long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE)
      out = Node::floating(py::float_literal(std::strtod(text.c_str(), nullptr)));
    else
      out = Node::integer(v);
    return true;
  }

  std::string_view m_s;
  std::size_t m_pos = 0;
  FirstParseError m_errors;
};

}  // namespace

Expected<yaml::Node> parse_json(std::string_view text, std::string_view filename) {
  JsonParser parser(text, filename);
  return parser.run();
}

}  // namespace cairn::pipeline
