#include "cairn/repo/workspace_hasher.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include "cairn/object/file_hash.h"
#include "cairn/util/counters.h"
#include "cairn/util/path.h"
#include "cairn/util/py_json.h"
#include "cairn/util/progress.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {
namespace {

constexpr std::uint64_t k_in_memory_limit = 4u << 20;


struct PendingDir {
  std::string rel;  // relative to the walked dir ("" for the top)
};

}  // namespace

std::string abspath_of(const std::string& dir_abs, const WorkspaceFile& f) {
  return f.relpath.empty() ? dir_abs : dir_abs + "/" + f.relpath;
}

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
      // Listing and stat in one pass, relative to the open directory (symlinks followed).
      auto entries = env->list_dir_stat(abs);
      if (!entries) {
        std::lock_guard lock(mu);
        if (!first_error) first_error = entries.error();
        return;
      }
      // A nested DVC repository (a directory with its own .dvc/) is skipped whole.
      if (!rel.empty()) {
        for (const auto& e : *entries)
          if (e.name == ".dvc" && e.st && e.st->type == env::FileType::directory) return;
      }
      std::vector<std::string> my_dirs;
      std::vector<WorkspaceFile> my_files;
      my_files.reserve(entries->size());
      const std::string prefix_from_root = root_rel == "." ? rel : (rel.empty() ? root_rel : root_rel + "/" + rel);
      std::string from_root;
      const auto file_rules = repo.ignore().file_matcher(prefix_from_root);
      for (auto& e : *entries) {
        if (!e.st) continue;  // dangling link or vanished entry
        const env::FileType type = e.st->type;
        const bool is_dir = type == env::FileType::directory;
        if (!is_dir && type != env::FileType::regular) continue;
        from_root.assign(prefix_from_root);
        if (!from_root.empty()) from_root += '/';
        from_root += e.name;
        if (is_dir ? repo.ignore().is_ignored(from_root, true) : file_rules.ignores(from_root)) continue;
        std::string child_rel = rel.empty() ? std::move(e.name) : rel + "/" + e.name;
        if (is_dir) my_dirs.push_back(std::move(child_rel));
        else my_files.push_back(WorkspaceFile{std::move(child_rel), *e.st, {}});
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

Status hash_files(Repository& repo, const std::string& dir_abs, std::vector<WorkspaceFile>& files,
                  HashMode mode, Insert insert, std::size_t jobs, const std::string& label) {
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
    const std::string abspath = abspath_of(dir_abs, f);
    auto key = cache::stat_key(f.st, mode);
    if (auto hit = sc.lookup(key)) {
      f.md5 = *hit;
      counters().stat_cache_hits++;
      if (insert == Insert::yes) {
        object::ObjectId id{f.md5.hex(), hname};
        auto ex = store.exists(id);
        if (!ex) return fail(ex.error());
        if (!*ex) {
          if (auto s = store.put_file(id, abspath); !s) return fail(s.error().with_context("adding " + abspath));
          counters().objects_added++;
        }
      }
      progress.advance(1, f.st.size);
      return;
    }
    if (insert == Insert::yes && f.st.size <= k_in_memory_limit) {
      // One open, one read, one fstat: the stat after reading comes from the open file.
      auto contents = env->read_file_with_stat(abspath, f.st.size);
      if (!contents) return fail(contents.error());
      const std::string hex = hash_bytes(contents->data, mode);
      f.md5 = *Md5Digest::from_hex(hex);
      counters().files_hashed++;
      counters().bytes_hashed += contents->data.size();
      object::ObjectId id{hex, hname};
      auto added = store.put_bytes(id, contents->data);
      if (!added) return fail(added.error().with_context("adding " + abspath));
      if (*added) counters().objects_added++;
      if (cache::stat_key(contents->after, mode) == key) sc.insert(key, f.md5);
      progress.advance(1, f.st.size);
      return;
    } else if (insert == Insert::yes) {
      // Large file: one pass that hashes while it writes the object.
      auto st = store.put_file_hashing(abspath, hname);
      if (!st) return fail(st.error().with_context("adding " + abspath));
      f.md5 = *Md5Digest::from_hex(st->md5);
      counters().files_hashed++;
      counters().bytes_hashed += st->size;
      counters().objects_added++;
    } else {
      auto h = object::hash_file(env, abspath, mode);
      if (!h) return fail(h.error());
      f.md5 = *Md5Digest::from_hex(h->md5);
      counters().files_hashed++;
      counters().bytes_hashed += h->size;
    }
    // Remember only if the file did not change while we read it.
    auto after = env->stat(abspath, env::Follow::yes);
    if (after && *after && cache::stat_key(**after, mode) == key) sc.insert(key, f.md5);
    progress.advance(1, f.st.size);
  });
  progress.finish();
  if (first_error) return std::unexpected(*first_error);
  return ok();
}

Md5Digest walk_fingerprint(const std::vector<WorkspaceFile>& files, HashMode mode, std::int64_t& newest_mtime_ns) {
  Md5 h;
  std::string buf;
  buf.reserve((256 << 10) + 4096);
  buf += mode == HashMode::md5 ? "md5\n" : "dos2unix\n";
  newest_mtime_ns = 0;
  for (const auto& f : files) {
    newest_mtime_ns = std::max(newest_mtime_ns, f.st.mtime_ns);
    buf += f.relpath;
    buf += '\0';
    const std::uint64_t rec[5] = {f.st.dev, f.st.ino, f.st.size, static_cast<std::uint64_t>(f.st.mtime_ns),
                                  f.st.is_exec() ? 1u : 0u};
    buf.append(reinterpret_cast<const char*>(rec), sizeof rec);
    if (buf.size() >= (256u << 10)) {
      h.update(buf);
      buf.clear();
    }
  }
  h.update(buf);
  return h.digest();
}

object::Tree tree_of(const std::vector<WorkspaceFile>& files) {
  std::vector<object::TreeEntry> entries;
  entries.reserve(files.size());
  for (const auto& f : files) entries.push_back({f.relpath, f.md5.hex(), f.st.size, f.st.is_exec()});
  return object::Tree(std::move(entries));
}

namespace {
// Appends one manifest entry exactly as Tree::serialize() writes it.
void append_entry(std::string& out, const WorkspaceFile& f, bool first) {
  if (!first) out += ", ";
  out += "{\"md5\": \"";
  f.md5.append_hex(out);
  out += "\", \"relpath\": ";
  out += pyjson::quote_string(f.relpath);
  out += '}';
}
}  // namespace

std::string manifest_bytes(const std::vector<WorkspaceFile>& files) {
  std::string out = "[";
  out.reserve(files.size() * 80 + 2);
  for (std::size_t i = 0; i < files.size(); ++i) append_entry(out, files[i], i == 0);
  out += ']';
  return out;
}

std::string manifest_md5(const std::vector<WorkspaceFile>& files) {
  // Streamed through the hasher in 256 KiB pieces: no whole manifest in memory.
  Md5 h;
  std::string buf = "[";
  buf.reserve((256 << 10) + 4096);
  for (std::size_t i = 0; i < files.size(); ++i) {
    append_entry(buf, files[i], i == 0);
    if (buf.size() >= (256u << 10)) {
      h.update(buf);
      buf.clear();
    }
  }
  buf += ']';
  h.update(buf);
  return h.hex_digest();
}

}  // namespace cairn::repo
