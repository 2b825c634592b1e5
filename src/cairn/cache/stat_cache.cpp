#include "cairn/cache/stat_cache.h"

#include <cstring>

#include "cairn/util/path.h"

namespace cairn::cache {
namespace {

constexpr char k_magic[8] = {'C', 'A', 'I', 'R', 'N', 'S', 'C', '1'};
constexpr std::size_t k_record = 8 + 8 + 8 + 8 + 8 + 16;  // dev ino size mtime mode(u64) md5

int hexval(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

void put_u64(std::string& out, std::uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

std::uint64_t get_u64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

StatKey stat_key(const env::FileStat& st, HashMode mode) {
  return StatKey{st.dev, st.ino, st.size, st.mtime_ns, static_cast<std::uint8_t>(mode)};
}

void StatCache::load() {
  auto data = m_env->read_file(m_file);
  if (!data) return;
  const std::string& d = *data;
  if (d.size() < 8 || std::memcmp(d.data(), k_magic, 8) != 0) return;
  std::size_t n = (d.size() - 8) / k_record;
  m_map.reserve(n + n / 4);
  const char* p = d.data() + 8;
  for (std::size_t i = 0; i < n; ++i, p += k_record) {
    StatKey k{get_u64(p), get_u64(p + 8), get_u64(p + 16), static_cast<std::int64_t>(get_u64(p + 24)),
              static_cast<std::uint8_t>(get_u64(p + 32))};
    Value v;
    std::memcpy(v.md5, p + 40, 16);
    m_map.emplace(k, v);
  }
}

std::optional<std::string> StatCache::lookup(const StatKey& key) const {
  auto it = m_map.find(key);
  if (it == m_map.end()) {
    std::lock_guard lock(m_mu);
    auto jt = m_new.find(key);
    if (jt == m_new.end()) return std::nullopt;
    it = jt;
  }
  static const char* k_hex = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = k_hex[it->second.md5[i] >> 4];
    out[2 * i + 1] = k_hex[it->second.md5[i] & 15];
  }
  return out;
}

void StatCache::insert(const StatKey& key, const std::string& md5_hex) {
  if (md5_hex.size() != 32) return;
  Value v;
  for (int i = 0; i < 16; ++i) v.md5[i] = static_cast<unsigned char>(hexval(md5_hex[2 * i]) * 16 + hexval(md5_hex[2 * i + 1]));
  std::lock_guard lock(m_mu);
  if (m_map.count(key)) return;
  m_new[key] = v;
}

Status StatCache::save(std::int64_t now_ns) {
  {
    std::lock_guard lock(m_mu);
    if (m_new.empty()) return ok();
    for (auto& [k, v] : m_new)
      if (k.mtime_ns + k_racy_ns < now_ns) m_map[k] = v;  // racy entries are not remembered
    m_new.clear();
  }
  std::string out(k_magic, 8);
  out.reserve(8 + m_map.size() * k_record);
  for (const auto& [k, v] : m_map) {
    put_u64(out, k.dev);
    put_u64(out, k.ino);
    put_u64(out, k.size);
    put_u64(out, static_cast<std::uint64_t>(k.mtime_ns));
    put_u64(out, k.mode);
    out.append(reinterpret_cast<const char*>(v.md5), 16);
  }
  TRY_STATUS(m_env->make_dirs(path::parent(m_file)));
  return m_env->write_file_atomic(m_file, out, 0644, env::Durability::none);
}

}  // namespace cairn::cache
