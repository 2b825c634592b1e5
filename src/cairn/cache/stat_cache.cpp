#include "cairn/cache/stat_cache.h"

#include <algorithm>
#include <cstring>

#include "cairn/util/path.h"

namespace cairn::cache {
namespace {

constexpr char k_magic[8] = {'C', 'A', 'I', 'R', 'N', 'S', 'C', '1'};
constexpr std::size_t k_record = 8 + 8 + 8 + 8 + 8 + 16;  // dev ino size mtime mode(u64) md5

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

void StatCache::FlatMap::reserve(std::size_t n) {
  std::size_t want = n + n * 2 / 5 + 16;
  if (want <= m_slots.size()) return;
  std::vector<Slot> old;
  old.swap(m_slots);
  m_slots.assign(want, Slot{});
  m_size = 0;
  for (const auto& s : old)
    if (s.key.ino != 0) put(s.key, s.value);
}

std::size_t StatCache::FlatMap::slot_of(const StatKey& k) const {
  // Multiply-shift range reduction of a 64-bit hash onto [0, slots).
  const unsigned __int128 h = static_cast<std::uint64_t>(StatKeyHash{}(k)) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>((static_cast<unsigned __int128>(static_cast<std::uint64_t>(h)) * m_slots.size()) >> 64);
}

void StatCache::FlatMap::put(const StatKey& k, const Value& v) {
  if (k.ino == 0) return;  // never a real file; the empty-slot marker
  if ((m_size + 1) * 10 > m_slots.size() * 8) reserve(std::max<std::size_t>(16, m_size * 2));
  std::size_t i = slot_of(k);
  while (true) {
    Slot& s = m_slots[i];
    if (s.key.ino == 0) {
      s.key = k;
      s.value = v;
      ++m_size;
      return;
    }
    if (s.key == k) {
      s.value = v;
      return;
    }
    if (++i == m_slots.size()) i = 0;
  }
}

const StatCache::Value* StatCache::FlatMap::find(const StatKey& k) const {
  if (m_slots.empty() || k.ino == 0) return nullptr;
  std::size_t i = slot_of(k);
  while (true) {
    const Slot& s = m_slots[i];
    if (s.key.ino == 0) return nullptr;
    if (s.key == k) return &s.value;
    if (++i == m_slots.size()) i = 0;
  }
}

StatKey stat_key(const env::FileStat& st, HashMode mode) {
  return StatKey{st.dev, st.ino, st.size, st.mtime_ns, static_cast<std::uint8_t>(mode)};
}

void StatCache::load() {
  auto data = m_env->read_file(m_file);
  if (!data) return;
  const std::string& d = *data;
  if (d.size() < 8 || std::memcmp(d.data(), k_magic, 8) != 0) return;
  std::size_t n = (d.size() - 8) / k_record;
  m_map.reserve(n);
  const char* p = d.data() + 8;
  for (std::size_t i = 0; i < n; ++i, p += k_record) {
    StatKey k{get_u64(p), get_u64(p + 8), get_u64(p + 16), static_cast<std::int64_t>(get_u64(p + 24)),
              static_cast<std::uint8_t>(get_u64(p + 32))};
    Value v;
    std::memcpy(v.bytes.data(), p + 40, 16);
    m_map.put(k, v);
  }
}

std::optional<Md5Digest> StatCache::lookup(const StatKey& key) const {
  if (const Value* v = m_map.find(key)) return *v;
  std::lock_guard lock(m_mu);
  auto jt = m_new.find(key);
  if (jt == m_new.end()) return std::nullopt;
  return jt->second;
}

void StatCache::insert(const StatKey& key, const Md5Digest& v) {
  std::lock_guard lock(m_mu);
  if (m_map.find(key)) return;
  m_new[key] = v;
}

Status StatCache::save(std::int64_t now_ns) {
  {
    std::lock_guard lock(m_mu);
    if (m_new.empty()) return ok();
    for (auto& [k, v] : m_new)
      if (k.mtime_ns + k_racy_ns < now_ns) m_map.put(k, v);  // racy entries are not remembered
    m_new.clear();
  }
  std::string out(k_magic, 8);
  out.reserve(8 + m_map.size() * k_record);
  m_map.for_each([&](const StatKey& k, const Value& v) {
    put_u64(out, k.dev);
    put_u64(out, k.ino);
    put_u64(out, k.size);
    put_u64(out, static_cast<std::uint64_t>(k.mtime_ns));
    put_u64(out, k.mode);
    out.append(reinterpret_cast<const char*>(v.bytes.data()), 16);
  });
  TRY_STATUS(m_env->make_dirs(path::parent(m_file)));
  return m_env->write_file_atomic(m_file, out, 0644, env::Durability::none);
}

}  // namespace cairn::cache
