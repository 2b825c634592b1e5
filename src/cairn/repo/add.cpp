#include "cairn/repo/add.h"

#include <algorithm>
#include <set>

#include "cairn/repo/dvc_file.h"
#include "cairn/repo/git_repo.h"
#include "cairn/repo/gitignore.h"
#include "cairn/repo/output_state.h"
#include "cairn/util/counters.h"
#include "cairn/util/path.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {
namespace {

std::string strip_trailing_slash(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// Replaces workspace files by links to their cache objects when cache.type asks for links.
Status relink_workspace(Repository& repo, const OutputState& state, const std::string& out_abs,
                        object::HashName hname, std::size_t jobs) {
  ASSIGN_OR_RETURN(auto types, repo.link_types());
  cache::Linker linker(repo.env(), types);
  cache::LinkType pref = linker.preferred();
  auto& store = repo.store();
  // A single file is always re-materialized from the cache, as DVC does (a fresh copy with
  // mode 0666 & ~umask, u+x for executables); directory files only for link types.
  if (!state.is_dir) {
    object::ObjectId id{state.id.value, hname};
    if (pref == cache::LinkType::hardlink || pref == cache::LinkType::symlink) {
      ASSIGN_OR_RETURN(bool linked, linker.is_linked(store.path_of(id), out_abs));
      if (linked) return ok();
    }
    counters().files_linked++;
    return linker.link(store.path_of(id), out_abs, state.size,
                       state.isexec ? cache::Executable::yes : cache::Executable::no);
  }
  if (pref != cache::LinkType::hardlink && pref != cache::LinkType::symlink) return ok();
  std::mutex mu;
  std::optional<Error> err;
  parallel_for(state.files.size(), resolve_jobs(jobs), [&](std::size_t i) {
    const auto& f = state.files[i];
    object::ObjectId id{f.md5.hex(), hname};
    std::string cp = store.path_of(id);
    const std::string abspath = abspath_of(out_abs, f);
    auto linked = linker.is_linked(cp, abspath);
    Status s = ok();
    if (!linked) s = std::unexpected(linked.error());
    else if (!*linked) {
      s = linker.link(cp, abspath, f.st.size, f.st.is_exec() ? cache::Executable::yes : cache::Executable::no);
      counters().files_linked++;
    }
    if (!s) {
      std::lock_guard lock(mu);
      if (!err) err = s.error();
    }
  });
  if (err) return std::unexpected(*err);
  return ok();
}

// Materializes a stored output at `out_abs` (used by add -o).
Status place_copy(Repository& repo, const OutputState& state, const std::string& out_abs) {
  ASSIGN_OR_RETURN(auto types, repo.link_types());
  cache::Linker linker(repo.env(), types);
  auto& store = repo.store();
  if (!state.is_dir)
    return linker.link(store.path_of(state.id), out_abs, state.size,
                       state.isexec ? cache::Executable::yes : cache::Executable::no);
  for (const auto& f : state.files) {
    TRY_STATUS(linker.link(store.path_of(object::ObjectId{f.md5.hex(), object::HashName::md5}), out_abs + "/" + f.relpath,
                           f.st.size, f.st.is_exec() ? cache::Executable::yes : cache::Executable::no));
  }
  return ok();
}

struct TrackRequest {
  std::string source_abs;  // where the bytes are read
  std::string out_abs;     // the tracked output path
  Commit commit = Commit::yes;
  Force force = Force::yes;  // false: refuse changed outputs (commit without -f)
  bool must_exist_in_file = false;
};

// Tracks one output inside its .dvc file. Returns whether the .dvc file or .gitignore changed
// (their paths appended to `changed`).
Status track_output(Repository& repo, const TrackRequest& req, std::size_t jobs,
                    std::vector<object::ObjectId>& stored_dirs,
                    std::vector<std::string>& changed, std::vector<std::string>& dvc_files) {
  env::Env* env = repo.env();
  const std::string dvc_path = req.out_abs + ".dvc";
  DvcFile file;
  file.path = dvc_path;
  file.relpath = repo.rel_to_cwd(dvc_path);
  ASSIGN_OR_RETURN(bool dvc_exists, env->exists(dvc_path));
  if (dvc_exists) {
    ASSIGN_OR_RETURN(file, load_dvc_file(env, dvc_path, repo.rel_to_cwd(dvc_path)));
    if (file.is_import())
      return make_error(ErrorCode::conflict, file.relpath + " is an import; use `cairn update` instead of add");
  }
  OutputEntry* entry = nullptr;
  for (auto& o : file.outs)
    if (path::normalize(path::join(file.base_dir(), o.path)) == req.out_abs) entry = &o;
  if (!entry) {
    if (req.must_exist_in_file) return make_error(ErrorCode::not_found, "no output " + req.out_abs + " in " + file.relpath);
    file.outs.push_back(OutputEntry{});
    entry = &file.outs.back();
    entry->path = path::relative(req.out_abs, file.base_dir());
  }

  // A legacy entry stays legacy while its content is unchanged (DVC's dos2unix rule).
  if (entry->has_hash() && entry->id.name == object::HashName::md5_dos2unix && req.source_abs == req.out_abs) {
    ASSIGN_OR_RETURN(auto legacy, compute_output_state(repo, req.source_abs, HashMode::dos2unix, Insert::no, jobs));
    if (!legacy.exists) return make_error(ErrorCode::not_found, "output '" + repo.rel_to_cwd(req.source_abs) + "' does not exist");
    if (legacy.is_dir && req.commit == Commit::yes) {
      // DVC saves the legacy tree it builds for the comparison into the legacy cache.
      ASSIGN_OR_RETURN(bool present, repo.store().exists(legacy.id));
      if (!present) TRY_STATUS(repo.store().put_bytes(legacy.id, manifest_bytes(legacy.files)));
    }
    if (legacy.id.value == entry->id.value) {
      if (req.commit == Commit::yes) {
        ASSIGN_OR_RETURN(bool cached, output_in_cache(repo, entry->id));
        if (!cached) TRY_STATUS(compute_output_state(repo, req.source_abs, HashMode::dos2unix, Insert::yes, jobs));
      }
      dvc_files.push_back(file.relpath);
      ASSIGN_OR_RETURN(bool gi_changed, add_gitignore_entry(env, repo.root(), repo.rel_to_root(req.out_abs)));
      if (gi_changed) changed.push_back(repo.rel_to_cwd(path::join(path::parent(req.out_abs), ".gitignore")));
      return ok();
    }
  }

  Insert insert = req.commit == Commit::yes ? Insert::yes : Insert::no;
  if (req.force == Force::no && entry->has_hash()) {
    // commit without -f: refuse changed outputs before storing anything.
    ASSIGN_OR_RETURN(auto probe, compute_output_state(repo, req.source_abs, HashMode::md5, Insert::no, jobs));
    if (probe.exists && probe.id.value != entry->id.value)
      return make_error(ErrorCode::conflict, "unable to commit changed stage: '" + file.relpath +
                                                 "'. Use `-f|--force` to force.");
  }
  ASSIGN_OR_RETURN(auto state, compute_output_state(repo, req.source_abs, HashMode::md5, insert, jobs));
  if (!state.exists) return make_error(ErrorCode::not_found, "output '" + repo.rel_to_cwd(req.source_abs) + "' does not exist");
  env->crash_point("add.objects_stored");

  if (req.source_abs != req.out_abs) TRY_STATUS(place_copy(repo, state, req.out_abs));
  if (insert == Insert::yes && state.is_dir) stored_dirs.push_back(state.id);

  entry->id = state.id;
  entry->legacy_no_hash_key = false;
  entry->size = state.size;
  entry->nfiles = state.nfiles;
  entry->isexec = !state.is_dir && state.isexec;
  if (req.commit == Commit::yes && req.source_abs == req.out_abs)
    TRY_STATUS(relink_workspace(repo, state, req.out_abs, object::HashName::md5, jobs));

  ASSIGN_OR_RETURN(Written w, save_dvc_file(env, file));
  if (w == Written::yes) changed.push_back(file.relpath);
  dvc_files.push_back(file.relpath);
  ASSIGN_OR_RETURN(bool gi_changed, add_gitignore_entry(env, repo.root(), repo.rel_to_root(req.out_abs)));
  if (gi_changed) changed.push_back(repo.rel_to_cwd(path::join(path::parent(req.out_abs), ".gitignore")));
  return ok();
}

Status check_target_path(Repository& repo, const std::string& abs, const std::string& shown, GitRepo* git) {
  if (!path::is_within(abs, repo.root()) || abs == repo.root())
    return make_error(ErrorCode::invalid_input, "Cannot add '" + shown + "': it is outside of the repository root or is the root itself");
  std::string rel = repo.rel_to_root(abs);
  std::string first = rel.substr(0, rel.find('/'));
  if (first == ".dvc" || first == ".git")
    return make_error(ErrorCode::invalid_input, "Cannot add '" + shown + "': it is inside " + first + "/");
  if (abs.ends_with(".dvc"))
    return make_error(ErrorCode::invalid_input, "Cannot add '" + shown + "': it is a .dvc file");
  if (repo.ignore().is_ignored(rel, false))
    return make_error(ErrorCode::invalid_input, "Path '" + shown + "' is ignored by .dvcignore");
  if (git) {
    ASSIGN_OR_RETURN(bool tracked, git->is_tracked(path::relative(abs, git->workdir())));
    if (tracked) {
      std::string r = repo.rel_to_cwd(abs);
      return make_error(ErrorCode::conflict,
                        " output '" + r + "' is already tracked by SCM (e.g. Git).\n"
                        "    You can remove it from Git, then add to DVC.\n"
                        "        To stop tracking from Git:\n"
                        "            git rm -r --cached '" + r + "'\n"
                        "            git commit -m \"stop tracking " + r + "\" ");
    }
  }
  return ok();
}

}  // namespace

Expected<AddResult> add(Repository& repo, const AddOptions& options) {
  if (options.targets.empty()) return make_error(ErrorCode::invalid_input, "add: no targets given");
  if (options.out && options.targets.size() != 1)
    return make_error(ErrorCode::invalid_input, "multiple targets can't be used with --out");
  AddResult result;
  std::vector<std::string> changed;
  std::vector<object::ObjectId> stored_dirs;
  std::unique_ptr<GitRepo> git;
  if (repo.scm() == Scm::git) {
    auto g = GitRepo::open(repo.root());
    if (g) git = std::move(*g);
  }
  for (const auto& t : options.targets) {
    std::string abs = strip_trailing_slash(repo.abs(t));
    TrackRequest req;
    req.source_abs = abs;
    req.out_abs = abs;
    req.commit = options.commit;
    if (options.out) {
      req.out_abs = strip_trailing_slash(repo.abs(*options.out));
      TRY_STATUS(check_target_path(repo, req.out_abs, *options.out, git.get()));
      ASSIGN_OR_RETURN(auto wdir, repo.env()->stat(path::parent(req.out_abs), env::Follow::yes));
      if (!wdir || wdir->type != env::FileType::directory)
        return make_error(ErrorCode::not_found, "stage working dir '" + path::parent(req.out_abs) + "' does not exist");
    } else {
      TRY_STATUS(check_target_path(repo, abs, t, git.get()));
    }
    auto s = track_output(repo, req, options.jobs, stored_dirs, changed, result.dvc_files);
    if (!s) return std::unexpected(s.error());
  }
  remember_in_cache(repo, stored_dirs);
  // As DVC: every .dvc file of the command (written or not) and each changed .gitignore.
  std::set<std::string> uniq(changed.begin(), changed.end());
  uniq.insert(result.dvc_files.begin(), result.dvc_files.end());
  result.files_to_track.assign(uniq.begin(), uniq.end());
  // core.autostage: stage them in git instead of printing the hint.
  auto autostage = repo.config().get_bool("core", "autostage");
  if (git && autostage && autostage->value_or(false) && !result.files_to_track.empty()) {
    std::vector<std::string> abs_paths;
    for (const auto& f : result.files_to_track) abs_paths.push_back(repo.abs(f));
    TRY_STATUS(git->add(abs_paths));
    result.files_to_track.clear();
  }
  return result;
}

Expected<std::string> dvc_file_for_target(Repository& repo, const std::string& target) {
  std::string abs = strip_trailing_slash(repo.abs(target));
  if (abs.ends_with(".dvc")) {
    ASSIGN_OR_RETURN(bool ex, repo.env()->exists(abs));
    if (!ex) return make_error(ErrorCode::not_found, "'" + target + "' does not exist");
    return abs;
  }
  ASSIGN_OR_RETURN(bool ex, repo.env()->exists(abs + ".dvc"));
  if (ex) return abs + ".dvc";
  return make_error(ErrorCode::not_found, "'" + target + "' does not exist as an output or a .dvc file");
}

Expected<AddResult> commit(Repository& repo, const CommitOptions& options) {
  std::vector<std::string> files;
  if (options.targets.empty()) {
    ASSIGN_OR_RETURN(files, repo.collect_dvc_files());
  } else {
    for (const auto& t : options.targets) {
      ASSIGN_OR_RETURN(auto f, dvc_file_for_target(repo, t));
      files.push_back(f);
    }
  }
  AddResult result;
  std::vector<std::string> changed;
  std::vector<object::ObjectId> stored_dirs;
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    if (file.is_import()) continue;
    for (const auto& o : file.outs) {
      if (!o.cache) continue;
      TrackRequest req;
      req.out_abs = req.source_abs = path::normalize(path::join(file.base_dir(), o.path));
      req.force = options.force;
      req.must_exist_in_file = true;
      TRY_STATUS(track_output(repo, req, options.jobs, stored_dirs, changed, result.dvc_files));
    }
  }
  remember_in_cache(repo, stored_dirs);
  std::set<std::string> uniq(changed.begin(), changed.end());
  result.files_to_track.assign(uniq.begin(), uniq.end());
  return result;
}

}  // namespace cairn::repo
