#include "cairn/pipeline/yaml_splice.h"

#include <optional>
#include <vector>

namespace cairn::pipeline {

using yaml::Node;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t i = 0;
  while (i < text.size()) {
    auto nl = text.find('\n', i);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(i) + "\n");
      break;
    }
    lines.push_back(text.substr(i, nl - i + 1));
    i = nl + 1;
  }
  return lines;
}

std::size_t indent_of(const std::string& line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool is_blank_or_comment(const std::string& line) {
  std::size_t n = indent_of(line);
  return n >= line.size() || line[n] == '\n' || line[n] == '\r' || line[n] == '#';
}

// Lines of `section:\n  name: ...` without the first line, re-indented to `indent`.
std::optional<std::vector<std::string>> entry_lines(std::string_view section, std::string_view name,
                                                    const Node& value, std::size_t indent) {
  if (indent < 2) return std::nullopt;
  Node inner = Node::map();
  inner.set(name, value);
  Node doc = Node::map();
  doc.set(section, inner);
  auto lines = split_lines(yaml::emit(doc));
  if (lines.empty()) return std::nullopt;
  lines.erase(lines.begin());
  std::string pad(indent - 2, ' ');
  for (auto& l : lines)
    if (l != "\n") l = pad + l;
  return lines;
}


// Lines of `section:\n  name:\n    key: ...` for one key of an entry, re-indented to `indent`.
std::optional<std::vector<std::string>> key_lines(std::string_view section, std::string_view name,
                                                  const std::string& key, const Node& value, std::size_t indent) {
  if (indent < 4) return std::nullopt;
  Node leaf = Node::map();
  leaf.set(key, value);
  Node inner = Node::map();
  inner.set(name, leaf);
  Node doc = Node::map();
  doc.set(section, inner);
  auto lines = split_lines(yaml::emit(doc));
  if (lines.size() < 3) return std::nullopt;
  lines.erase(lines.begin(), lines.begin() + 2);
  std::string pad(indent - 4, ' ');
  for (auto& l : lines)
    if (l != "\n") l = pad + l;
  return lines;
}


// Column of an end-of-line comment (`  # ...`) outside quotes, or npos.
std::size_t comment_column(const std::string& line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      if (i == 0 || line[i - 1] == ' ' || line[i - 1] == ':' || line[i - 1] == '-') quote = c;
      continue;
    }
    if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) return i;
  }
  return std::string::npos;
}

// ruamel keeps a replaced value's end-of-line comment at its column (or one space after the
// new text): carry comments over line by line when old and new have the same shape.
void carry_comments(const std::vector<std::string>& old_lines, std::vector<std::string>& fresh) {
  if (old_lines.size() != fresh.size()) return;
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    std::size_t col = comment_column(old_lines[i]);
    if (col == std::string::npos) continue;
    std::string comment = old_lines[i].substr(col);
    std::string text = fresh[i];
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (comment_column(text) != std::string::npos) continue;
    std::size_t width = 0;
    for (unsigned char ch : text)
      if ((ch & 0xC0) != 0x80) ++width;
    text += width < col ? std::string(col - width, ' ') : std::string(" ");
    fresh[i] = text + comment;
  }
}

// Key-level update of an existing block-mapping entry (DVC's apply_diff on a round-tripped
// document): unchanged keys keep their lines and comments, changed keys are re-emitted in place
// (comment lines after them kept), new keys are appended after the last key's trailing comment
// lines, removed keys disappear.
std::optional<std::vector<std::string>> merge_entry(const std::vector<std::string>& entry, const Node& old_value,
                                                    const Node& value, std::string_view section,
                                                    std::string_view name) {
  if (entry.empty() || !old_value.is_map() || !value.is_map()) return std::nullopt;
  const std::string& head = entry[0];
  auto colon = head.find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::size_t j = colon + 1;
  while (j < head.size() && head[j] == ' ') ++j;
  if (j < head.size() && head[j] != '\n' && head[j] != '#') return std::nullopt;
  std::size_t ci = 0;
  std::vector<std::size_t> keys;
  for (std::size_t i = 1; i < entry.size(); ++i) {
    if (is_blank_or_comment(entry[i])) continue;
    std::size_t n = indent_of(entry[i]);
    if (ci == 0) ci = n;
    if (n < ci) return std::nullopt;
    // `- item` lines at the key column are a key's sequence (ruamel's non-indented lists).
    if (n == ci && entry[i].compare(n, 2, "- ") != 0 && entry[i].compare(n, 2, "-\n") != 0) keys.push_back(i);
  }
  if (keys.size() != old_value.entries().size() || keys.empty()) return std::nullopt;
  std::vector<std::string> out(entry.begin(), entry.begin() + static_cast<std::ptrdiff_t>(keys[0]));
  for (const auto& [k, v] : value.entries()) {
    std::optional<std::size_t> idx;
    for (std::size_t i = 0; i < old_value.entries().size(); ++i)
      if (old_value.entries()[i].first == k) idx = i;
    if (!idx) {
      auto fresh = key_lines(section, name, k, v, ci);
      if (!fresh) return std::nullopt;
      out.insert(out.end(), fresh->begin(), fresh->end());
      continue;
    }
    std::size_t begin = keys[*idx];
    std::size_t end = *idx + 1 < keys.size() ? keys[*idx + 1] : entry.size();
    if (old_value.entries()[*idx].second == v) {
      out.insert(out.end(), entry.begin() + static_cast<std::ptrdiff_t>(begin),
                 entry.begin() + static_cast<std::ptrdiff_t>(end));
      continue;
    }
    std::size_t content_end = end;
    while (content_end > begin + 1 && is_blank_or_comment(entry[content_end - 1])) --content_end;
    auto fresh = key_lines(section, name, k, v, ci);
    if (!fresh) return std::nullopt;
    carry_comments(std::vector<std::string>(entry.begin() + static_cast<std::ptrdiff_t>(begin),
                                            entry.begin() + static_cast<std::ptrdiff_t>(content_end)),
                   *fresh);
    out.insert(out.end(), fresh->begin(), fresh->end());
    out.insert(out.end(), entry.begin() + static_cast<std::ptrdiff_t>(content_end),
               entry.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

std::optional<std::string> try_splice(const std::string& text, const Node& doc, std::string_view section,
                                      std::string_view name, const Node& value) {
  auto lines = split_lines(text);
  std::string head = std::string(section) + ":";
  std::optional<std::size_t> section_line;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!l.starts_with(head)) continue;
    std::size_t j = head.size();
    while (j < l.size() && l[j] == ' ') ++j;
    if (j < l.size() && l[j] != '\n' && l[j] != '#') return std::nullopt;  // flow or inline value
    section_line = i;
    break;
  }
  const Node* entries = doc.find(section);
  std::string out;
  if (!section_line) {
    if (entries) return std::nullopt;
    auto block = entry_lines(section, name, value, 2);
    if (!block) return std::nullopt;
    out = text;
    if (!out.empty() && out.back() != '\n') out.push_back('\n');
    out += head + "\n";
    for (const auto& l : *block) out += l;
    return out;
  }
  if (!entries || !(entries->is_map() || entries->is_null())) return std::nullopt;
  std::size_t region_end = lines.size();
  for (std::size_t i = *section_line + 1; i < lines.size(); ++i)
    if (!is_blank_or_comment(lines[i]) && indent_of(lines[i]) == 0) {
      region_end = i;
      break;
    }
  std::size_t child_indent = 0;
  std::vector<std::size_t> keys;
  for (std::size_t i = *section_line + 1; i < region_end; ++i) {
    if (is_blank_or_comment(lines[i])) continue;
    std::size_t n = indent_of(lines[i]);
    if (child_indent == 0) child_indent = n;
    if (n < child_indent) return std::nullopt;
    if (n == child_indent) {
      if (lines[i].compare(n, 2, "- ") == 0 || lines[i].compare(n, 2, "-\n") == 0) return std::nullopt;
      keys.push_back(i);
    }
  }
  std::size_t count = entries->is_map() ? entries->entries().size() : 0;
  if (keys.size() != count) return std::nullopt;
  if (child_indent == 0) child_indent = 2;
  auto block = entry_lines(section, name, value, child_indent);
  if (!block) return std::nullopt;
  std::optional<std::size_t> index;
  for (std::size_t i = 0; i < count; ++i)
    if (entries->entries()[i].first == name) index = i;
  std::vector<std::string> result(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(*section_line + 1));
  if (index) {
    std::size_t start = keys[*index];
    std::size_t raw_end = *index + 1 < keys.size() ? keys[*index + 1] : region_end;
    result.insert(result.end(), lines.begin() + static_cast<std::ptrdiff_t>(*section_line + 1),
                  lines.begin() + static_cast<std::ptrdiff_t>(start));
    std::vector<std::string> entry(lines.begin() + static_cast<std::ptrdiff_t>(start),
                                   lines.begin() + static_cast<std::ptrdiff_t>(raw_end));
    if (auto merged = merge_entry(entry, entries->entries()[*index].second, value, section, name)) {
      result.insert(result.end(), merged->begin(), merged->end());
      result.insert(result.end(), lines.begin() + static_cast<std::ptrdiff_t>(raw_end), lines.end());
    } else {
      std::size_t end = raw_end;
      while (end > start + 1 && is_blank_or_comment(lines[end - 1])) --end;
      result.insert(result.end(), block->begin(), block->end());
      result.insert(result.end(), lines.begin() + static_cast<std::ptrdiff_t>(end), lines.end());
    }
  } else {
    result.insert(result.end(), lines.begin() + static_cast<std::ptrdiff_t>(*section_line + 1),
                  lines.begin() + static_cast<std::ptrdiff_t>(region_end));
    result.insert(result.end(), block->begin(), block->end());
    result.insert(result.end(), lines.begin() + static_cast<std::ptrdiff_t>(region_end), lines.end());
  }
  for (const auto& l : result) out += l;
  return out;
}

}  // namespace

Expected<std::string> splice_section_entry(const std::string& text, const Node& doc, std::string_view section,
                                           std::string_view name, const Node& value, const Node& expected) {
  if (doc.is_map()) {
    if (auto spliced = try_splice(text, doc, section, name, value)) {
      auto reparsed = yaml::parse(*spliced, "spliced");
      if (reparsed && *reparsed == expected) return *spliced;
    }
  }
  return yaml::emit(expected);
}

}  // namespace cairn::pipeline
