#include "cairn/repo/output_state.h"

#include "cairn/util/counters.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {

std::size_t resolve_jobs(std::size_t jobs) {
  if (jobs > 0) return jobs;
  // Hashing small files is syscall-bound: a few threads per core keep the disk busy.
  return std::max<std::size_t>(4, default_jobs() * 2);
}

Expected<OutputState> compute_output_state(Repository& repo, const std::string& abs_path, HashMode mode,
                                           Insert insert, std::size_t jobs) {
  jobs = resolve_jobs(jobs);
  OutputState out;
  ASSIGN_OR_RETURN(auto st, repo.env()->stat(abs_path, env::Follow::yes));
  if (!st) return out;
  out.exists = true;
  const auto hname = mode == HashMode::md5 ? object::HashName::md5 : object::HashName::md5_dos2unix;
  if (st->type == env::FileType::directory) {
    out.is_dir = true;
    ASSIGN_OR_RETURN(out.files, walk_dir(repo, abs_path, jobs));
    TRY_STATUS(hash_files(repo, out.files, mode, insert, jobs, "Hashing " + repo.rel_to_cwd(abs_path)));
    object::Tree tree = tree_of(out.files);
    std::string bytes = tree.serialize();
    out.id = object::ObjectId{md5_hex(bytes) + ".dir", hname};
    for (const auto& f : out.files) out.size += f.st.size;
    out.nfiles = out.files.size();
    if (insert == Insert::yes) {
      ASSIGN_OR_RETURN(bool present, repo.store().exists(out.id));
      if (!present) {
        TRY_STATUS(repo.store().put_bytes(out.id, bytes));
        counters().objects_added++;
      }
    }
    return out;
  }
  if (st->type != env::FileType::regular)
    return make_error(ErrorCode::invalid_input, repo.rel_to_cwd(abs_path) + " is not a regular file or directory");
  std::vector<WorkspaceFile> one{WorkspaceFile{"", abs_path, *st, {}}};
  counters().files_walked++;
  TRY_STATUS(hash_files(repo, one, mode, insert, 1, "Hashing"));
  out.id = object::ObjectId{one[0].md5, hname};
  out.size = st->size;
  out.isexec = st->is_exec();
  return out;
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
  return missing.empty();
}

}  // namespace cairn::repo
