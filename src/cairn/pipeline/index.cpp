#include "cairn/pipeline/index.h"

#include <algorithm>
#include <unordered_set>

#include "cairn/util/path.h"

namespace cairn::pipeline {

const LockFile* Index::lock_for(const std::string& dvc_yaml_relpath) const {
  for (std::size_t i = 0; i < files.size(); ++i)
    if (files[i]->relpath == dvc_yaml_relpath) return locks[i].get();
  return nullptr;
}

const LockEntry* Index::lock_entry(const Stage& stage) const {
  if (stage.kind != StageKind::pipeline) return nullptr;
  const LockFile* lf = lock_for(stage.file);
  return lf ? lf->find(stage.name) : nullptr;
}

LoadOptions load_options(repo::Repository& repo) {
  LoadOptions o;
  o.env = repo.env();
  o.root = repo.root();
  o.cwd = repo.cwd();
  if (auto b = repo.config().get("parsing", "bool"); b && *b == "boolean_optional") o.parsing.bools = BoolStyle::boolean_optional;
  if (auto l = repo.config().get("parsing", "list"); l && *l == "append") o.parsing.lists = ListStyle::append;
  return o;
}

Stage stage_from_dvc_file(const std::string& root, std::shared_ptr<const repo::DvcFile> file) {
  Stage s;
  s.kind = StageKind::dvc_file;
  s.file = path::relative(file->path, root);
  std::string base = path::relative(file->base_dir(), root);
  s.wdir = base == "." ? "" : base;
  auto repo_path = [&](const std::string& def) {
    std::string rel = path::relative(path::normalize(path::join(file->base_dir(), def)), root);
    return rel == "." ? std::string() : rel;
  };
  for (const auto& d : file->deps) s.deps.push_back({d.path, repo_path(d.path)});
  for (const auto& o : file->outs) {
    StageOut out;
    out.def_path = o.path;
    out.path = repo_path(o.path);
    out.cache = o.cache;
    s.outs.push_back(std::move(out));
  }
  s.frozen = file->frozen;
  s.dvc_file = std::move(file);
  return s;
}

Status add_pipeline_file(repo::Repository& repo, Index& index, const std::string& abs_path) {
  LoadOptions opts = load_options(repo);
  ASSIGN_OR_RETURN(PipelineFile pf, load_pipeline_file(opts, abs_path));
  std::string lock_abs = lock_path_for(abs_path);
  ASSIGN_OR_RETURN(LockFile lf, load_lock_file(repo.env(), lock_abs, repo.rel_to_cwd(lock_abs)));
  auto shared = std::make_shared<PipelineFile>(std::move(pf));
  for (const auto& w : shared->warnings) index.warnings.push_back(w);
  for (const auto& s : shared->stages) index.stages.push_back(s);
  index.files.push_back(std::move(shared));
  index.locks.push_back(std::make_shared<LockFile>(std::move(lf)));
  return ok();
}

Expected<Index> collect_index(repo::Repository& repo) {
  Index index;
  std::unordered_set<std::string> outs;  // repository-relative paths of outputs seen so far
  env::Env* env = repo.env();
  // Depth-first, pre-order, like os.walk(topdown=True).
  std::vector<std::string> stack{""};
  while (!stack.empty()) {
    std::string rel = std::move(stack.back());
    stack.pop_back();
    std::string abs_dir = rel.empty() ? repo.root() : repo.root() + "/" + rel;
    ASSIGN_OR_RETURN(auto entries, env->list_dir(abs_dir));
    if (!rel.empty()) {
      bool nested = std::any_of(entries.begin(), entries.end(), [](const env::DirEntry& e) {
        return e.name == ".dvc" && e.type == env::FileType::directory;
      });
      if (nested) continue;
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::vector<std::string> dirs;
    for (const auto& e : entries) {
      std::string child = rel.empty() ? e.name : rel + "/" + e.name;
      env::FileType type = e.type;
      if (type == env::FileType::symlink || type == env::FileType::other) {
        ASSIGN_OR_RETURN(auto st, env->stat(abs_dir + "/" + e.name, env::Follow::yes));
        if (!st) continue;
        // Symlinked directories are not followed (os.walk(followlinks=False)).
        if (st->type == env::FileType::directory) continue;
        type = st->type;
      }
      if (type == env::FileType::directory) {
        if (rel.empty() && (e.name == ".git" || e.name == ".dvc")) continue;
        dirs.push_back(child);
        continue;
      }
      if (type != env::FileType::regular) continue;
      bool is_yaml = e.name == "dvc.yaml";
      bool is_dvc = e.name.size() >= 4 && e.name.ends_with(".dvc");
      if (!is_yaml && !is_dvc) continue;
      if (repo.ignore().is_ignored(child, false)) continue;
      std::string abs = abs_dir + "/" + e.name;
      std::size_t first_new = index.stages.size();
      if (is_yaml) {
        TRY_STATUS(add_pipeline_file(repo, index, abs));
      } else {
        ASSIGN_OR_RETURN(auto file, repo::load_dvc_file(env, abs, repo.rel_to_cwd(abs)));
        index.stages.push_back(stage_from_dvc_file(repo.root(), std::make_shared<repo::DvcFile>(std::move(file))));
      }
      for (std::size_t i = first_new; i < index.stages.size(); ++i)
        for (const auto& o : index.stages[i].outs) outs.insert(o.path);
    }
    // Push in reverse so that the first directory is visited first.
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      if (outs.count(*it)) continue;
      if (repo.ignore().is_ignored(*it, true)) continue;
      stack.push_back(*it);
    }
  }
  return index;
}

}  // namespace cairn::pipeline
