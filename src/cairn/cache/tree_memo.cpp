#include "cairn/cache/tree_memo.h"

#include <algorithm>
#include <charconv>

#include "cairn/cache/state_file.h"

namespace cairn::cache {
namespace {
constexpr std::string_view k_magic = "CAIRNTM1\n";

// Splits off the next '\t'-terminated (or last) field.
std::string_view next_field(std::string_view& line) {
  auto tab = line.find('\t');
  std::string_view f = line.substr(0, tab);
  line = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
  return f;
}

bool parse_u64(std::string_view s, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

void TreeMemo::load() {
  if (m_loaded) return;
  m_loaded = true;
  // Lines: "<fingerprint hex>\t<dir md5>\t<size>\t<nfiles>\t<key>\n" (key last: it may hold tabs).
  for_each_state_line(m_env, m_file, k_magic, [&](std::string_view line) {
    auto fp = Md5Digest::from_hex(next_field(line));
    std::string_view dir = next_field(line);
    TreeMemoValue v;
    if (!fp || dir.size() != 36 || !parse_u64(next_field(line), v.size) || !parse_u64(next_field(line), v.nfiles) ||
        line.empty())
      return;
    v.dir_md5 = std::string(dir);
    m_entries.push_back({std::string(line), *fp, std::move(v)});
  });
}

std::optional<TreeMemoValue> TreeMemo::lookup(const std::string& key, const Md5Digest& fingerprint) const {
  for (const auto& e : m_entries)
    if (e.key == key && e.fingerprint == fingerprint) return e.value;
  return std::nullopt;
}

void TreeMemo::insert(const std::string& key, const Md5Digest& fingerprint, TreeMemoValue value) {
  if (key.find('\n') != std::string::npos) return;
  std::erase_if(m_entries, [&](const Entry& e) { return e.key == key; });
  m_entries.push_back({key, fingerprint, std::move(value)});
  if (m_entries.size() > k_max) m_entries.erase(m_entries.begin(), m_entries.end() - k_max);
  m_dirty = true;
}

Status TreeMemo::save() {
  if (!m_dirty) return ok();
  std::string out(k_magic);
  for (const auto& e : m_entries) {
    e.fingerprint.append_hex(out);
    out += '\t' + e.value.dir_md5 + '\t' + std::to_string(e.value.size) + '\t' + std::to_string(e.value.nfiles) + '\t' +
           e.key + '\n';
  }
  TRY_STATUS(write_state_file(m_env, m_file, out));
  m_dirty = false;
  return ok();
}

}  // namespace cairn::cache
