#include "cairn/cache/object_store.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "cairn/object/file_hash.h"
#include "cairn/util/thread_pool.h"
#include "cairn/util/md5.h"
#include "cairn/util/counters.h"
#include "cairn/util/path.h"

namespace cairn::cache {

using object::HashName;
using object::ObjectId;

namespace {
HashMode mode_of(const ObjectId& id) {
  return id.name == HashName::md5 ? HashMode::md5 : HashMode::dos2unix;
}

// Copies `in` to `out` in 1 MiB chunks, hashing what passes (DVC's per-chunk dos2unix rule
// for legacy ids). Does not close `out`.
Expected<ObjectStore::Stored> copy_hashing(env::ReadableFile& in, env::WritableFile& out, HashName name) {
  constexpr std::size_t k_chunk = 1 << 20;
  thread_local std::unique_ptr<char[]> buf(new char[k_chunk]);
  Md5 md5;
  ObjectStore::Stored stored;
  const bool legacy = name == HashName::md5_dos2unix;
  while (true) {
    std::size_t filled = 0;
    while (filled < k_chunk) {
      ASSIGN_OR_RETURN(std::size_t n, in.read(buf.get() + filled, k_chunk - filled));
      if (n == 0) break;
      filled += n;
    }
    if (filled == 0) break;
    std::string_view chunk(buf.get(), filled);
    if (legacy && looks_like_text(chunk)) md5.update(dos2unix(chunk));
    else md5.update(chunk);
    TRY_STATUS(out.append(chunk));
    stored.size += filled;
    if (filled < k_chunk) break;
  }
  stored.md5 = md5.hex_digest();
  return stored;
}
}  // namespace

std::string ObjectStore::path_of(const ObjectId& id) const {
  return path::join(m_root, object::object_relpath(id));
}

Expected<bool> ObjectStore::exists(const ObjectId& id) {
  ASSIGN_OR_RETURN(auto st, m_env->stat(path_of(id), env::Follow::yes));
  return st.has_value() && st->type == env::FileType::regular;
}

Expected<bool> ObjectStore::verify(const ObjectId& id, Verify verify) {
  std::string p = path_of(id);
  ASSIGN_OR_RETURN(auto st, m_env->stat(p, env::Follow::yes));
  if (!st) return false;
  if (verify == Verify::trust_mode && (st->mode & 0777) == 0444) return true;
  ASSIGN_OR_RETURN(auto h, object::hash_file(m_env, p, mode_of(id)));
  counters().bytes_verified.fetch_add(st->size, std::memory_order_relaxed);
  if (h.md5 != id.digest())
    return make_error(ErrorCode::corrupt, "cache object " + p + " is corrupt (its content hashes to " + h.md5 + ")");
  if ((st->mode & 0777) != 0444) (void)m_env->chmod(p, 0444);
  return true;
}

Status ObjectStore::ensure_prefix_dir(const ObjectId& id, const std::string& final_path) {
  auto hexv = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::size_t slot = (id.name == HashName::md5 ? 0 : 256) +
                     static_cast<std::size_t>(hexv(id.value[0]) * 16 + hexv(id.value[1]));
  if (m_prefix_ready[slot].load(std::memory_order_acquire)) return ok();
  TRY_STATUS(m_env->make_dirs(path::parent(final_path)));
  m_prefix_ready[slot].store(true, std::memory_order_release);
  return ok();
}

Status ObjectStore::install_tmp(const std::string& tmp, const std::string& final_path) {
  m_env->crash_point("cache.before_rename");
  if (auto s = m_env->rename(tmp, final_path); !s) {
    (void)m_env->remove_file(tmp);
    return s;
  }
  return ok();
}

Expected<bool> ObjectStore::put_bytes(const ObjectId& id, std::string_view data) {
  std::string final_path = path_of(id);
  TRY_STATUS(ensure_prefix_dir(id, final_path));
  m_env->crash_point("cache.before_rename");
  return m_env->publish_new(final_path, data, 0444);
}

Status ObjectStore::put_file(const ObjectId& id, const std::string& src) {
  std::string final_path = path_of(id);
  TRY_STATUS(ensure_prefix_dir(id, final_path));
  std::string tmp = env::temp_name_for(final_path);
  auto cleanup = [&](Error e) -> Status {
    (void)m_env->remove_file(tmp);
    return std::unexpected(std::move(e));
  };
  if (m_env->reflink(src, tmp)) {
    // A clone shares blocks; verify its content still hashes to the id.
    auto h = object::hash_file(m_env, tmp, mode_of(id));
    if (!h) return cleanup(h.error());
    if (h->md5 != id.digest()) return cleanup(Error(ErrorCode::conflict, src + " changed while it was being added"));
    if (auto c = m_env->chmod(tmp, 0444); !c) return cleanup(c.error());
    return install_tmp(tmp, final_path);
  }
  auto in = m_env->open_read(src);
  if (!in) return std::unexpected(in.error());
  auto out = m_env->create_new(tmp, 0444);
  if (!out) return std::unexpected(out.error());
  auto copied = copy_hashing(**in, **out, id.name);
  if (!copied) return cleanup(copied.error());
  if (auto s = (*out)->close(); !s) return cleanup(s.error());
  if (copied->md5 != id.digest())
    return cleanup(Error(ErrorCode::conflict, src + " changed while it was being added"));
  return install_tmp(tmp, final_path);
}

Expected<ObjectStore::Stored> ObjectStore::put_file_hashing(const std::string& src, HashName name) {
  const std::string tmp_dir = name == HashName::md5 ? path::join(m_root, "files/md5") : m_root;
  TRY_STATUS(m_env->make_dirs(tmp_dir));
  std::string tmp = env::temp_name_for(path::join(tmp_dir, "incoming"));
  auto in = m_env->open_read(src);
  if (!in) return std::unexpected(in.error());
  auto out = m_env->create_new(tmp, 0444);
  if (!out) return std::unexpected(out.error());
  auto cleanup = [&](Error e) -> Expected<Stored> {
    (void)m_env->remove_file(tmp);
    return std::unexpected(std::move(e));
  };
  auto copied = copy_hashing(**in, **out, name);
  if (!copied) return cleanup(copied.error());
  if (auto s = (*out)->close(); !s) return cleanup(s.error());
  Stored stored = *copied;
  ObjectId id{stored.md5, name};
  auto present = exists(id);
  if (!present) return cleanup(present.error());
  if (*present) {
    (void)m_env->remove_file(tmp);
    return stored;
  }
  std::string final_path = path_of(id);
  if (auto s = ensure_prefix_dir(id, final_path); !s) return cleanup(s.error());
  if (auto s = install_tmp(tmp, final_path); !s) return std::unexpected(s.error());
  return stored;
}

Expected<object::Tree> ObjectStore::read_tree(const ObjectId& id) {
  std::string p = path_of(id);
  auto bytes = m_env->read_file(p);
  if (!bytes) {
    if (bytes.error().code() == ErrorCode::not_found)
      return make_error(ErrorCode::not_found, "manifest " + id.value + " is not in the cache");
    return std::unexpected(bytes.error());
  }
  if (hash_bytes(*bytes, mode_of(id)) != id.digest())
    return make_error(ErrorCode::corrupt, "cache object " + p + " is corrupt (its content does not match its name)");
  return object::Tree::parse(*bytes, p);
}

Expected<std::vector<ObjectId>> ObjectStore::missing_of(const std::vector<ObjectId>& ids, std::size_t jobs) {
  // Group the wanted ids by prefix directory: slot = layout * 256 + first byte.
  auto hexv = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::vector<std::vector<const ObjectId*>> groups(512);
  for (const auto& id : ids) {
    std::size_t slot = (id.name == HashName::md5 ? 0 : 256) +
                       static_cast<std::size_t>(hexv(id.value[0]) * 16 + hexv(id.value[1]));
    groups[slot].push_back(&id);
  }
  std::vector<std::size_t> slots;
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (!groups[i].empty()) slots.push_back(i);
  std::mutex mu;
  std::vector<ObjectId> missing;
  std::optional<Error> err;
  parallel_for(slots.size(), jobs, [&](std::size_t k) {
    const auto& group = groups[slots[k]];
    const std::string dir = path::parent(path_of(*group.front()));
    std::vector<std::string> names;
    auto entries = m_env->list_dir(dir);
    if (entries) {
      names.reserve(entries->size());
      for (auto& e : *entries)
        if (e.type != env::FileType::directory) names.push_back(std::move(e.name));
      std::sort(names.begin(), names.end());
    } else if (entries.error().code() != ErrorCode::not_found) {
      std::lock_guard lock(mu);
      if (!err) err = entries.error();
      return;
    }
    std::vector<ObjectId> mine;
    for (const ObjectId* id : group) {
      std::string_view rest = std::string_view(id->value).substr(2);
      auto it = std::lower_bound(names.begin(), names.end(), rest,
                                 [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
      if (it == names.end() || *it != rest) mine.push_back(*id);
    }
    if (!mine.empty()) {
      std::lock_guard lock(mu);
      for (auto& m : mine) missing.push_back(std::move(m));
    }
  });
  if (err) return std::unexpected(*err);
  return missing;
}

Expected<std::vector<ObjectId>> ObjectStore::list_all() {
  std::vector<ObjectId> out;
  auto scan = [&](const std::string& base, HashName name) -> Status {
    ASSIGN_OR_RETURN(auto st, m_env->stat(base, env::Follow::yes));
    if (!st) return ok();
    ASSIGN_OR_RETURN(auto prefixes, m_env->list_dir(base));
    for (const auto& pre : prefixes) {
      if (pre.name.size() != 2 || pre.type != env::FileType::directory) continue;
      ASSIGN_OR_RETURN(auto files, m_env->list_dir(path::join(base, pre.name)));
      for (const auto& f : files) {
        std::string value = pre.name + f.name;
        if (object::is_valid_object_id(value)) out.push_back(ObjectId{value, name});
      }
    }
    return ok();
  };
  TRY_STATUS(scan(path::join(m_root, "files/md5"), HashName::md5));
  TRY_STATUS(scan(m_root, HashName::md5_dos2unix));
  return out;
}

Expected<std::size_t> ObjectStore::remove_temp_files() {
  std::size_t removed = 0;
  for (const std::string& base : {path::join(m_root, "files/md5"), m_root}) {
    ASSIGN_OR_RETURN(auto st, m_env->stat(base, env::Follow::yes));
    if (!st) continue;
    ASSIGN_OR_RETURN(auto prefixes, m_env->list_dir(base));
    for (const auto& f : prefixes) {  // one-pass inserts stage their temp file here
      if (f.type != env::FileType::directory && f.name.size() > 5 && f.name.front() == '.' && f.name.ends_with(".tmp")) {
        TRY_STATUS(m_env->remove_file(path::join(base, f.name)));
        ++removed;
      }
    }
    for (const auto& pre : prefixes) {
      if (pre.name.size() != 2 || pre.type != env::FileType::directory) continue;
      std::string dir = path::join(base, pre.name);
      ASSIGN_OR_RETURN(auto files, m_env->list_dir(dir));
      for (const auto& f : files) {
        if (f.name.size() > 5 && f.name.front() == '.' && f.name.ends_with(".tmp")) {
          TRY_STATUS(m_env->remove_file(path::join(dir, f.name)));
          ++removed;
        }
      }
    }
  }
  return removed;
}

Status ObjectStore::remove(const ObjectId& id) {
  auto s = m_env->remove_file(path_of(id));
  if (!s && s.error().code() == ErrorCode::not_found) return ok();
  return s;
}

}  // namespace cairn::cache
