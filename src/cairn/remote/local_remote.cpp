#include "cairn/remote/local_remote.h"

#include <memory>

#include "cairn/remote/stream_copy.h"
#include "cairn/remote/trailing_md5.h"
#include "cairn/util/path.h"

namespace cairn::remote {

namespace {

// Our own temp files (env::temp_name_for): ".<base>.<random>.tmp".
bool is_temp_name(std::string_view name) {
  return name.size() > 5 && name.front() == '.' && name.ends_with(".tmp");
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Checks a list prefix: "" or a safe key, optionally '/'-terminated.
Status check_prefix(std::string_view prefix) {
  if (prefix.empty()) return ok();
  std::string_view p = prefix;
  if (p.back() == '/') p.remove_suffix(1);
  return check_key(p);
}

}  // namespace

LocalRemote::LocalRemote(env::Env* env, std::string root, LocalRemoteOptions options)
    : m_env(env), m_root(path::normalize(root)), m_options(options) {}

std::string LocalRemote::display_url() const { return m_root; }

std::string LocalRemote::path_of(const std::string& key) const { return path::join(m_root, key); }

Expected<std::optional<ObjectInfo>> LocalRemote::stat(const std::string& key) {
  TRY_STATUS(check_key(key));
  auto st = m_env->stat(path_of(key), env::Follow::yes);
  if (!st) {
    // ENOTDIR: a parent of the key is an object, so the key itself cannot exist.
    if (st.error().code() == ErrorCode::not_found) return std::nullopt;
    return std::unexpected(st.error());
  }
  if (!*st || (*st)->type != env::FileType::regular) return std::nullopt;
  return ObjectInfo{key, (*st)->size, "", (*st)->mtime_ns};
}

Status LocalRemote::walk(const std::string& dir, const std::string& dir_key, const std::string& prefix,
                         const ListVisitor& visit, bool& stopped) {
  auto entries = m_env->list_dir(dir);
  if (!entries) {
    if (entries.error().code() == ErrorCode::not_found) return ok();  // removed meanwhile
    return std::unexpected(entries.error());
  }
  for (const auto& e : *entries) {
    if (stopped) return ok();
    if (is_temp_name(e.name)) continue;
    std::string key = dir_key + e.name;
    std::string full = dir + "/" + e.name;
    env::FileType type = e.type;
    if (type == env::FileType::directory) {
      std::string sub = key + "/";
      // Descend only where keys can still match the prefix.
      if (starts_with(sub, prefix) || starts_with(prefix, sub)) {
        TRY_STATUS(walk(full, sub, prefix, visit, stopped));
      }
      continue;
    }
    if (!starts_with(key, prefix)) continue;
    // Regular files and symlinks to regular files (directory symlinks are not followed,
    // so a link cycle cannot make the walk endless).
    auto st = m_env->stat(full, env::Follow::yes);
    if (!st) {
      if (st.error().code() == ErrorCode::not_found) continue;
      return std::unexpected(st.error());
    }
    if (!*st || (*st)->type != env::FileType::regular) continue;
    if (!visit(ObjectInfo{key, (*st)->size, "", (*st)->mtime_ns})) stopped = true;
  }
  return ok();
}

Status LocalRemote::list(const std::string& prefix, const ListVisitor& visit) {
  TRY_STATUS(check_prefix(prefix));
  ASSIGN_OR_RETURN(auto root_st, m_env->stat(m_root, env::Follow::yes));
  if (!root_st || root_st->type != env::FileType::directory)
    return make_error(ErrorCode::not_found, "remote folder " + m_root + " does not exist");
  // Start at the deepest folder named by the prefix ("files/md5/0" -> "files/md5/").
  auto slash = prefix.find_last_of('/');
  std::string dir_key = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
  std::string dir = dir_key.empty() ? m_root : path_of(dir_key.substr(0, dir_key.size() - 1));
  bool stopped = false;
  return walk(dir, dir_key, prefix, visit, stopped);
}

Status LocalRemote::publish(const std::string& key, const std::function<Status(env::WritableFile&)>& fill) {
  std::string target = path_of(key);
  TRY_STATUS(m_env->make_dirs(path::parent(target)));
  std::string tmp = env::temp_name_for(target);
  ASSIGN_OR_RETURN(auto file, m_env->create_new(tmp, 0666));
  auto fail = [&](Error e) -> Status {
    file.reset();
    (void)m_env->remove_file(tmp);
    return std::unexpected(std::move(e));
  };
  if (auto s = fill(*file); !s) return fail(s.error());
  if (m_options.durability == env::Durability::fsync) {
    if (auto s = file->sync(); !s) return fail(s.error());
  }
  if (auto s = file->close(); !s) return fail(s.error());
  // Not being able to protect an object is not fatal (DVC: "funky filesystems").
  if (m_options.object_mode != 0) (void)m_env->chmod(tmp, m_options.object_mode);
  m_env->crash_point("remote.local.before_rename");
  if (auto s = m_env->rename(tmp, target); !s) return fail(s.error());
  return ok();
}

Status LocalRemote::put_bytes(const std::string& key, std::string_view data) {
  TRY_STATUS(check_key(key));
  return publish(key, [&](env::WritableFile& out) { return out.append(data); });
}

Status LocalRemote::put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  TRY_STATUS(check_key(key));
  ASSIGN_OR_RETURN(auto in, m_env->open_read(local_path));
  return publish(key, [&](env::WritableFile& out) { return stream_copy(*in, out, progress); });
}

Expected<std::string> LocalRemote::get_bytes(const std::string& key, ByteRange range) {
  ASSIGN_OR_RETURN(auto info, stat(key));
  if (!info) return make_error(ErrorCode::not_found, "object " + key + " not found in " + m_root);
  if (range.offset > info->size)
    return make_error(ErrorCode::invalid_input, "range starts beyond the end of " + key);
  std::uint64_t length = info->size - range.offset;
  if (range.length && *range.length < length) length = *range.length;
  std::string path = path_of(key);
  if (range.offset != 0 || length != info->size) {
    ASSIGN_OR_RETURN(auto mapped, m_env->map_read(path));
    if (mapped) {
      auto data = mapped->data();
      if (range.offset > data.size()) return std::string();  // shrank meanwhile
      return std::string(data.substr(range.offset, length));
    }
  }
  ASSIGN_OR_RETURN(auto in, m_env->open_read(path));
  std::string out;
  out.reserve(length);
  TRY_STATUS(read_range(*in, range.offset, length, out));
  return out;
}

Expected<LocalRemote::OpenObject> LocalRemote::open_object(const std::string& key) {
  ASSIGN_OR_RETURN(auto info, stat(key));
  if (!info) return make_error(ErrorCode::not_found, "object " + key + " not found in " + m_root);
  auto in = m_env->open_read(path_of(key));
  if (!in) {
    if (in.error().code() == ErrorCode::not_found)
      return make_error(ErrorCode::not_found, "object " + key + " not found in " + m_root);
    return std::unexpected(in.error());
  }
  return OpenObject{info->size, std::move(*in)};
}

Status LocalRemote::get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  ASSIGN_OR_RETURN(auto in, open_object(key));
  ASSIGN_OR_RETURN(auto out, m_env->open_write(local_path));
  TRY_STATUS(stream_copy(*in.file, *out, progress));
  return out->close();
}

Expected<std::optional<std::string>> LocalRemote::get_file_hashed(const std::string& key, const std::string& local_path,
                                                                  const ByteProgress& progress) {
  ASSIGN_OR_RETURN(auto in, open_object(key));
  ASSIGN_OR_RETURN(auto out, m_env->open_write(local_path));
  // Small objects are hashed inline as they are copied; big ones by a thread trailing the copy
  // (reading the new file back from the page cache), so hashing overlaps copying.
  TrailingMd5 md5(m_env, local_path);
  const bool trailing = in.size > k_trailing_hash_min;
  std::uint64_t copied = 0;
  TRY_STATUS(stream_copy_chunks(*in.file, *out, [&](std::string_view chunk) {
    copied += chunk.size();
    if (trailing) md5.advance(copied);
    else md5.append(chunk);
    if (progress) progress(chunk.size());
  }));
  TRY_STATUS(out->close());
  ASSIGN_OR_RETURN(std::string hex, md5.finish(copied));
  return hex;
}

Status LocalRemote::remove(const std::string& key) {
  TRY_STATUS(check_key(key));
  std::string path = path_of(key);
  auto st = m_env->stat(path, env::Follow::no);
  if (!st) {
    if (st.error().code() == ErrorCode::not_found) return ok();
    return std::unexpected(st.error());
  }
  if (!*st || (*st)->type == env::FileType::directory) return ok();
  auto removed = m_env->remove_file(path);
  if (!removed && removed.error().code() != ErrorCode::not_found) return removed;
  return ok();
}

Status LocalRemote::make_root() { return m_env->make_dirs(m_root); }

Status LocalRemote::remove_root(Force force) {
  if (m_root == "/" || m_root == ".")
    return make_error(ErrorCode::invalid_input, "refusing to remove " + m_root + " as a remote folder");
  ASSIGN_OR_RETURN(auto st, m_env->stat(m_root, env::Follow::no));
  if (!st) return make_error(ErrorCode::not_found, "remote folder " + m_root + " does not exist");
  if (st->type != env::FileType::directory)
    return make_error(ErrorCode::conflict, m_root + " is not a folder");
  if (force == Force::no) {
    bool any = false;
    TRY_STATUS(list("", [&](const ObjectInfo&) {
      any = true;
      return false;
    }));
    if (any)
      return make_error(ErrorCode::conflict,
                        "remote folder " + m_root + " is not empty (remove its objects first, or force)");
  }
  return m_env->remove_tree(m_root);
}

}  // namespace cairn::remote
