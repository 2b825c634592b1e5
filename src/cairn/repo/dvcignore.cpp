#include "cairn/repo/dvcignore.h"

#include <mutex>
#include <optional>

#include "cairn/util/path.h"

namespace cairn::repo {
namespace ignore_detail {

// One element of pathspec's regex for a pattern (see GitIgnoreSpecPattern).
struct Tok {
  enum Kind {
    lit,           // literal bytes
    any,           // ?            [^/]
    star,          // *            [^/]*
    seg_star,      // whole "*"    [^/]+
    cls,           // [...]        Python character class (negated ones also match '/')
    any_prefix,    // leading **   (?:.+/)?
    inner_dstar,   // middle **    (?:/.+)?
    slash,         // /
    end_or_slash,  // (?:/|$) then anything (re.match need not reach the end)
    slash_accept   // trailing **: "/" then anything
  } kind;
  std::string text;                                   // lit
  std::vector<std::pair<char32_t, char32_t>> ranges;  // cls
  bool negated = false;                               // cls

  Tok(Kind k, std::string t = {}) : kind(k), text(std::move(t)) {}  // NOLINT
};

struct Pattern {
  std::string text;  // the pattern as written (after DVC's rewriting)
  bool ignore = true;
  bool dir_only = false;
  enum Override { none, match_all, never } override_kind = none;
  std::vector<Tok> toks;
  std::string required;  // the longest literal: a quick reject before matching
};

struct PatternSet {
  std::vector<Pattern> patterns;
  bool builtin_only = false;
};

}  // namespace ignore_detail

namespace {

using ignore_detail::Pattern;
using ignore_detail::PatternSet;
using ignore_detail::Tok;

const std::vector<std::string> k_builtins = {".hg/", ".git/", ".git", ".dvc/"};

// Decodes one code point (invalid bytes count as one, like surrogateescape).
char32_t decode_at(std::string_view s, std::size_t pos, std::size_t* len) {
  unsigned char b = s[pos];
  int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || pos + n > s.size()) {
    *len = 1;
    return b < 0x80 ? b : 0xdc00 + b;
  }
  char32_t cp = n == 1 ? b : (b & (0x7f >> n));
  for (int k = 1; k < n; ++k) {
    unsigned char c = s[pos + k];
    if ((c & 0xc0) != 0x80) {
      *len = 1;
      return 0xdc00 + b;
    }
    cp = (cp << 6) | (c & 0x3f);
  }
  *len = n;
  return cp;
}

std::u32string decode_all(std::string_view s) {
  std::u32string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len;
    out.push_back(decode_at(s, i, &len));
    i += len;
  }
  return out;
}

bool is_space(unsigned char c) {
  return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20);
}

std::string rstrip(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}
std::string strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return rstrip(s);
}

struct RangeError {};
struct PatternError {
  std::string what;
};

// GitIgnoreBasePattern._translate_segment_glob(range_error="raise"), as tokens.
void translate_glob(std::string_view seg, std::vector<Tok>& out) {
  auto add_lit = [&](std::string_view bytes) {
    if (!out.empty() && out.back().kind == Tok::lit) {
      out.back().text.append(bytes);
    } else {
      out.push_back({Tok::lit, std::string(bytes)});
    }
  };
  bool escape = false;
  std::size_t i = 0, end = seg.size();
  while (i < end) {
    std::size_t len = 1;
    decode_at(seg, i, &len);
    std::string_view ch = seg.substr(i, len);
    i += len;
    if (escape) {
      escape = false;
      add_lit(ch);
    } else if (ch == "\\") {
      escape = true;
    } else if (ch == "*") {
      out.push_back({Tok::star});
    } else if (ch == "?") {
      out.push_back({Tok::any});
    } else if (ch == "[") {
      std::size_t j = i;
      if (j < end && (seg[j] == '!' || seg[j] == '^')) ++j;
      if (j < end && seg[j] == ']') ++j;
      while (j < end && seg[j] != ']') ++j;
      if (j >= end) throw RangeError{};
      ++j;
      Tok t(Tok::cls);
      if (seg[i] == '!' || seg[i] == '^') {
        t.negated = true;
        ++i;
      }
      // Python's sre class parser over seg[i:j] (ends with ']'); backslashes are literal.
      std::u32string body = decode_all(seg.substr(i, j - i));
      std::size_t k = 0;
      bool first = true;
      while (true) {
        char32_t c = body[k++];
        if (c == U']' && !first) break;
        first = false;
        if (k + 1 < body.size() && body[k] == U'-') {
          char32_t hi = body[k + 1];
          if (hi == U']') {
            t.ranges.emplace_back(c, c);
            t.ranges.emplace_back(U'-', U'-');
            break;
          }
          if (hi < c) throw PatternError{"bad character range"};
          t.ranges.emplace_back(c, hi);
          k += 2;
        } else {
          t.ranges.emplace_back(c, c);
        }
        if (k >= body.size()) break;
      }
      out.push_back(std::move(t));
      i = j;
    } else {
      add_lit(ch);
    }
  }
  if (escape) throw PatternError{"Escape character found with no next character to escape"};
}

// GitIgnoreSpecPattern.pattern_to_regex. nullopt: a null operation (blank, comment, "/",
// invalid range).
std::optional<Pattern> compile(std::string_view raw) {
  std::string p(raw);
  if (!(p.size() >= 2 && p.compare(p.size() - 2, 2, "\\ ") == 0)) p = rstrip(p);
  if (p.empty() || p[0] == '#' || p == "/") return std::nullopt;
  Pattern pat;
  pat.text = std::string(raw);
  pat.dir_only = !raw.empty() && raw.back() == '/';
  if (p[0] == '!') {
    pat.ignore = false;
    p.erase(0, 1);
  }
  std::vector<std::string> segs;
  std::size_t i = 0;
  while (true) {
    std::size_t j = p.find('/', i);
    segs.push_back(p.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  bool is_dir_pattern = segs.back().empty();
  if (segs[0].empty()) {
    segs.erase(segs.begin());
  } else if (segs.size() == 1 || (segs.size() == 2 && segs[1].empty())) {
    if (segs[0] != "**") segs.insert(segs.begin(), "**");
  }
  if (segs.empty()) throw PatternError{"Pattern normalized to nothing."};
  if (segs.back().empty()) segs.back() = "**";
  for (std::size_t k = segs.size() - 1; k > 0; --k) {
    if (segs[k - 1] == "**" && segs[k] == "**") segs.erase(segs.begin() + k);
  }
  if (segs.size() == 1 && segs[0] == "**") {
    // "**" matches everything; "**/" compiles to a leading "/" that relative paths never have.
    pat.override_kind = is_dir_pattern ? Pattern::never : Pattern::match_all;
    return pat;
  }
  if (segs.size() == 2 && segs[0] == "**" && segs[1] == "*") {
    pat.override_kind = Pattern::match_all;
    return pat;
  }
  if (segs.size() == 3 && segs[0] == "**" && segs[1] == "*" && segs[2] == "**") {
    pat.override_kind = Pattern::never;
    return pat;
  }
  bool need_slash = false;
  std::size_t end = segs.size() - 1;
  try {
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const std::string& seg = segs[k];
      if (seg == "**") {
        if (k == 0) {
          pat.toks.push_back({Tok::any_prefix});
        } else if (k < end) {
          pat.toks.push_back({Tok::inner_dstar});
          need_slash = true;
        } else {
          pat.toks.push_back({Tok::slash_accept});
        }
        continue;
      }
      if (need_slash) pat.toks.push_back({Tok::slash});
      if (seg == "*") {
        pat.toks.push_back({Tok::seg_star});
      } else {
        translate_glob(seg, pat.toks);
      }
      if (k == end) pat.toks.push_back({Tok::end_or_slash});
      need_slash = true;
    }
  } catch (const RangeError&) {
    return std::nullopt;
  }
  for (const auto& t : pat.toks) {
    if (t.kind == Tok::lit && t.text.size() > pat.required.size()) pat.required = t.text;
  }
  return pat;
}

bool class_contains(const Tok& t, char32_t c) {
  bool in = false;
  for (const auto& [lo, hi] : t.ranges) {
    if (c >= lo && c <= hi) {
      in = true;
      break;
    }
  }
  return in != t.negated;
}

// Does the token program match s at pos (re.match semantics; any match will do).
bool match_from(const std::vector<Tok>& toks, std::size_t ti, std::string_view s, std::size_t pos) {
  const std::size_t n = s.size();
  while (ti < toks.size()) {
    const Tok& t = toks[ti];
    switch (t.kind) {
      case Tok::lit:
        if (s.substr(pos, t.text.size()) != t.text) return false;
        pos += t.text.size();
        ++ti;
        break;
      case Tok::any: {
        if (pos >= n || s[pos] == '/') return false;
        std::size_t len;
        decode_at(s, pos, &len);
        pos += len;
        ++ti;
        break;
      }
      case Tok::cls: {
        if (pos >= n) return false;
        std::size_t len;
        char32_t c = decode_at(s, pos, &len);
        if (!class_contains(t, c)) return false;
        pos += len;
        ++ti;
        break;
      }
      case Tok::star:
      case Tok::seg_star: {
        std::size_t limit = s.find('/', pos);
        if (limit == std::string_view::npos) limit = n;
        std::size_t start = pos;
        if (t.kind == Tok::seg_star) {
          if (start >= limit) return false;
          std::size_t len;
          decode_at(s, start, &len);
          start += len;
        }
        // Try longest first (greedy); positions at code point boundaries.
        for (std::size_t q = limit + 1; q-- > start;) {
          if (q < limit && q > start && (static_cast<unsigned char>(s[q]) & 0xc0) == 0x80) continue;
          if (match_from(toks, ti + 1, s, q)) return true;
        }
        return false;
      }
      case Tok::any_prefix: {
        // (?:.+/)? : nothing, or one or more non-newline characters ending with '/'.
        if (match_from(toks, ti + 1, s, pos)) return true;
        for (std::size_t j = pos + 1; j < n && s[j - 1] != '\n'; ++j) {
          if (s[j] == '/' && match_from(toks, ti + 1, s, j + 1)) return true;
          if (s[j] == '\n') break;
        }
        return false;
      }
      case Tok::inner_dstar: {
        // (?:/.+)? : nothing, or '/' followed by one or more non-newline characters.
        if (match_from(toks, ti + 1, s, pos)) return true;
        if (pos >= n || s[pos] != '/') return false;
        for (std::size_t k = pos + 1; k < n && s[k] != '\n'; ++k) {
          if (match_from(toks, ti + 1, s, k + 1)) return true;
        }
        return false;
      }
      case Tok::slash:
        if (pos >= n || s[pos] != '/') return false;
        ++pos;
        ++ti;
        break;
      case Tok::end_or_slash:
        return pos == n || (pos == n - 1 && s[pos] == '\n') || (pos < n && s[pos] == '/');
      case Tok::slash_accept:
        return pos < n && s[pos] == '/';
    }
  }
  return true;
}

bool pattern_matches(const Pattern& p, std::string_view s) {
  switch (p.override_kind) {
    case Pattern::match_all:
      return !s.empty() && s[0] != '\n';
    case Pattern::never:
      return false;
    case Pattern::none:
      break;
  }
  if (!p.required.empty() && s.find(p.required) == std::string_view::npos) return false;
  return match_from(p.toks, 0, s, 0);
}

// DvcIgnorePatterns._find_matching_pattern
bool find_matching(const PatternSet& set, std::string_view path, bool is_dir, std::string& buf) {
  bool try_slash = is_dir && (path.empty() || path.back() != '/');
  if (try_slash) {
    buf.assign(path);
    buf.push_back('/');
  }
  for (auto it = set.patterns.rbegin(); it != set.patterns.rend(); ++it) {
    if (it->dir_only && !is_dir) continue;
    if (pattern_matches(*it, path) || (try_slash && pattern_matches(*it, buf))) return it->ignore;
  }
  return false;
}

bool builtin_name(std::string_view c, bool dir) {
  return c == ".git" || (dir && (c == ".hg" || c == ".dvc"));
}

// DvcIgnorePatterns._ignore
bool set_ignores(const PatternSet& set, std::string_view path, bool is_dir) {
  if (path.empty()) return false;
  if (set.builtin_only && path.find('\n') == std::string_view::npos) {
    std::size_t i = 0;
    while (true) {
      std::size_t j = path.find('/', i);
      bool last = j == std::string_view::npos;
      if (builtin_name(path.substr(i, last ? std::string_view::npos : j - i), !last || is_dir)) return true;
      if (last) return false;
      i = j + 1;
    }
  }
  std::string buf;
  std::size_t i = 0;
  while (true) {
    std::size_t j = path.find('/', i);
    bool last = j == std::string_view::npos;
    std::string_view prefix = last ? path : path.substr(0, j);
    bool r = find_matching(set, prefix, is_dir || !last, buf);
    if (r || last) return r;
    i = j + 1;
  }
}

// dvc/pathspec_math.py change_rule
std::string change_rule(std::string_view raw, std::string_view rel) {
  std::string rule = strip(raw);
  if (!rule.empty() && rule[0] == '#') return rule;
  bool not_ignore = !rule.empty() && rule[0] == '!';
  if (not_ignore) rule.erase(0, 1);
  bool match_all;
  std::string head = rule.empty() ? "" : rule.substr(0, rule.size() - 1);
  if (head.find('/') != std::string::npos && rule.rfind("**/", 0) != 0) {
    if (!rule.empty() && rule[0] == '/') rule.erase(0, 1);
    match_all = false;
  } else {
    if (rule.rfind("**/", 0) == 0) rule.erase(0, 3);
    match_all = true;
  }
  if (!rule.empty() && rule[0] == '\\') rule.erase(0, 1);
  rule = (match_all ? "/**/" : "/") + rule;
  rule = (not_ignore ? "!/" : "/") + std::string(rel) + rule;
  if (rule[0] == '/') {
    rule.erase(0, 1);
  } else if (rule.rfind("./", 0) == 0) {
    rule.erase(0, 2);
  }
  return rule;
}

// Compiles lines into patterns (dropping null operations).
Status compile_lines(const std::vector<std::string>& lines, std::string_view source,
                     const std::vector<std::size_t>& line_numbers, std::vector<Pattern>& out) {
  for (std::size_t k = 0; k < lines.size(); ++k) {
    try {
      if (auto p = compile(lines[k])) out.push_back(std::move(*p));
    } catch (const PatternError& e) {
      return make_error(ErrorCode::invalid_input, std::string(source) + ":" +
                                                      std::to_string(line_numbers[k]) +
                                                      ": invalid pattern '" + lines[k] + "': " + e.what);
    }
  }
  return ok();
}

std::string parent_dir(std::string_view rel) {
  auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(rel.substr(0, slash));
}

}  // namespace

IgnoreRules::IgnoreRules(env::Env* env, std::string root) : m_env(env), m_root(std::move(root)) {
  auto set = std::make_shared<PatternSet>();
  std::vector<std::size_t> nums(k_builtins.size(), 0);
  (void)compile_lines(k_builtins, "builtin", nums, set->patterns);
  set->builtin_only = true;
  m_sets.emplace("", std::move(set));
}

IgnoreRules::~IgnoreRules() = default;

IgnoreRules::SetPtr IgnoreRules::set_for_dir_locked(std::string_view dir) const {
  std::string key(dir);
  while (true) {
    auto it = m_sets.find(key);
    if (it != m_sets.end()) return it->second;
    key = parent_dir(key);
  }
}

bool IgnoreRules::all_loaded_locked(std::string_view relpath, bool is_dir) const {
  if (!m_env) return true;
  std::string dir = parent_dir(relpath);
  if (is_dir && !m_subrepo_checked.count(std::string(relpath))) return false;
  while (true) {
    if (!m_visited.count(dir)) return false;
    if (!dir.empty() && !m_subrepo_checked.count(dir)) return false;
    if (dir.empty()) return true;
    dir = parent_dir(dir);
  }
}

Status IgnoreRules::merge_locked(const std::string& dir, const std::vector<std::string>& lines,
                                 std::string_view source) const {
  std::vector<std::string> kept;
  std::vector<std::size_t> nums;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    std::string line = strip(lines[k]);
    if (line.empty() || line[0] == '#') continue;
    kept.push_back(std::move(line));
    nums.push_back(k + 1);
  }
  // DvcIgnorePatterns(lines): keep the patterns that compile to something.
  std::vector<Pattern> own;
  TRY_STATUS(compile_lines(kept, source, nums, own));
  if (own.empty()) return ok();
  SetPtr base = set_for_dir_locked(dir);
  auto merged = std::make_shared<PatternSet>(*base);
  merged->builtin_only = false;
  std::vector<std::string> rewritten;
  for (const auto& p : own) rewritten.push_back(dir.empty() ? p.text : change_rule(p.text, dir));
  std::vector<std::size_t> rnums(rewritten.size(), 0);
  TRY_STATUS(compile_lines(rewritten, source, rnums, merged->patterns));
  m_sets[dir] = std::move(merged);
  m_user_patterns = true;
  return ok();
}

Status IgnoreRules::check_subrepo_locked(const std::string& dir) const {
  if (!m_subrepo_checked.insert(dir).second || dir.empty()) return ok();
  ASSIGN_OR_RETURN(auto st, m_env->stat(path::join(path::join(m_root, dir), ".dvc"), env::Follow::yes));
  if (!st) return ok();
  // _update_sub_repo: "/<name>/" at the parent, merged like a .dvcignore there.
  std::string parent = parent_dir(dir);
  std::string name = dir.substr(parent.empty() ? 0 : parent.size() + 1);
  SetPtr base = set_for_dir_locked(parent);
  auto merged = std::make_shared<PatternSet>(*base);
  merged->builtin_only = false;
  std::string rule = "/" + name + "/";
  if (!parent.empty()) rule = change_rule(rule, parent);
  std::vector<std::size_t> nums{0};
  TRY_STATUS(compile_lines({rule}, "sub_repo", nums, merged->patterns));
  // Directories below `parent` that already have their own set inherit it too.
  for (auto& [key, set] : m_sets) {
    if (key != parent && path::is_within(key, parent.empty() ? key : parent)) {
      auto copy = std::make_shared<PatternSet>(*set);
      copy->builtin_only = false;
      (void)compile_lines({rule}, "sub_repo", nums, copy->patterns);
      set = std::move(copy);
    }
  }
  m_sets[parent] = std::move(merged);
  m_user_patterns = true;
  return ok();
}

Status IgnoreRules::visit_locked(const std::string& dir) const {
  if (!m_visited.insert(dir).second) return ok();
  SetPtr inherited = set_for_dir_locked(dir);
  std::string rel_file = dir.empty() ? ".dvcignore" : dir + "/.dvcignore";
  if (set_ignores(*inherited, rel_file, false)) return ok();
  std::string file = path::join(m_root, rel_file);
  ASSIGN_OR_RETURN(auto st, m_env->stat(file, env::Follow::yes));
  if (!st) return ok();
  ASSIGN_OR_RETURN(std::string text, m_env->read_file(file));
  std::vector<std::string> lines;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return merge_locked(dir, lines, rel_file);
}

Status IgnoreRules::load_dir(std::string_view dir_relpath) const {
  if (!m_env) return ok();
  std::unique_lock lock(m_mutex);
  std::vector<std::string> chain;
  std::string dir(dir_relpath);
  while (true) {
    chain.push_back(dir);
    if (dir.empty()) break;
    dir = parent_dir(dir);
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    // A subrepo directory is ignored entirely; nothing below it needs loading.
    Status st = check_subrepo_locked(*it);
    if (!st) {
      m_errors.push_back(st.error());
      return st;
    }
    st = visit_locked(*it);
    if (!st) {
      m_errors.push_back(st.error());
      return st;
    }
  }
  return ok();
}

bool IgnoreRules::is_ignored(std::string_view relpath, bool is_dir) const {
  if (relpath.empty()) return false;
  std::string dir = parent_dir(relpath);
  {
    std::shared_lock lock(m_mutex);
    if (all_loaded_locked(relpath, is_dir)) {
      SetPtr set = set_for_dir_locked(dir);
      lock.unlock();
      return set_ignores(*set, relpath, is_dir);
    }
  }
  (void)load_dir(dir);
  if (is_dir && m_env) {
    std::unique_lock lock(m_mutex);
    Status st = check_subrepo_locked(std::string(relpath));
    if (!st) m_errors.push_back(st.error());
  }
  SetPtr set;
  {
    std::shared_lock lock(m_mutex);
    set = set_for_dir_locked(dir);
  }
  return set_ignores(*set, relpath, is_dir);
}

bool IgnoreRules::FileMatcher::ignores(std::string_view relpath) const {
  return !relpath.empty() && set_ignores(*m_set, relpath, false);
}

IgnoreRules::FileMatcher IgnoreRules::file_matcher(std::string_view dir_relpath) const {
  (void)load_dir(dir_relpath);  // records its own errors, as is_ignored's slow path
  FileMatcher m;
  std::shared_lock lock(m_mutex);
  m.m_set = set_for_dir_locked(dir_relpath);
  return m;
}

Status IgnoreRules::add_patterns(std::string_view dir_relpath, const std::vector<std::string>& lines,
                                 std::string_view source) {
  std::unique_lock lock(m_mutex);
  std::string dir(dir_relpath);
  m_visited.insert(dir);
  return merge_locked(dir, lines, source);
}

Status IgnoreRules::status() const {
  std::shared_lock lock(m_mutex);
  if (m_errors.empty()) return ok();
  return std::unexpected(m_errors.front());
}

bool IgnoreRules::has_user_patterns() const {
  std::shared_lock lock(m_mutex);
  return m_user_patterns;
}

}  // namespace cairn::repo
