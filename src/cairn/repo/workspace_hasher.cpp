#include "cairn/repo/workspace_hasher.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include "cairn/object/file_hash.h"
#include "cairn/util/counters.h"
#include "cairn/util/path.h"
#include "cairn/util/progress.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {
namespace {

constexpr std::uint64_t k_in_memory_limit = 4u << 20;


struct PendingDir {
  std::string rel;  // relative to the walked dir ("" for the top)
};

}  // namespace

Expected<std::vector<WorkspaceFile>> walk_dir(Repository& repo, const std::string& dir_abs,
                                              std::size_t jobs) {
  env::Env* env = repo.env();
  const std::string root_rel = repo.rel_to_root(dir_abs);
  std::vector<WorkspaceFile> files;
  std::vector<std::string> level{""};
  std::mutex mu;
  std::optional<Error> first_error;
  while (!level.empty()) {
    std::vector<std::string> next;
    // One slot per directory of this level: no lock and no doubling growth when collecting.
    std::vector<std::vector<WorkspaceFile>> parts(level.size());
    parallel_for(level.size(), jobs, [&](std::size_t i) {
      const std::string& rel = level[i];
      std::string abs = rel.empty() ? dir_abs : dir_abs + "/" + rel;
      auto entries = env->list_dir(abs);
      if (!entries) {
        std::lock_guard lock(mu);
        if (!first_error) first_error = entries.error();
        return;
      }
      std::vector<std::string> my_dirs;
      std::vector<WorkspaceFile> my_files;
      my_files.reserve(entries->size());
      // A nested DVC repository (a directory with its own .dvc/) is skipped whole.
      if (!rel.empty()) {
        for (const auto& e : *entries)
          if (e.name == ".dvc" && e.type == env::FileType::directory) return;
      }
      for (const auto& e : *entries) {
        std::string child_rel = rel.empty() ? e.name : rel + "/" + e.name;
        std::string from_root = root_rel == "." ? child_rel : root_rel + "/" + child_rel;
        env::FileType type = e.type;
        if (type == env::FileType::symlink || type == env::FileType::other) {
          auto st = env->stat(abs + "/" + e.name, env::Follow::yes);
          if (!st || !*st) continue;  // dangling link
          type = (*st)->type;
        }
        bool is_dir = type == env::FileType::directory;
        if (repo.ignore().is_ignored(from_root, is_dir)) continue;
        if (is_dir) my_dirs.push_back(std::move(child_rel));
        else if (type == env::FileType::regular)
          my_files.push_back(WorkspaceFile{std::move(child_rel), abs + "/" + e.name, {}, {}});
      }
      parts[i] = std::move(my_files);
      std::lock_guard lock(mu);
      for (auto& d : my_dirs) next.push_back(std::move(d));
    });
    if (first_error) return std::unexpected(*first_error);
    std::size_t total = files.size();
    for (const auto& p : parts) total += p.size();
    files.reserve(total);  // exact growth: no doubling slack
    for (auto& p : parts) {
      for (auto& f : p) files.push_back(std::move(f));
      std::vector<WorkspaceFile>().swap(p);
    }
    level = std::move(next);
  }
  // stat every file (following symlinks) in parallel
  parallel_for(files.size(), jobs, [&](std::size_t i) {
    auto st = env->stat(files[i].abspath, env::Follow::yes);
    if (!st || !*st) {
      std::lock_guard lock(mu);
      if (!first_error)
        first_error = st ? Error(ErrorCode::not_found, files[i].abspath + " disappeared while walking") : st.error();
      return;
    }
    files[i].st = **st;
  });
  if (first_error) return std::unexpected(*first_error);
  counters().files_walked += files.size();
  // Sort by relpath (code-point order, as manifests): sort indices, then move each once.
  std::vector<std::uint32_t> idx(files.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<std::uint32_t>(i);
  std::sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) { return files[a].relpath < files[b].relpath; });
  // Apply the permutation in place (cycle by cycle), so no second copy of the list is held.
  for (std::size_t i = 0; i < idx.size(); ++i) {
    if (idx[i] == i) continue;
    WorkspaceFile tmp = std::move(files[i]);
    std::size_t cur = i;
    while (idx[cur] != i) {
      std::size_t next = idx[cur];
      files[cur] = std::move(files[next]);
      idx[cur] = static_cast<std::uint32_t>(cur);
      cur = next;
    }
    files[cur] = std::move(tmp);
    idx[cur] = static_cast<std::uint32_t>(cur);
  }
  return files;
}

Status hash_files(Repository& repo, std::vector<WorkspaceFile>& files, HashMode mode, Insert insert,
                  std::size_t jobs, const std::string& label) {
  env::Env* env = repo.env();
  auto& sc = repo.stat_cache();
  auto& store = repo.store();
  std::uint64_t total_bytes = 0;
  for (const auto& f : files) total_bytes += f.st.size;
  Progress progress(label, files.size());
  std::mutex mu;
  std::optional<Error> first_error;
  std::atomic<bool> stop{false};
  auto fail = [&](Error e) {
    std::lock_guard lock(mu);
    if (!first_error) first_error = std::move(e);
    stop = true;
  };
  const object::HashName hname = mode == HashMode::md5 ? object::HashName::md5 : object::HashName::md5_dos2unix;
  parallel_for(files.size(), jobs, [&](std::size_t i) {
    if (stop.load(std::memory_order_relaxed)) return;
    WorkspaceFile& f = files[i];
    auto key = cache::stat_key(f.st, mode);
    if (auto hit = sc.lookup(key)) {
      f.md5 = *hit;
      counters().stat_cache_hits++;
      if (insert == Insert::yes) {
        object::ObjectId id{f.md5, hname};
        auto ex = store.exists(id);
        if (!ex) return fail(ex.error());
        if (!*ex) {
          if (auto s = store.put_file(id, f.abspath); !s) return fail(s.error().with_context("adding " + f.abspath));
          counters().objects_added++;
        }
      }
      progress.advance(1, f.st.size);
      return;
    }
    if (insert == Insert::yes && f.st.size <= k_in_memory_limit) {
      auto data = env->read_file(f.abspath);
      if (!data) return fail(data.error());
      f.md5 = hash_bytes(*data, mode);
      counters().files_hashed++;
      counters().bytes_hashed += data->size();
      object::ObjectId id{f.md5, hname};
      auto added = store.put_bytes(id, *data);
      if (!added) return fail(added.error().with_context("adding " + f.abspath));
      if (*added) counters().objects_added++;
    } else if (insert == Insert::yes) {
      // Large file: one pass that hashes while it writes the object.
      auto st = store.put_file_hashing(f.abspath, hname);
      if (!st) return fail(st.error().with_context("adding " + f.abspath));
      f.md5 = st->md5;
      counters().files_hashed++;
      counters().bytes_hashed += st->size;
      counters().objects_added++;
    } else {
      auto h = object::hash_file(env, f.abspath, mode);
      if (!h) return fail(h.error());
      f.md5 = h->md5;
      counters().files_hashed++;
      counters().bytes_hashed += h->size;
    }
    // Remember only if the file did not change while we read it.
    auto after = env->stat(f.abspath, env::Follow::yes);
    if (after && *after && cache::stat_key(**after, mode) == key) sc.insert(key, f.md5);
    progress.advance(1, f.st.size);
  });
  progress.finish();
  if (first_error) return std::unexpected(*first_error);
  return ok();
}

object::Tree tree_of(const std::vector<WorkspaceFile>& files) {
  std::vector<object::TreeEntry> entries;
  entries.reserve(files.size());
  for (const auto& f : files) entries.push_back({f.relpath, f.md5, f.st.size, f.st.is_exec()});
  return object::Tree(std::move(entries));
}

}  // namespace cairn::repo
