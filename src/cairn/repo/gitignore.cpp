#include "cairn/repo/gitignore.h"

#include <vector>

#include "cairn/util/path.h"

namespace cairn::repo {
namespace {

std::string strip(std::string_view s) {
  auto sp = [](unsigned char c) { return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20); };
  std::size_t b = 0, e = s.size();
  while (b < e && sp(s[b])) ++b;
  while (e > b && sp(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Python readlines(): lines keep their "\n" (text mode: "\r\n" and "\r" read as "\n").
std::vector<std::string> read_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      c = '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
    cur.push_back(c);
    if (c == '\n') {
      lines.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

}  // namespace

std::string gitignore_entry_for(std::string_view basename) {
  std::string out = "/";
  for (char c : basename) {
    if (c == '\\' || c == '[' || c == ']' || c == '!' || c == '*' || c == '#' || c == '?') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

Expected<bool> add_gitignore_entry(env::Env* env, const std::string& root,
                                   const std::string& output_relpath) {
  std::string abs = path::absolute(output_relpath, root);
  std::string gitignore = path::join(path::parent(abs), ".gitignore");
  std::string entry = gitignore_entry_for(path::basename(abs));
  std::string content;
  ASSIGN_OR_RETURN(auto st, env->stat(gitignore, env::Follow::yes));
  if (st) {
    ASSIGN_OR_RETURN(content, env->read_file(gitignore));
  }
  for (const auto& line : read_lines(content)) {
    std::string_view l = line;
    if (!l.empty() && l.back() == '\n') l.remove_suffix(1);
    if (l == entry) return false;
  }
  std::string updated = content;
  if (!updated.empty() && updated.back() != '\n') updated.push_back('\n');
  updated += entry;
  updated.push_back('\n');
  TRY_STATUS(env->write_file_atomic(gitignore, updated, 0666));
  return true;
}

Expected<bool> remove_gitignore_entry(env::Env* env, const std::string& root,
                                      const std::string& output_relpath) {
  std::string abs = path::absolute(output_relpath, root);
  std::string gitignore = path::join(path::parent(abs), ".gitignore");
  std::string name = path::basename(abs);
  std::string plain = strip("/" + name), escaped = strip(gitignore_entry_for(name));
  ASSIGN_OR_RETURN(auto st, env->stat(gitignore, env::Follow::yes));
  if (!st) return false;
  ASSIGN_OR_RETURN(std::string content, env->read_file(gitignore));
  auto lines = read_lines(content);
  std::string kept;
  std::size_t kept_lines = 0;
  for (const auto& line : lines) {
    std::string s = strip(line);
    if (s == plain || s == escaped) continue;
    kept += line;
    ++kept_lines;
  }
  if (kept_lines == 0) {
    TRY_STATUS(env->remove_file(gitignore));
    return true;
  }
  if (kept_lines == lines.size()) return false;
  TRY_STATUS(env->write_file_atomic(gitignore, kept, 0666));
  return true;
}

}  // namespace cairn::repo
