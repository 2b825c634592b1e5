// AWS shared-file (INI) parser; see aws_ini.h.
#include "cairn/remote/aws_ini.h"

#include <algorithm>
#include <cctype>

namespace cairn::remote::aws {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Splits "key = value" / "key: value" at the first '=' or ':'.
bool split_entry(std::string_view line, std::string& key, std::string& value) {
  auto pos = line.find_first_of("=:");
  if (pos == std::string_view::npos) return false;
  auto k = trim(line.substr(0, pos));
  if (k.empty()) return false;
  key = lower(k);
  value = std::string(trim(line.substr(pos + 1)));
  return true;
}

}  // namespace

Expected<IniFile> parse_aws_ini(std::string_view text, std::string_view file_name) {
  IniFile file;
  IniSection* section = nullptr;
  std::string last_key;    // the entry indented lines continue
  std::string nested_key;  // "s3" while inside "s3 =" followed by indented entries
  int line_no = 0;
  auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::invalid_input,
                      std::string(file_name) + ":" + std::to_string(line_no) + ": " + std::string(why));
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    bool indented = std::isspace(static_cast<unsigned char>(raw.front()));
    if (indented && section && !last_key.empty()) {
      std::string key, value;
      if (!nested_key.empty() && split_entry(line, key, value)) {
        (*section)[nested_key + "." + key] = value;
      } else {
        auto& slot = (*section)[last_key];
        if (!slot.empty()) slot.push_back('\n');
        slot += line;
      }
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']') return bad("unterminated section header");
      std::string name(trim(line.substr(1, line.size() - 2)));
      section = &file[name];
      last_key.clear();
      nested_key.clear();
      continue;
    }
    if (!section) return bad("entry outside of any [section]");
    std::string key, value;
    if (!split_entry(line, key, value)) return bad("expected 'key = value'");
    last_key = key;
    nested_key = value.empty() ? key : "";
    if (!value.empty() || section->find(key) == section->end()) (*section)[key] = value;
  }
  return file;
}

}  // namespace cairn::remote::aws
