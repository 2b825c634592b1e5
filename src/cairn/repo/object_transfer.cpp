#include "cairn/repo/object_transfer.h"

#include <set>

#include "cairn/object/file_hash.h"
#include "cairn/repo/remote_presence.h"
#include "cairn/util/counters.h"
#include "cairn/util/md5.h"
#include "cairn/util/path.h"

namespace cairn::repo {

using object::ObjectId;

namespace {

HashMode mode_of(const ObjectId& id) {
  return id.name == object::HashName::md5 ? HashMode::md5 : HashMode::dos2unix;
}

Error corrupt_download(remote::Remote& remote, const ObjectId& id, const std::string& why) {
  return Error(ErrorCode::corrupt, "object " + id.value + " downloaded from " + remote.display_url() + " is corrupt (" +
                                       why + "); it was not stored in the cache");
}

}  // namespace

Status upload_object(Repository& repo, remote::Remote& remote, const ObjectId& id,
                     const remote::ByteProgress& progress) {
  auto& store = repo.store();
  const std::string path = store.path_of(id);
  ASSIGN_OR_RETURN(auto st, repo.env()->stat(path, env::Follow::yes));
  if (!st || st->type != env::FileType::regular)
    return make_error(ErrorCode::not_found, "cache object " + path + " does not exist");
  if (st->size <= k_verify_in_memory) {
    ASSIGN_OR_RETURN(std::string data, repo.env()->read_file(path));
    if (hash_bytes(data, mode_of(id)) != id.digest())
      return make_error(ErrorCode::corrupt,
                        "cache object " + path + " is corrupt (its content does not match its name); not uploaded");
    TRY_STATUS(remote.put_bytes(remote_key(id), data));
    if (progress) progress(data.size());
    return ok();
  }
  auto verified = store.verify(id, cache::Verify::trust_mode);
  if (!verified) return std::unexpected(Error(verified.error()).with_context("not uploaded"));
  if (!*verified) return make_error(ErrorCode::not_found, "cache object " + path + " does not exist");
  return remote.put_file(remote_key(id), path, progress);
}

Status download_object(Repository& repo, remote::Remote& remote, const ObjectId& id,
                       const remote::ByteProgress& progress) {
  env::Env* env = repo.env();
  const std::string final_path = repo.store().path_of(id);
  const std::string tmp = env::temp_name_for(final_path);
  auto fail = [&](Error e) -> Status {
    (void)env->remove_file(tmp);
    return std::unexpected(std::move(e));
  };
  // The remote hashes what it writes as it arrives where it can (trailing_md5.h); else (and
  // for legacy md5-dos2unix ids, which hash differently) the file is read once more here.
  auto got = remote.get_file_hashed(remote_key(id), tmp, progress);
  if (!got) return fail(got.error());
  std::string digest;
  if (*got && mode_of(id) == HashMode::md5) {
    auto st = env->stat(tmp, env::Follow::no);
    if (!st) return fail(st.error());
    if (*st) counters().bytes_verified.fetch_add((*st)->size, std::memory_order_relaxed);
    digest = std::move(**got);
  } else {
    auto h = object::hash_file(env, tmp, mode_of(id));
    if (!h) return fail(h.error());
    counters().bytes_verified.fetch_add(h->size, std::memory_order_relaxed);
    digest = std::move(h->md5);
  }
  if (digest != id.digest()) return fail(corrupt_download(remote, id, "its content hashes to " + digest));
  if (id.is_dir()) {
    auto bytes = env->read_file(tmp);
    if (!bytes) return fail(bytes.error());
    auto tree = object::Tree::parse(*bytes, id.value);
    if (!tree) return fail(corrupt_download(remote, id, tree.error().message()));
  }
  if (auto s = env->chmod(tmp, 0444); !s) return fail(s.error());
  env->crash_point("fetch.before_rename");
  if (auto s = env->rename(tmp, final_path); !s) return fail(s.error());
  return ok();
}

Status prepare_cache_dirs(Repository& repo, const std::vector<ObjectId>& ids) {
  std::set<std::string> dirs;
  for (const auto& id : ids) dirs.insert(path::parent(repo.store().path_of(id)));
  for (const auto& d : dirs) TRY_STATUS(repo.env()->make_dirs(d));
  return ok();
}

Expected<FetchedManifest> fetch_manifest(remote::Remote& remote, const ObjectId& id) {
  ASSIGN_OR_RETURN(std::string bytes, remote.get_bytes(remote_key(id)));
  std::string h = hash_bytes(bytes, mode_of(id));
  counters().bytes_verified.fetch_add(bytes.size(), std::memory_order_relaxed);
  if (h != id.digest()) return std::unexpected(corrupt_download(remote, id, "its content hashes to " + h));
  auto tree = object::Tree::parse(bytes, id.value);
  if (!tree) return std::unexpected(corrupt_download(remote, id, tree.error().message()));
  return FetchedManifest{std::move(bytes), std::move(*tree)};
}

}  // namespace cairn::repo
