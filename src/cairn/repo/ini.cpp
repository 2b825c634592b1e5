#include "cairn/repo/ini.h"
#include "cairn/util/utf8.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <variant>

namespace cairn::repo {
namespace {

// ---------------------------------------------------------------------------------------
// A tiny backtracking regex engine with Python `re` match semantics (leftmost-first,
// lazy quantifiers, Python's `$`), so that ConfigObj's regexes behave exactly as in Python
// on odd input. Supports: literals, `.`, `\s`, `\S`, `\w`, escapes, classes, groups,
// `(?:)`, single-char `(?<!c)`, `|`, `* + ?` and lazy forms, `^`, `$`. Text is UTF-32.
// ---------------------------------------------------------------------------------------
bool py_isspace(char32_t c);

class PyRegex {
 public:
  // `pattern` must be valid in the supported subset (programming error otherwise: aborts).
  explicit PyRegex(std::string_view pattern);

  // Capture spans as [start, end) offsets, -1 when the group did not participate.
  struct Match {
    std::vector<int> spans;  // 2 * (groups + 1)
    bool has(int group) const { return spans[2 * group] >= 0; }
    std::u32string_view group(std::u32string_view text, int g) const {
      if (!has(g)) return {};
      return text.substr(spans[2 * g], spans[2 * g + 1] - spans[2 * g]);
    }
    int start(int g) const { return spans[2 * g]; }
    int end(int g) const { return spans[2 * g + 1]; }
  };

  // re.match(text, pos): anchored at `pos`, need not reach the end.
  std::optional<Match> match(std::u32string_view text, std::size_t pos = 0, bool* exhausted = nullptr) const;
  // re.search(text, pos).
  std::optional<Match> search(std::u32string_view text, std::size_t pos = 0, bool* exhausted = nullptr) const;
  int groups() const { return m_groups; }

  struct Inst {
    enum Op { chr, any, cls, split, jmp, save, done, bol, eol, not_behind } op;
    char32_t c = 0;
    int x = 0;
    int y = 0;
  };
  struct Class {
    std::vector<std::pair<char32_t, char32_t>> ranges;
    bool space = false;     // includes \s
    bool nonspace = false;  // includes \S
    bool word = false;      // includes \w
    bool negated = false;
    bool contains(char32_t c) const;
  };

 private:
  std::vector<Inst> m_prog;
  std::vector<Class> m_classes;
  int m_groups = 0;
};

bool py_isspace(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
  return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
         c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

bool is_word(char32_t c) {
  if (c < 0x80) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  // Approximation of Python's Unicode \w: treat non-space, non-punctuation letters as words.
  return !py_isspace(c) && c != 0xa0;
}

struct Node {
  enum Type { lit, any, cls, bol, eol, not_behind, cat, alt, repeat, group } type;
  char32_t c = 0;
  int cls_index = 0;
  int min = 0;
  int max = 0;  // -1: unbounded
  bool greedy = true;
  int group_index = -1;  // capture index, -1 for non-capturing
  std::vector<std::unique_ptr<Node>> kids;
};

class Compiler {
 public:
  Compiler(std::string_view p, std::vector<PyRegex::Class>& classes) : m_p(p), m_classes(classes) {}

  std::unique_ptr<Node> parse_alt() {
    auto node = std::make_unique<Node>();
    node->type = Node::alt;
    node->kids.push_back(parse_cat());
    while (m_i < m_p.size() && m_p[m_i] == '|') {
      ++m_i;
      node->kids.push_back(parse_cat());
    }
    if (node->kids.size() == 1) return std::move(node->kids[0]);
    return node;
  }
  int groups() const { return m_groups; }
  bool at_end() const { return m_i == m_p.size(); }

 private:
  std::unique_ptr<Node> parse_cat() {
    auto node = std::make_unique<Node>();
    node->type = Node::cat;
    while (m_i < m_p.size() && m_p[m_i] != '|' && m_p[m_i] != ')') {
      auto atom = parse_atom();
      if (m_i < m_p.size() && (m_p[m_i] == '*' || m_p[m_i] == '+' || m_p[m_i] == '?')) {
        auto rep = std::make_unique<Node>();
        rep->type = Node::repeat;
        char q = m_p[m_i++];
        rep->min = q == '+' ? 1 : 0;
        rep->max = q == '?' ? 1 : -1;
        if (m_i < m_p.size() && m_p[m_i] == '?') {
          rep->greedy = false;
          ++m_i;
        }
        rep->kids.push_back(std::move(atom));
        atom = std::move(rep);
      }
      node->kids.push_back(std::move(atom));
    }
    return node;
  }

  char32_t escape_char(char e) {
    switch (e) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      default:
        return static_cast<unsigned char>(e);
    }
  }

  std::unique_ptr<Node> parse_atom() {
    auto node = std::make_unique<Node>();
    char ch = m_p[m_i++];
    switch (ch) {
      case '.':
        node->type = Node::any;
        return node;
      case '^':
        node->type = Node::bol;
        return node;
      case '$':
        node->type = Node::eol;
        return node;
      case '(': {
        if (m_p.substr(m_i, 2) == "?:") {
          m_i += 2;
          node->type = Node::group;
        } else if (m_p.substr(m_i, 3) == "?<!") {
          m_i += 3;
          node->type = Node::not_behind;
          char c = m_p[m_i++];
          if (c == '\\') c = m_p[m_i++];
          node->c = static_cast<unsigned char>(c);
          if (m_p[m_i++] != ')') std::abort();
          return node;
        } else {
          node->type = Node::group;
          node->group_index = ++m_groups;
        }
        node->kids.push_back(parse_alt());
        if (m_i >= m_p.size() || m_p[m_i] != ')') std::abort();
        ++m_i;
        return node;
      }
      case '[':
        return parse_class();
      case '\\': {
        char e = m_p[m_i++];
        if (e == 's' || e == 'S' || e == 'w') {
          PyRegex::Class cls;
          cls.space = e == 's';
          cls.nonspace = e == 'S';
          cls.word = e == 'w';
          node->type = Node::cls;
          node->cls_index = static_cast<int>(m_classes.size());
          m_classes.push_back(std::move(cls));
          return node;
        }
        node->type = Node::lit;
        node->c = escape_char(e);
        return node;
      }
      default:
        node->type = Node::lit;
        node->c = static_cast<unsigned char>(ch);
        return node;
    }
  }

  std::unique_ptr<Node> parse_class() {
    PyRegex::Class cls;
    if (m_i < m_p.size() && m_p[m_i] == '^') {
      cls.negated = true;
      ++m_i;
    }
    bool first = true;
    while (true) {
      if (m_i >= m_p.size()) std::abort();
      char ch = m_p[m_i++];
      if (ch == ']' && !first) break;
      first = false;
      char32_t lo;
      if (ch == '\\') {
        char e = m_p[m_i++];
        if (e == 's') {
          cls.space = true;
          continue;
        }
        if (e == 'S') {
          cls.nonspace = true;
          continue;
        }
        lo = escape_char(e);
      } else {
        lo = static_cast<unsigned char>(ch);
      }
      if (m_i + 1 < m_p.size() && m_p[m_i] == '-' && m_p[m_i + 1] != ']') {
        ++m_i;
        char h = m_p[m_i++];
        char32_t hi = h == '\\' ? escape_char(m_p[m_i++]) : static_cast<unsigned char>(h);
        cls.ranges.emplace_back(lo, hi);
      } else {
        cls.ranges.emplace_back(lo, lo);
      }
    }
    auto node = std::make_unique<Node>();
    node->type = Node::cls;
    node->cls_index = static_cast<int>(m_classes.size());
    m_classes.push_back(std::move(cls));
    return node;
  }

  std::string_view m_p;
  std::size_t m_i = 0;
  int m_groups = 0;
  std::vector<PyRegex::Class>& m_classes;
};

using Inst = PyRegex::Inst;

void emit(const Node& n, std::vector<Inst>& prog) {
  switch (n.type) {
    case Node::lit:
      prog.push_back({Inst::chr, n.c});
      break;
    case Node::any:
      prog.push_back({Inst::any});
      break;
    case Node::cls:
      prog.push_back({Inst::cls, 0, n.cls_index});
      break;
    case Node::bol:
      prog.push_back({Inst::bol});
      break;
    case Node::eol:
      prog.push_back({Inst::eol});
      break;
    case Node::not_behind:
      prog.push_back({Inst::not_behind, n.c});
      break;
    case Node::cat:
      for (const auto& k : n.kids) emit(*k, prog);
      break;
    case Node::group:
      if (n.group_index >= 0) prog.push_back({Inst::save, 0, 2 * n.group_index});
      emit(*n.kids[0], prog);
      if (n.group_index >= 0) prog.push_back({Inst::save, 0, 2 * n.group_index + 1});
      break;
    case Node::alt: {
      std::vector<std::size_t> jumps;
      for (std::size_t i = 0; i < n.kids.size(); ++i) {
        if (i + 1 < n.kids.size()) {
          std::size_t split = prog.size();
          prog.push_back({Inst::split});
          prog[split].x = static_cast<int>(prog.size());
          emit(*n.kids[i], prog);
          jumps.push_back(prog.size());
          prog.push_back({Inst::jmp});
          prog[split].y = static_cast<int>(prog.size());
        } else {
          emit(*n.kids[i], prog);
        }
      }
      for (auto j : jumps) prog[j].x = static_cast<int>(prog.size());
      break;
    }
    case Node::repeat: {
      const Node& body = *n.kids[0];
      if (n.max == 1) {  // ?
        std::size_t split = prog.size();
        prog.push_back({Inst::split});
        std::size_t body_start = prog.size();
        emit(body, prog);
        std::size_t after = prog.size();
        prog[split].x = static_cast<int>(n.greedy ? body_start : after);
        prog[split].y = static_cast<int>(n.greedy ? after : body_start);
      } else if (n.min == 0) {  // *
        std::size_t split = prog.size();
        prog.push_back({Inst::split});
        std::size_t body_start = prog.size();
        emit(body, prog);
        prog.push_back({Inst::jmp, 0, static_cast<int>(split)});
        std::size_t after = prog.size();
        prog[split].x = static_cast<int>(n.greedy ? body_start : after);
        prog[split].y = static_cast<int>(n.greedy ? after : body_start);
      } else {  // +
        std::size_t body_start = prog.size();
        emit(body, prog);
        std::size_t split = prog.size();
        prog.push_back({Inst::split});
        std::size_t after = prog.size();
        prog[split].x = static_cast<int>(n.greedy ? body_start : after);
        prog[split].y = static_cast<int>(n.greedy ? after : body_start);
      }
      break;
    }
  }
}

bool PyRegex::Class::contains(char32_t c) const {
  bool in = false;
  if (space && py_isspace(c)) in = true;
  if (nonspace && !py_isspace(c)) in = true;
  if (word && is_word(c)) in = true;
  if (!in) {
    for (const auto& [lo, hi] : ranges) {
      if (c >= lo && c <= hi) {
        in = true;
        break;
      }
    }
  }
  return in != negated;
}

PyRegex::PyRegex(std::string_view pattern) {
  Compiler compiler(pattern, m_classes);
  auto root = compiler.parse_alt();
  if (!compiler.at_end()) std::abort();
  m_groups = compiler.groups();
  emit(*root, m_prog);
  m_prog.push_back({Inst::done});
}

std::optional<PyRegex::Match> PyRegex::match(std::u32string_view s, std::size_t pos, bool* exhausted) const {
  struct Thread {
    int pc;
    int sp;
    std::vector<int> caps;
  };
  const int n = static_cast<int>(s.size());
  std::vector<Thread> stack;
  std::vector<int> caps(2 * (m_groups + 1), -1);
  stack.push_back({0, static_cast<int>(pos), caps});
  long budget = 2'000'000;
  while (!stack.empty()) {
    Thread t = std::move(stack.back());
    stack.pop_back();
    int pc = t.pc;
    int sp = t.sp;
    caps = std::move(t.caps);
    bool alive = true;
    while (alive) {
      if (--budget < 0) {
        if (exhausted) *exhausted = true;
        return std::nullopt;
      }
      const Inst& in = m_prog[pc];
      switch (in.op) {
        case Inst::chr:
          if (sp < n && s[sp] == in.c) {
            ++sp;
            ++pc;
          } else {
            alive = false;
          }
          break;
        case Inst::any:
          if (sp < n && s[sp] != U'\n') {
            ++sp;
            ++pc;
          } else {
            alive = false;
          }
          break;
        case Inst::cls:
          if (sp < n && m_classes[in.x].contains(s[sp])) {
            ++sp;
            ++pc;
          } else {
            alive = false;
          }
          break;
        case Inst::split:
          stack.push_back({in.y, sp, caps});
          pc = in.x;
          break;
        case Inst::jmp:
          pc = in.x;
          break;
        case Inst::save:
          caps[in.x] = sp;
          ++pc;
          break;
        case Inst::bol:
          if (sp == 0) {
            ++pc;
          } else {
            alive = false;
          }
          break;
        case Inst::eol:
          if (sp == n || (sp == n - 1 && s[sp] == U'\n')) {
            ++pc;
          } else {
            alive = false;
          }
          break;
        case Inst::not_behind:
          if (sp == 0 || s[sp - 1] != in.c) {
            ++pc;
          } else {
            alive = false;
          }
          break;
        case Inst::done: {
          caps[0] = static_cast<int>(pos);
          caps[1] = sp;
          return Match{std::move(caps)};
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<PyRegex::Match> PyRegex::search(std::u32string_view s, std::size_t pos, bool* exhausted) const {
  for (std::size_t start = pos; start <= s.size(); ++start) {
    auto m = match(s, start, exhausted);
    if (m) return m;
    if (exhausted && *exhausted) return std::nullopt;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// UTF-8 <-> UTF-32
// ---------------------------------------------------------------------------------------

struct DecodeError {
  std::size_t pos;
  unsigned char byte;
  std::string reason;
};

// Strict decoding like Python's "utf-8" codec.
std::variant<std::u32string, DecodeError> decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char b = s[i];
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    int len;
    char32_t cp;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      cp = b & 0x0f;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      cp = b & 0x07;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;
    } else {
      return DecodeError{i, b, "invalid start byte"};
    }
    for (int k = 1; k < len; ++k) {
      if (i + k >= s.size()) return DecodeError{i, b, "unexpected end of data"};
      unsigned char c = s[i + k];
      unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xbf;
      if (c < l || c > h) return DecodeError{i, b, "invalid continuation byte"};
      cp = (cp << 6) | (c & 0x3f);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

std::u32string to_u32(std::string_view s) {
  auto r = decode_utf8(s);
  if (auto* ok = std::get_if<std::u32string>(&r)) return std::move(*ok);
  // Not valid UTF-8 (e.g. a value set programmatically): map bytes one to one.
  std::u32string out;
  for (unsigned char c : s) out.push_back(c);
  return out;
}

char32_t lower_cp(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xc0 && c <= 0xde && c != 0xd7) return c + 32;
  if (c >= 0x100 && c <= 0x137 && c != 0x130) return (c % 2 == 0) ? c + 1 : c;
  if (c >= 0x139 && c <= 0x148) return (c % 2 == 1) ? c + 1 : c;
  if (c >= 0x14a && c <= 0x177) return (c % 2 == 0) ? c + 1 : c;
  if (c == 0x178) return 0xff;
  if (c >= 0x179 && c <= 0x17e) return (c % 2 == 1) ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) return c + 32;
  if (c == 0x386) return 0x3ac;
  if (c >= 0x388 && c <= 0x38a) return c + 37;
  if (c == 0x38c) return 0x3cc;
  if (c == 0x38e || c == 0x38f) return c + 63;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  return c;
}

std::u32string lower32(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c == 0x130) {  // 'İ'.lower() == 'i̇'
      out.push_back('i');
      out.push_back(0x307);
    } else {
      out.push_back(lower_cp(c));
    }
  }
  return out;
}

bool py_isprintable(char32_t c) {
  if (c < 0x20 || c == 0x7f) return false;
  if (c < 0x7f) return true;
  if (c < 0xa0 || c == 0xad) return false;
  if (py_isspace(c)) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if ((c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
      c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) || c == 0xe000 || (c >= 0xf0000))
    return false;
  return true;
}

// Python's repr() of a str.
std::string py_repr(std::u32string_view s) {
  bool has_single = s.find(U'\'') != std::u32string_view::npos;
  bool has_double = s.find(U'"') != std::u32string_view::npos;
  char32_t q = (has_single && !has_double) ? U'"' : U'\'';
  std::string out(1, static_cast<char>(q));
  static const char* hex = "0123456789abcdef";
  for (char32_t c : s) {
    if (c == q || c == U'\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (py_isprintable(c)) {
      append_utf8(out, c);
    } else if (c < 0x100) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else if (c < 0x10000) {
      out += "\\u";
      for (int sh = 12; sh >= 0; sh -= 4) out.push_back(hex[(c >> sh) & 15]);
    } else {
      out += "\\U";
      for (int sh = 28; sh >= 0; sh -= 4) out.push_back(hex[(c >> sh) & 15]);
    }
  }
  out.push_back(static_cast<char>(q));
  return out;
}

std::u32string_view py_strip(std::u32string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && py_isspace(s[b])) ++b;
  while (e > b && py_isspace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// Text-mode read (universal newlines) followed by str.splitlines(True) and
// rstrip("\r\n") of each line, as ConfigObj sees a file DVC opened.
std::vector<std::u32string> split_lines(std::u32string_view text) {
  std::u32string t;
  t.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == U'\r') {
      t.push_back(U'\n');
      if (i + 1 < text.size() && text[i + 1] == U'\n') ++i;
    } else {
      t.push_back(text[i]);
    }
  }
  std::vector<std::u32string> lines;
  std::u32string cur;
  for (char32_t c : t) {
    bool brk = c == U'\n' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85 ||
               c == 0x2028 || c == 0x2029;
    if (!brk) {
      cur.push_back(c);
      continue;
    }
    if (c != U'\n') cur.push_back(c);  // rstrip("\r\n") keeps other terminators
    lines.push_back(std::move(cur));
    cur.clear();
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

// ---------------------------------------------------------------------------------------
// ConfigObj's regexes (VERBOSE whitespace removed).
// ---------------------------------------------------------------------------------------

const PyRegex& keyword_re() {
  static const PyRegex re(R"re(^(\s*)((?:".*?")|(?:'.*?')|(?:[^'"=].*?))\s*=\s*(.*)$)re");
  return re;
}
const PyRegex& section_re() {
  static const PyRegex re(
      R"re(^(\s*)((?:\[\s*)+)((?:"\s*\S.*?\s*")|(?:'\s*\S.*?\s*')|(?:[^'"\s].*?))((?:\s*\])+)\s*(\#.*)?$)re");
  return re;
}
const PyRegex& value_re() {
  static const PyRegex re(
      R"re(^(?:(?:((?:(?:(?:".*?")|(?:'.*?')|(?:[^'",\#][^,\#]*?))\s*,\s*)*)((?:".*?")|(?:'.*?')|(?:[^'",\#\s][^,]*?)|(?:(?<!,)))?)|(,))\s*(\#.*)?$)re");
  return re;
}
const PyRegex& list_item_re() {
  static const PyRegex re(R"re(((?:".*?")|(?:'.*?')|(?:[^'",\#]?.*?))\s*,\s*)re");
  return re;
}
const PyRegex& triple_single_line(bool dq) {
  static const PyRegex s(R"re(^'''(.*?)'''\s*(#.*)?$)re");
  static const PyRegex d(R"re(^"""(.*?)"""\s*(#.*)?$)re");
  return dq ? d : s;
}
const PyRegex& triple_multi_line(bool dq) {
  static const PyRegex s(R"re(^(.*?)'''\s*(#.*)?$)re");
  static const PyRegex d(R"re(^(.*?)"""\s*(#.*)?$)re");
  return dq ? d : s;
}
const PyRegex& named_re() {
  static const PyRegex re(R"re(^\s*(remote|machine|db)\s*"(.*)"\s*$)re");
  return re;
}
const PyRegex& interp_re() {
  static const PyRegex re(R"re(%\(([^)]*)\)s)re");
  return re;
}

struct SyntaxErr {};

std::u32string unquote(std::u32string_view v) {
  if (v.empty()) throw SyntaxErr{};
  if (v.size() >= 1 && v.front() == v.back() && (v.front() == U'"' || v.front() == U'\'')) {
    if (v.size() == 1) return {};  // Python: '"'[1:-1] == ''
    return std::u32string(v.substr(1, v.size() - 2));
  }
  return std::u32string(v);
}

// A raw value: string or list, UTF-32.
struct RawValue {
  std::u32string str;
  std::vector<std::u32string> list;
  bool is_list = false;
};

RawValue handle_value(std::u32string_view value) {
  bool exhausted = false;
  auto m = value_re().match(value, 0, &exhausted);
  if (!m) throw SyntaxErr{};
  bool has_list = m->has(1), has_single = m->has(2), has_empty = m->has(3);
  std::u32string_view list_values = m->group(value, 1);
  std::u32string_view single_raw = m->group(value, 2);
  if (has_list && list_values.empty() && !has_single) throw SyntaxErr{};
  RawValue out;
  if (has_empty) {
    out.is_list = true;
    return out;
  }
  std::optional<std::u32string> single;
  if (has_single) {
    if (!list_values.empty() && single_raw.empty()) {
      single.reset();
    } else {
      single = unquote(single_raw.empty() ? std::u32string_view(U"\"\"") : single_raw);
    }
  }
  if (list_values.empty()) {
    out.str = single ? *single : std::u32string();
    return out;
  }
  out.is_list = true;
  std::size_t pos = 0;
  while (pos <= list_values.size()) {
    auto item = list_item_re().search(list_values, pos);
    if (!item) break;
    out.list.push_back(unquote(item->group(list_values, 1)));
    pos = item->end(0) > item->start(0) ? item->end(0) : item->end(0) + 1;
  }
  if (single) out.list.push_back(*single);
  return out;
}

// The parsed ConfigObj tree before DVC's lower-casing (one level of sections).
struct RawSection {
  std::u32string name;
  std::vector<std::pair<std::u32string, RawValue>> scalars;
  const RawValue* get(std::u32string_view k) const {
    for (const auto& [key, v] : scalars)
      if (key == k) return &v;
    return nullptr;
  }
};
struct RawConfig {
  // Top-level entries in insertion order: a scalar or an index into sections.
  struct Entry {
    std::u32string key;
    bool is_section;
    RawValue value;
    std::size_t section = 0;
  };
  std::vector<Entry> entries;
  std::vector<RawSection> sections;
  bool has(std::u32string_view k) const {
    for (const auto& e : entries)
      if (e.key == k) return true;
    return false;
  }
  const RawValue* scalar(std::u32string_view k) const {
    for (const auto& e : entries)
      if (e.key == k && !e.is_section) return &e.value;
    return nullptr;
  }
  const RawSection* section(std::u32string_view k) const {
    for (const auto& e : entries)
      if (e.key == k && e.is_section) return &sections[e.section];
    return nullptr;
  }
};

struct ParseFailure {
  std::size_t line;  // 1-based
  std::string what;
};

std::variant<RawConfig, ParseFailure> parse_raw(const std::vector<std::u32string>& lines) {
  RawConfig cfg;
  int depth = 0;                // depth of the current section (0 = top level)
  std::ptrdiff_t current = -1;  // index of the current section
  const std::size_t n = lines.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::u32string& line = lines[i];
    auto sline = py_strip(line);
    if (sline.empty() || sline.front() == U'#') continue;
    auto fail = [&](std::string what) { return ParseFailure{i + 1, std::move(what)}; };
    if (auto m = section_re().match(line)) {
      auto open = m->group(line, 2);
      auto close = m->group(line, 4);
      int cur_depth = 0, close_depth = 0;
      for (char32_t c : open) cur_depth += c == U'[';
      for (char32_t c : close) close_depth += c == U']';
      if (cur_depth != close_depth) return fail("Cannot compute the section depth");
      if (cur_depth > depth + 1) return fail("Section too nested");
      if (cur_depth >= 2) return fail("nested sections are not supported");
      std::u32string name;
      try {
        name = unquote(m->group(line, 3));
      } catch (const SyntaxErr&) {
        return fail("Invalid section name");
      }
      if (cfg.has(name)) return fail("Duplicate section name");
      cfg.sections.push_back(RawSection{name, {}});
      cfg.entries.push_back({name, true, {}, cfg.sections.size() - 1});
      current = static_cast<std::ptrdiff_t>(cfg.sections.size()) - 1;
      depth = 1;
      continue;
    }
    auto m = keyword_re().match(line);
    if (!m) {
      return fail("Invalid line (" + py_repr(line) + ") (matched as neither section nor keyword)");
    }
    std::u32string_view key_raw = m->group(line, 2);
    std::u32string value_str(m->group(line, 3));
    RawValue value;
    std::u32string_view head = std::u32string_view(value_str).substr(0, 3);
    if (head == U"\"\"\"" || head == U"'''") {
      bool dq = head == U"\"\"\"";
      std::u32string quot(head);
      std::u32string newvalue = value_str.substr(3);
      if (auto sm = triple_single_line(dq).match(value_str)) {
        value.str = std::u32string(sm->group(value_str, 1));
      } else if (newvalue.find(quot) != std::u32string::npos) {
        return fail("Parse error in multiline value");
      } else {
        std::size_t j = i;
        bool closed = false;
        const std::u32string* last = nullptr;
        while (j + 1 < n) {
          ++j;
          newvalue.push_back(U'\n');
          if (lines[j].find(quot) == std::u32string::npos) {
            newvalue += lines[j];
          } else {
            closed = true;
            last = &lines[j];
            break;
          }
        }
        if (!closed) return fail("Parse error in multiline value");
        auto mm = triple_multi_line(dq).match(*last);
        if (!mm) return fail("Parse error in multiline value");
        value.str = newvalue + std::u32string(mm->group(*last, 1));
        i = j;
      }
    } else {
      try {
        value = handle_value(value_str);
      } catch (const SyntaxErr&) {
        return fail("Parse error in value");
      }
    }
    std::u32string key = unquote(key_raw);
    if (current < 0) {
      if (cfg.has(key)) return fail("Duplicate keyword name");
      cfg.entries.push_back({key, false, std::move(value), 0});
    } else {
      auto& sec = cfg.sections[current];
      if (sec.get(key)) return fail("Duplicate keyword name");
      sec.scalars.emplace_back(std::move(key), std::move(value));
    }
  }
  return cfg;
}

// ConfigParser-style interpolation as ConfigObj applies it in dict().
struct Interpolator {
  const RawConfig& cfg;
  std::set<std::pair<std::u32string, std::u32string>> backtrail;

  // section == nullptr: the top level.
  std::u32string fetch(std::u32string_view key, const RawSection*& section) {
    if (section) {
      if (const RawValue* v = section->get(key)) {
        if (v->is_list) throw std::string("interpolated value is a list");
        return v->str;
      }
      section = nullptr;
    }
    if (const RawValue* v = cfg.scalar(key)) {
      if (v->is_list) throw std::string("interpolated value is a list");
      return v->str;
    }
    if (const RawSection* def = cfg.section(U"DEFAULT")) {
      if (const RawValue* v = def->get(key)) {
        if (v->is_list) throw std::string("interpolated value is a list");
        return v->str;
      }
    }
    throw std::string("missing option \"" + to_utf8(key) + "\" in interpolation.");
  }

  std::u32string run(std::u32string_view key, std::u32string value, const RawSection* section) {
    std::u32string sname = section ? section->name : U"\x01<main>";
    auto mark = std::make_pair(std::u32string(key), sname);
    if (backtrail.count(mark)) {
      throw std::string("interpolation loop detected in value \"" + to_utf8(key) + "\".");
    }
    backtrail.insert(mark);
    std::size_t pos = 0;
    while (auto m = interp_re().search(value, pos)) {
      std::u32string k(m->group(value, 1));
      const RawSection* where = section;
      std::u32string v = fetch(k, where);
      std::u32string replacement = run(k, v, where);
      value = value.substr(0, m->start(0)) + replacement + value.substr(m->end(0));
      pos = m->start(0) + replacement.size();
    }
    backtrail.erase(mark);
    return value;
  }

  void apply(std::u32string_view key, RawValue& v, const RawSection* section) {
    if (v.is_list) {
      for (auto& item : v.list)
        if (item.find(U'%') != std::u32string::npos) item = run(key, item, section);
    } else if (v.str.find(U'%') != std::u32string::npos) {
      v.str = run(key, v.str, section);
    }
  }
};

IniValue to_value(const RawValue& raw) {
  if (!raw.is_list) return IniValue(to_utf8(raw.str));
  std::vector<std::string> items;
  for (const auto& s : raw.list) items.push_back(to_utf8(s));
  return IniValue::make_list(std::move(items));
}

// ---------------------------------------------------------------------------------------
// Writing (ConfigObj._quote)
// ---------------------------------------------------------------------------------------

bool in_wspace_plus(char c) {
  return c == ' ' || c == '\r' || c == '\n' || c == '\v' || c == '\t' || c == '\'' || c == '"';
}

Expected<std::string> quote(const std::string& v, bool multiline) {
  auto unquotable = [&] {
    return make_error(ErrorCode::invalid_input, "Value \"" + v + "\" cannot be safely quoted.");
  };
  if (v.empty()) return std::string("\"\"");
  bool has_sq = v.find('\'') != std::string::npos;
  bool has_dq = v.find('"') != std::string::npos;
  bool has_nl = v.find('\n') != std::string::npos;
  bool need_triple = multiline && ((has_sq && has_dq) || has_nl);
  auto single_quote = [&]() -> Expected<std::string> {
    if (has_sq && has_dq) return unquotable();
    if (has_dq) return "'" + v + "'";
    return "\"" + v + "\"";
  };
  if (!need_triple) {
    if (has_nl) return unquotable();
    if (!in_wspace_plus(v.front()) && !in_wspace_plus(v.back()) && v.find(',') == std::string::npos) {
      if (v.find('#') != std::string::npos) return single_quote();
      return v;
    }
    return single_quote();
  }
  bool has_tdq = v.find("\"\"\"") != std::string::npos;
  bool has_tsq = v.find("'''") != std::string::npos;
  if (has_tdq && has_tsq) return unquotable();
  if (!has_tdq) return "'''" + v + "'''";
  return "\"\"\"" + v + "\"\"\"";
}

Expected<std::string> quote_value(const IniValue& v) {
  if (!v.is_list) return quote(v.str, true);
  if (v.list.empty()) return std::string(",");
  if (v.list.size() == 1) {
    ASSIGN_OR_RETURN(std::string q, quote(v.list[0], false));
    return q + ",";
  }
  std::string out;
  for (std::size_t i = 0; i < v.list.size(); ++i) {
    ASSIGN_OR_RETURN(std::string q, quote(v.list[i], false));
    if (i) out += ", ";
    out += q;
  }
  return out;
}

Status write_entry(std::string& out, const char* indent, const std::string& key, const IniValue& value) {
  ASSIGN_OR_RETURN(std::string k, quote(key, false));
  ASSIGN_OR_RETURN(std::string v, quote_value(value));
  out += indent;
  out += k;
  out += " = ";
  out += v;
  out += '\n';
  return ok();
}

template <class Vec, class Key>
auto find_entry(Vec& entries, const Key& key) -> decltype(&entries[0].second) {
  for (auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

std::string python_lower(std::string_view utf8) {
  return to_utf8(lower32(to_u32(utf8)));
}

std::string IniValue::display() const {
  if (!is_list) return str;
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ", ";
    out += py_repr(to_u32(list[i]));
  }
  return out + "]";
}

std::string IniSection::full_name() const {
  if (kind.empty()) return name;
  return kind + " \"" + name + "\"";
}

const IniValue* IniSection::find(std::string_view key) const {
  return find_entry(entries, key);
}
IniValue* IniSection::find(std::string_view key) {
  return find_entry(entries, key);
}

void IniSection::set(std::string_view key, IniValue value) {
  if (IniValue* v = find(key)) {
    *v = std::move(value);
  } else {
    entries.emplace_back(std::string(key), std::move(value));
  }
}

bool IniSection::erase(std::string_view key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->first == key) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

std::pair<std::string, std::string> IniFile::split_section_name(std::string_view full_name) {
  std::u32string name = to_u32(full_name);
  if (auto m = named_re().search(name)) {
    return {to_utf8(m->group(name, 1)), to_utf8(m->group(name, 2))};
  }
  return {"", std::string(full_name)};
}

Expected<IniFile> IniFile::parse(std::string_view bytes, std::string_view filename) {
  auto error = [&](std::size_t line, const std::string& what) {
    return make_error(ErrorCode::invalid_input,
                      std::string(filename) + ":" + std::to_string(line) + ": " + what);
  };
  auto decoded = decode_utf8(bytes);
  if (auto* de = std::get_if<DecodeError>(&decoded)) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < de->pos; ++i) line += bytes[i] == '\n';
    static const char* hex = "0123456789abcdef";
    std::string b = "0x";
    b.push_back(hex[de->byte >> 4]);
    b.push_back(hex[de->byte & 15]);
    return error(line, "'utf-8' codec can't decode byte " + b + " in position " + std::to_string(de->pos) +
                           ": " + de->reason);
  }
  auto lines = split_lines(std::get<std::u32string>(decoded));
  auto parsed = parse_raw(lines);
  if (auto* pf = std::get_if<ParseFailure>(&parsed)) return error(pf->line, pf->what);
  RawConfig& raw = std::get<RawConfig>(parsed);

  // dict(): interpolation, evaluated against the un-interpolated tree.
  RawConfig resolved = raw;
  try {
    for (auto& e : resolved.entries) {
      if (e.is_section) {
        RawSection& sec = resolved.sections[e.section];
        for (auto& [k, v] : sec.scalars) {
          Interpolator in{raw, {}};
          in.apply(k, v, &raw.sections[e.section]);
        }
      } else {
        Interpolator in{raw, {}};
        in.apply(e.key, e.value, nullptr);
      }
    }
  } catch (const std::string& what) {
    return make_error(ErrorCode::invalid_input, std::string(filename) + ": " + what);
  }

  // _lower_keys + _parse_named.
  IniFile out;
  struct Top {
    std::string key;
    bool is_section;
    IniValue value;
    std::vector<std::pair<std::string, IniValue>> entries;
  };
  std::vector<Top> top;
  for (const auto& e : resolved.entries) {
    Top t{to_utf8(lower32(e.key)), e.is_section, {}, {}};
    if (e.is_section) {
      for (const auto& [k, v] : resolved.sections[e.section].scalars) {
        std::string lk = to_utf8(lower32(k));
        if (IniValue* existing = find_entry(t.entries, lk)) {
          *existing = to_value(v);
        } else {
          t.entries.emplace_back(std::move(lk), to_value(v));
        }
      }
    } else {
      t.value = to_value(e.value);
    }
    bool replaced = false;
    for (auto& prev : top) {
      if (prev.key == t.key) {
        prev.is_section = t.is_section;
        prev.value = std::move(t.value);
        prev.entries = std::move(t.entries);
        replaced = true;
        break;
      }
    }
    if (!replaced) top.push_back(std::move(t));
  }
  for (auto& t : top) {
    if (!t.is_section) {
      out.m_root.emplace_back(std::move(t.key), std::move(t.value));
      continue;
    }
    auto [kind, name] = split_section_name(t.key);
    IniSection* existing = nullptr;
    for (auto& s : out.m_sections)
      if (s.kind == kind && s.name == name) existing = &s;
    if (existing) {
      existing->entries = std::move(t.entries);
    } else {
      out.m_sections.push_back(IniSection{kind, name, std::move(t.entries)});
    }
  }
  return out;
}

Expected<std::string> IniFile::dump() const {
  std::string out;
  for (const auto& [k, v] : m_root) {
    if (v.empty()) continue;  // funcy.compact drops falsy top-level values
    TRY_STATUS(write_entry(out, "", k, v));
  }
  auto write_section = [&](const IniSection& s) -> Status {
    ASSIGN_OR_RETURN(std::string marker, quote(s.full_name(), false));
    out += "[" + marker + "]\n";
    for (const auto& [k, v] : s.entries) TRY_STATUS(write_entry(out, "    ", k, v));
    return ok();
  };
  for (const auto& s : m_sections) {
    if (s.kind.empty() && !s.entries.empty()) TRY_STATUS(write_section(s));
  }
  for (const char* kind : {"remote", "machine", "db"}) {
    for (const auto& s : m_sections) {
      if (s.kind == kind) TRY_STATUS(write_section(s));
    }
  }
  if (out.empty()) out = "\n";
  return out;
}

const IniSection* IniFile::find_section(std::string_view full_name) const {
  auto [kind, name] = split_section_name(full_name);
  for (const auto& s : m_sections)
    if (s.kind == kind && s.name == name) return &s;
  return nullptr;
}

IniSection* IniFile::find_section(std::string_view full_name) {
  return const_cast<IniSection*>(std::as_const(*this).find_section(full_name));
}

IniSection& IniFile::section(std::string_view full_name) {
  if (IniSection* s = find_section(full_name)) return *s;
  auto [kind, name] = split_section_name(full_name);
  m_sections.push_back(IniSection{kind, name, {}});
  return m_sections.back();
}

bool IniFile::remove_section(std::string_view full_name) {
  auto [kind, name] = split_section_name(full_name);
  for (auto it = m_sections.begin(); it != m_sections.end(); ++it) {
    if (it->kind == kind && it->name == name) {
      m_sections.erase(it);
      return true;
    }
  }
  return false;
}

const IniValue* IniFile::get(std::string_view section, std::string_view key) const {
  const IniSection* s = find_section(section);
  return s ? s->find(key) : nullptr;
}

void IniFile::set(std::string_view section_name, std::string_view key, IniValue value) {
  section(section_name).set(key, std::move(value));
}

bool IniFile::unset(std::string_view section, std::string_view key) {
  IniSection* s = find_section(section);
  return s && s->erase(key);
}

}  // namespace cairn::repo
