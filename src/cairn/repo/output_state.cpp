#include "cairn/repo/output_state.h"

#include <chrono>
#include <thread>

#include "cairn/util/counters.h"
#include "cairn/util/thread_pool.h"
#include "cairn/util/trace.h"

namespace cairn::repo {

std::size_t resolve_jobs(std::size_t jobs) {
  if (jobs > 0) return jobs;
  // Hashing small files is syscall-bound: a few threads per core keep the disk busy.
  return std::max<std::size_t>(4, default_jobs() * 2);
}

Expected<OutputState> compute_output_state(Repository& repo, const std::string& abs_path, HashMode mode,
                                           Insert insert, std::size_t jobs, FileHashes file_hashes) {
  jobs = resolve_jobs(jobs);
  OutputState out;
  ASSIGN_OR_RETURN(auto st, repo.env()->stat(abs_path, env::Follow::yes));
  if (!st) return out;
  out.exists = true;
  const auto hname = mode == HashMode::md5 ? object::HashName::md5 : object::HashName::md5_dos2unix;
  if (st->type == env::FileType::directory) {
    out.is_dir = true;
    {
      TraceSpan t("walk");
      ASSIGN_OR_RETURN(out.files, walk_dir(repo, abs_path, jobs));
    }
    // An unchanged tree (same walk fingerprint) is answered from the tree memo.
    const bool use_memo = insert == Insert::no && file_hashes == FileHashes::not_needed;
    const std::string memo_key = (mode == HashMode::md5 ? "md5:" : "dos2unix:") + abs_path;
    std::int64_t newest_mtime = 0;
    Md5Digest fingerprint;
    {
      TraceSpan t("fingerprint");
      fingerprint = walk_fingerprint(out.files, mode, newest_mtime);
    }
    if (use_memo) {
      if (auto hit = repo.tree_memo().lookup(memo_key, fingerprint)) {
        out.id = object::ObjectId{hit->dir_md5, hname};
        out.size = hit->size;
        out.nfiles = hit->nfiles;
        counters().tree_memo_hits++;
        return out;
      }
    }
    {
      TraceSpan t("hash");
      TRY_STATUS(hash_files(repo, abs_path, out.files, mode, insert, jobs, "Hashing " + repo.rel_to_cwd(abs_path)));
    }
    {
      TraceSpan t("manifest");
      if (insert == Insert::yes) {
        std::string bytes = manifest_bytes(out.files);
        out.id = object::ObjectId{md5_hex(bytes) + ".dir", hname};
        ASSIGN_OR_RETURN(bool present, repo.store().exists(out.id));
        if (!present) {
          TRY_STATUS(repo.store().put_bytes(out.id, bytes));
          counters().objects_added++;
        }
      } else {
        out.id = object::ObjectId{manifest_md5(out.files) + ".dir", hname};
      }
    }
    for (const auto& f : out.files) out.size += f.st.size;
    out.nfiles = out.files.size();
    // Every hash of the walk is known now (add and commit too), so the next status of this
    // unchanged tree is answered from the memo.
    {
      const auto now_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(repo.env()->now().time_since_epoch()).count();
      if (newest_mtime + cache::TreeMemo::k_racy_ns < now_ns)
        repo.tree_memo().insert(memo_key, fingerprint, {out.id.value, out.size, *out.nfiles});
    }
    return out;
  }
  if (st->type != env::FileType::regular)
    return make_error(ErrorCode::invalid_input, repo.rel_to_cwd(abs_path) + " is not a regular file or directory");
  std::vector<WorkspaceFile> one{WorkspaceFile{"", *st, {}}};
  counters().files_walked++;
  TRY_STATUS(hash_files(repo, abs_path, one, mode, insert, 1, "Hashing"));
  out.id = object::ObjectId{one[0].md5.hex(), hname};
  out.size = st->size;
  out.isexec = st->is_exec();
  return out;
}

void remember_in_cache(Repository& repo, const std::vector<object::ObjectId>& dir_ids) {
  if (dir_ids.empty()) return;
  auto& memo = repo.presence_memo();
  // The objects were written just now: wait out the racy window once (at most ~21 ms).
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(repo.env()->now().time_since_epoch()).count();
    auto fp = memo.fingerprint(repo.store(), dir_ids.front().name, now_ns);
    if (!fp) return;
    if (*fp) {
      for (const auto& id : dir_ids)
        if (id.name == dir_ids.front().name) memo.insert(id, **fp);
      return;
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(cache::PresenceMemo::k_racy_ns + 1'000'000));
  }
}

Expected<bool> output_in_cache(Repository& repo, const object::ObjectId& id) {
  auto& store = repo.store();
  if (!id.is_dir()) {
    auto v = store.verify(id, cache::Verify::trust_mode);
    if (!v) {
      if (v.error().code() == ErrorCode::corrupt) return false;
      return std::unexpected(v.error());
    }
    return *v;
  }
  TraceSpan t("in_cache");
  // Known complete at an unchanged cache fingerprint: no listing (cache/presence_memo.h).
  auto& memo = repo.presence_memo();
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(repo.env()->now().time_since_epoch()).count();
  ASSIGN_OR_RETURN(auto fp, memo.fingerprint(store, id.name, now_ns));
  if (fp && memo.contains(id, *fp)) {
    counters().presence_memo_hits++;
    return true;
  }
  auto tree = store.read_tree(id);
  if (!tree) {
    if (tree.error().code() == ErrorCode::not_found || tree.error().code() == ErrorCode::corrupt) return false;
    return std::unexpected(tree.error());
  }
  // Existence by listing prefix directories: one readdir per prefix instead of one stat per
  // object (a status of 100k files must not cost 100k stats of the cache). Corruption of
  // individual objects is checked when they are used (checkout verifies each object).
  std::vector<object::ObjectId> ids;
  ids.reserve(tree->entries().size());
  for (const auto& e : tree->entries()) ids.push_back(object::ObjectId{e.md5, id.name});
  ASSIGN_OR_RETURN(auto missing, store.missing_of(ids, resolve_jobs(0)));
  if (missing.empty() && fp) memo.insert(id, *fp);
  return missing.empty();
}

}  // namespace cairn::repo
