#include "cairn/util/yaml_comments.h"

#include <map>
#include <optional>
#include <vector>

namespace cairn::yaml {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

bool is_extra(std::string_view line) {  // blank or a whole-line comment
  auto p = line.find_first_not_of(' ');
  return p == std::string_view::npos || line[p] == '#';
}

// Where an end-of-line comment starts ('#' after a space, outside quotes), or npos.
std::size_t comment_start(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;  // '' re-opens on the next character
    } else if (quote == '"') {
      if (c == '\\') ++i;
      else if (c == '"') quote = 0;
    } else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return i;
    } else if ((c == '\'' || c == '"') && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '-')) {
      quote = c;
    }
  }
  return std::string_view::npos;
}

std::string_view rstrip(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The key of a `key: value` / `key:` line (content without indentation), or nullopt.
std::optional<std::string_view> key_of(std::string_view c) {
  if (c.empty()) return std::nullopt;
  if (c[0] == '"' || c[0] == '\'') {
    auto close = c.find(c[0], 1);
    while (close != std::string_view::npos && c[0] == '\'' && close + 1 < c.size() && c[close + 1] == '\'')
      close = c.find('\'', close + 2);
    if (close == std::string_view::npos || close + 1 >= c.size() || c[close + 1] != ':') return std::nullopt;
    if (close + 2 < c.size() && c[close + 2] != ' ') return std::nullopt;
    return c.substr(0, close + 1);
  }
  auto colon = c.find(": ");
  if (colon != std::string_view::npos) return c.substr(0, colon);
  if (c.back() == ':') return c.substr(0, c.size() - 1);
  return std::nullopt;
}

// Structural position of every line of an emitted block document ("outs[0].md5"); folded
// continuation lines get their owner's position plus "+N".
std::vector<std::string> positions(const std::vector<std::string_view>& lines) {
  struct Level {
    int col;
    std::string path;
    bool item;
    int next_index = 0;
  };
  std::vector<Level> stack{{-1, "", false}};
  std::vector<std::string> out;
  int scalar_key_col = -1;  // column of the last key whose value sat on its own line
  int continuation = 0;
  for (std::string_view line : lines) {
    int n = static_cast<int>(line.find_first_not_of(' '));
    if (n < 0) n = static_cast<int>(line.size());
    std::string_view c = line.substr(static_cast<std::size_t>(n));
    if (scalar_key_col >= 0 && n > scalar_key_col) {  // a folded scalar's next line
      out.push_back(out.empty() ? "+" : out.back() + "+" + std::to_string(++continuation));
      continue;
    }
    continuation = 0;
    scalar_key_col = -1;
    int key_col = n;
    if (c.starts_with("- ") || c == "-") {
      while (stack.size() > 1 && (stack.back().col > n || (stack.back().col == n && stack.back().item))) stack.pop_back();
      Level& parent = stack.back();
      std::string path = parent.path + "[" + std::to_string(parent.next_index++) + "]";
      stack.push_back({n, path, true});
      c = c.size() > 2 ? c.substr(2) : std::string_view();
      key_col = n + 2;
      auto key = key_of(c);
      if (!key) {
        out.push_back(path);
        if (!c.empty()) scalar_key_col = n;
        continue;
      }
    }
    auto key = key_of(c);
    if (!key) {  // not a key line: treat like a continuation of the line above
      out.push_back(out.empty() ? "?" : out.back() + "+" + std::to_string(++continuation));
      continue;
    }
    while (stack.size() > 1 && stack.back().col >= key_col) stack.pop_back();
    std::string path = stack.back().path + "." + std::string(*key);
    stack.push_back({key_col, path, false});
    out.push_back(path);
    if (c.size() > key->size() + 1) scalar_key_col = key_col;  // `key: value`
  }
  return out;
}

struct Attached {
  std::vector<std::string_view> before;  // blank and comment lines above the line
  std::string_view content;              // the line without its comment
  std::string_view suffix;               // whitespace + end-of-line comment ("" if none)
  std::size_t comment_col = 0;
};

}  // namespace

std::string carry_comments(std::string_view old_text, std::string_view old_emitted, std::string_view new_emitted) {
  if (old_text == old_emitted) return std::string(new_emitted);
  const auto emitted_old = split_lines(old_emitted);
  std::vector<Attached> attached;
  std::vector<std::string_view> pending;
  for (std::string_view line : split_lines(old_text)) {
    if (is_extra(line)) {
      pending.push_back(line);
      continue;
    }
    Attached a;
    a.before = std::move(pending);
    pending.clear();
    auto hash = comment_start(line);
    a.content = hash == std::string_view::npos ? line : rstrip(line.substr(0, hash));
    if (hash != std::string_view::npos) {
      a.suffix = line.substr(a.content.size());
      a.comment_col = hash;
    }
    attached.push_back(std::move(a));
  }
  if (attached.size() != emitted_old.size()) return std::string(new_emitted);
  for (std::size_t i = 0; i < attached.size(); ++i)
    if (attached[i].content != emitted_old[i]) return std::string(new_emitted);

  const auto old_pos = positions(emitted_old);
  std::map<std::string, const Attached*> by_pos;
  for (std::size_t i = 0; i < attached.size(); ++i) by_pos.emplace(old_pos[i], &attached[i]);
  const auto new_lines = split_lines(new_emitted);
  const auto new_pos = positions(new_lines);
  std::string out;
  out.reserve(new_emitted.size() + old_text.size());
  for (std::size_t i = 0; i < new_lines.size(); ++i) {
    auto it = by_pos.find(new_pos[i]);
    const Attached* a = it == by_pos.end() ? nullptr : it->second;
    if (a)
      for (auto b : a->before) (out += b) += '\n';
    out += new_lines[i];
    if (a && !a->suffix.empty()) {
      if (new_lines[i] == a->content) {
        out += a->suffix;
      } else {
        std::string_view comment = a->suffix.substr(a->suffix.find('#'));
        out.append(new_lines[i].size() < a->comment_col ? a->comment_col - new_lines[i].size() : 1, ' ');
        out += comment;
      }
    }
    out += '\n';
  }
  for (auto b : pending) (out += b) += '\n';
  return out;
}

}  // namespace cairn::yaml
