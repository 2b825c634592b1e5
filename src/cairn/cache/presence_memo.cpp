#include "cairn/cache/presence_memo.h"

#include <algorithm>
#include <cstring>

#include "cairn/cache/state_file.h"
#include "cairn/util/path.h"

namespace cairn::cache {
namespace {
constexpr std::string_view k_magic = "CAIRNPM1\n";
}  // namespace

std::string PresenceMemo::key_of(const object::ObjectId& id) {
  return std::string(id.name == object::HashName::md5 ? "md5:" : "md5-dos2unix:") + id.value;
}

void PresenceMemo::load() {
  if (m_loaded) return;
  m_loaded = true;
  // Lines: "<name>:<md5>.dir <fingerprint hex>\n"
  for_each_state_line(m_env, m_file, k_magic, [&](std::string_view line) {
    auto sp = line.find(' ');
    if (sp == std::string_view::npos) return;
    auto fp = Md5Digest::from_hex(line.substr(sp + 1));
    if (fp) m_entries.push_back({std::string(line.substr(0, sp)), *fp});
  });
}

Expected<std::optional<Md5Digest>> PresenceMemo::fingerprint(ObjectStore& store, object::HashName name,
                                                             std::int64_t now_ns) {
  const std::string base = name == object::HashName::md5 ? path::join(store.root(), "files/md5") : store.root();
  Md5 h;
  static const char* k_hex = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) {
    const char pre[3] = {k_hex[i >> 4], k_hex[i & 15], 0};
    ASSIGN_OR_RETURN(auto st, m_env->stat(base + "/" + pre, env::Follow::yes));
    std::int64_t rec[3] = {0, 0, 0};
    if (st) {
      if (st->mtime_ns + k_racy_ns >= now_ns) return std::optional<Md5Digest>{};
      rec[0] = static_cast<std::int64_t>(st->dev);
      rec[1] = static_cast<std::int64_t>(st->ino);
      rec[2] = st->mtime_ns;
    }
    h.update(std::string_view(reinterpret_cast<const char*>(rec), sizeof rec));
  }
  return std::optional<Md5Digest>{h.digest()};
}

bool PresenceMemo::contains(const object::ObjectId& dir_id, const Md5Digest& fp) const {
  const std::string key = key_of(dir_id);
  return std::any_of(m_entries.begin(), m_entries.end(),
                     [&](const Entry& e) { return e.dir_id == key && e.fingerprint == fp; });
}

void PresenceMemo::insert(const object::ObjectId& dir_id, const Md5Digest& fp) {
  const std::string key = key_of(dir_id);
  std::erase_if(m_entries, [&](const Entry& e) { return e.dir_id == key; });
  m_entries.push_back({key, fp});
  if (m_entries.size() > k_max) m_entries.erase(m_entries.begin(), m_entries.end() - k_max);
  m_dirty = true;
}

Status PresenceMemo::save() {
  if (!m_dirty) return ok();
  std::string out(k_magic);
  for (const auto& e : m_entries) {
    out += e.dir_id;
    out += ' ';
    e.fingerprint.append_hex(out);
    out += '\n';
  }
  TRY_STATUS(write_state_file(m_env, m_file, out));
  m_dirty = false;
  return ok();
}

}  // namespace cairn::cache
