// RemoteIndex file format: docs/format/cairn-state.md §remote-index.
#include "cairn/repo/remote_index.h"

#include <cstring>

#include "cairn/util/md5.h"
#include "cairn/util/path.h"

namespace cairn::repo {

namespace {

constexpr std::string_view k_magic = "CAIRNRI1";
constexpr std::size_t k_record = 17;
constexpr unsigned char k_flag_dir = 1;
constexpr unsigned char k_flag_legacy = 2;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_le(std::string_view s, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

}  // namespace

RemoteIndex::RemoteIndex(env::Env* env, const std::string& state_dir, std::string location)
    : m_env(env), m_location(std::move(location)) {
  m_file = path::join(state_dir, "remote-index/" + md5_hex(m_location));
}

RemoteIndex::Key RemoteIndex::key_of(const object::ObjectId& id) {
  Key key{};
  auto d = Md5Digest::from_hex(id.digest());
  if (d) std::memcpy(key.data(), d->bytes.data(), 16);
  unsigned char flags = 0;
  if (id.is_dir()) flags |= k_flag_dir;
  if (id.name == object::HashName::md5_dos2unix) flags |= k_flag_legacy;
  key[16] = flags;
  return key;
}

void RemoteIndex::load() {
  if (m_loaded) return;
  m_loaded = true;
  auto bytes = m_env->read_file(m_file);
  if (!bytes) return;
  std::string_view s = *bytes;
  if (s.size() < k_magic.size() + 4 || s.substr(0, k_magic.size()) != k_magic) return;
  std::size_t at = k_magic.size();
  std::uint64_t url_len = get_le(s, at, 4);
  at += 4;
  if (s.size() < at + url_len + 8) return;
  if (s.substr(at, url_len) != m_location) return;  // a hash collision or a foreign file
  at += url_len;
  std::uint64_t count = get_le(s, at, 8);
  at += 8;
  if ((s.size() - at) / k_record != count || (s.size() - at) % k_record != 0) return;
  m_ids.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i, at += k_record) {
    Key key;
    std::memcpy(key.data(), s.data() + at, k_record);
    m_ids.insert(key);
  }
}

bool RemoteIndex::contains(const object::ObjectId& id) const { return m_ids.count(key_of(id)) != 0; }

void RemoteIndex::insert(const object::ObjectId& id) {
  if (m_ids.insert(key_of(id)).second) m_dirty = true;
}

void RemoteIndex::clear() {
  if (!m_ids.empty()) m_dirty = true;
  m_ids.clear();
}

Status RemoteIndex::save() {
  if (!m_dirty) return ok();
  std::string out(k_magic);
  put_u32(out, static_cast<std::uint32_t>(m_location.size()));
  out += m_location;
  put_u64(out, m_ids.size());
  out.reserve(out.size() + m_ids.size() * k_record);
  for (const auto& k : m_ids) out.append(reinterpret_cast<const char*>(k.data()), k.size());
  TRY_STATUS(m_env->make_dirs(path::parent(m_file)));
  TRY_STATUS(m_env->write_file_atomic(m_file, out, 0666, env::Durability::none));
  m_dirty = false;
  return ok();
}

}  // namespace cairn::repo
