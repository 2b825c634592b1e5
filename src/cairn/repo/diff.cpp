#include "cairn/repo/diff.h"

#include <algorithm>
#include <map>

#include "cairn/repo/dvc_file.h"
#include "cairn/repo/git_repo.h"
#include "cairn/repo/output_state.h"
#include "cairn/util/path.h"

namespace cairn::repo {
namespace {

struct IndexEntry {
  std::string hash;
  bool is_dir = false;
  object::HashName name = object::HashName::md5;
};
using Index = std::map<std::string, IndexEntry>;

void add_output(Repository& repo, Index& index, const std::string& out_rel, const object::ObjectId& id) {
  if (!id.is_dir()) {
    index[out_rel] = {id.value, false, id.name};
    return;
  }
  index[out_rel + "/"] = {id.value, true, id.name};
  auto tree = repo.store().read_tree(id);
  if (!tree) return;  // unknown contents: the directory alone is compared
  for (const auto& e : tree->entries()) index[out_rel + "/" + e.relpath] = {e.md5, false, id.name};
}

Expected<Index> index_at_rev(Repository& repo, GitRepo& git, const std::string& commit) {
  Index index;
  ASSIGN_OR_RETURN(auto files, git.list_files(commit, ".dvc"));
  // Paths in git are relative to the git workdir; the DVC root may be a subdirectory.
  std::string root_in_git = path::relative(repo.root(), git.workdir());
  for (const auto& gpath : files) {
    std::string rel_to_root = root_in_git == "." ? gpath : path::relative("/" + gpath, "/" + root_in_git);
    if (rel_to_root.starts_with("..")) continue;
    if (rel_to_root.starts_with(".dvc/")) continue;
    ASSIGN_OR_RETURN(auto content, git.read_file(commit, gpath));
    if (!content) continue;
    ASSIGN_OR_RETURN(auto doc, yaml::parse(*content, gpath + "@" + commit.substr(0, 7)));
    if (!doc.is_map()) continue;
    const yaml::Node* outs = doc.find("outs");
    if (!outs || !outs->is_seq()) continue;
    std::string dir = path::parent(rel_to_root);
    for (const auto& item : outs->items()) {
      ASSIGN_OR_RETURN(auto o, parse_output_entry(item, gpath));
      if (!o.cache) continue;
      std::string out_rel = path::normalize(path::join(dir, o.path));
      if (!o.has_hash()) continue;
      add_output(repo, index, out_rel, o.id);
    }
  }
  return index;
}

Expected<Index> index_of_workspace(Repository& repo) {
  Index index;
  ASSIGN_OR_RETURN(auto files, repo.collect_dvc_files());
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    for (const auto& o : file.outs) {
      if (!o.cache) continue;
      std::string abs = path::normalize(path::join(file.base_dir(), o.path));
      std::string out_rel = repo.rel_to_root(abs);
      HashMode mode = o.has_hash() && o.id.name == object::HashName::md5_dos2unix ? HashMode::dos2unix : HashMode::md5;
      ASSIGN_OR_RETURN(auto st, compute_output_state(repo, abs, mode, Insert::no, 0));
      if (!st.exists) continue;
      if (!st.is_dir) {
        index[out_rel] = {st.id.value, false, st.id.name};
        continue;
      }
      index[out_rel + "/"] = {st.id.value, true, st.id.name};
      for (const auto& wf : st.files) index[out_rel + "/" + wf.relpath] = {wf.md5_hex(), false, st.id.name};
    }
  }
  return index;
}

}  // namespace

Expected<DiffResult> diff(Repository& repo, const std::string& a_rev, const std::string& b_rev) {
  ASSIGN_OR_RETURN(auto git, GitRepo::open(repo.root()));
  auto a_commit = git->resolve(a_rev.empty() ? "HEAD" : a_rev);
  DiffResult result;
  if (!a_commit) {
    // A repository without commits has nothing to compare (as DVC).
    if ((a_rev.empty() || a_rev == "HEAD") && b_rev.empty()) return result;
    return std::unexpected(a_commit.error());
  }
  ASSIGN_OR_RETURN(Index old_index, index_at_rev(repo, *git, *a_commit));
  Index new_index;
  bool workspace = b_rev.empty();
  if (workspace) {
    ASSIGN_OR_RETURN(new_index, index_of_workspace(repo));
  } else {
    ASSIGN_OR_RETURN(auto b_commit, git->resolve(b_rev));
    if (b_commit == *a_commit) return result;
    ASSIGN_OR_RETURN(new_index, index_at_rev(repo, *git, b_commit));
  }
  std::vector<DiffEntry> added, deleted;
  for (const auto& [p, e] : new_index) {
    auto it = old_index.find(p);
    if (it == old_index.end()) added.push_back({p, "", "", e.hash});
    else if (it->second.hash != e.hash) result.modified.push_back({p, "", it->second.hash, e.hash});
  }
  for (const auto& [p, e] : old_index)
    if (!new_index.count(p)) deleted.push_back({p, "", e.hash, ""});
  // Exact renames: a deleted and an added file with the same content.
  std::vector<bool> used(added.size(), false);
  for (auto& d : deleted) {
    bool renamed = false;
    if (!d.path.ends_with('/')) {
      for (std::size_t i = 0; i < added.size(); ++i) {
        if (used[i] || added[i].path.ends_with('/') || added[i].new_hash != d.old_hash) continue;
        used[i] = true;
        result.renamed.push_back({d.path, added[i].path, d.old_hash, d.old_hash});
        renamed = true;
        break;
      }
    }
    if (!renamed) result.deleted.push_back(d);
  }
  for (std::size_t i = 0; i < added.size(); ++i)
    if (!used[i]) result.added.push_back(added[i]);
  if (workspace) {
    for (const auto& [p, e] : old_index) {
      object::ObjectId id{e.hash, e.name};
      auto ex = repo.store().exists(id);
      if (ex && !*ex) result.not_in_cache.push_back({p, "", e.hash, ""});
    }
  }
  return result;
}

}  // namespace cairn::repo
