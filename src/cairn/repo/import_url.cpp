// import-url / update and the fetch of partial imports; see import_url.h.
#include "cairn/repo/import_url.h"

#include <algorithm>
#include <set>

#include "cairn/cache/link.h"
#include "cairn/remote/registry.h"
#include "cairn/repo/git_repo.h"
#include "cairn/repo/gitignore.h"
#include "cairn/repo/output_state.h"
#include "cairn/repo/stage_md5.h"
#include "cairn/util/path.h"

namespace cairn::repo {

namespace {

using yaml::Node;

std::string strip_trailing_slashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// DVC's name for an import's output: os.path.basename(os.path.normpath(urlparse(url).path)).
std::string url_file_name(const std::string& url) {
  std::string_view p = url;
  if (remote::url_scheme(url) != "file" || p.starts_with("file://")) {
    auto sep = p.find("://");
    p = p.substr(sep + 3);
    auto slash = p.find('/');
    p = slash == std::string_view::npos ? std::string_view() : p.substr(slash);
    if (auto q = p.find_first_of("?#"); q != std::string_view::npos) p = p.substr(0, q);
  }
  std::string norm = path::normalize(p.empty() ? "." : p);
  if (norm == "/") return "";
  return path::basename(norm);
}

// The dependency's recorded hash: {key, value}, or {"", ""} when none.
std::pair<std::string, std::string> recorded_hash(const OutputEntry& dep) {
  if (dep.has_hash()) return {"md5", dep.id.value};
  for (const char* key : {"etag", "checksum"})
    if (const Node* v = dep.extra.find(key); v && v->is_scalar() && !v->is_null())
      return {key, v->scalar_text()};
  return {"", ""};
}

// A dependency entry as DVC dumps it: the hash first, then size/nfiles, hash: md5, path,
// fs_config.
Node dep_node(const std::string& def_path, const SourceState* state, const Node* fs_config) {
  Node n = Node::map();
  if (state && !state->hash_value.empty()) n.set(state->hash_key, Node::string(state->hash_value));
  if (state && state->size) n.set("size", Node::integer(static_cast<std::int64_t>(*state->size)));
  if (state && state->nfiles) n.set("nfiles", Node::integer(static_cast<std::int64_t>(*state->nfiles)));
  if (state && state->isexec) n.set("isexec", Node::boolean(true));
  n.set("hash", Node::string("md5"));
  n.set("path", Node::string(def_path));
  if (fs_config) n.set("fs_config", *fs_config);
  return n;
}

// The stage as DVC dumps it (get_dump order), keeping desc/wdir/meta of an existing file.
Node stage_node(const Node* original, const std::string& md5, const Node& dep, const Node& out) {
  Node n = Node::map();
  auto keep = [&](const char* key) {
    if (original)
      if (const Node* v = original->find(key)) n.set(key, *v);
  };
  keep("desc");
  if (!md5.empty()) n.set("md5", Node::string(md5));
  keep("wdir");
  n.set("frozen", Node::boolean(true));
  Node deps = Node::seq();
  deps.push_back(dep);
  n.set("deps", deps);
  Node outs = Node::seq();
  outs.push_back(out);
  n.set("outs", outs);
  keep("always_changed");
  keep("meta");
  return n;
}

// Writes the stage: fresh, or the existing document updated with DVC's apply_diff.
Expected<Written> write_stage(env::Env* env, const std::string& dvc_path, const Node* original,
                              const Node& fresh) {
  Node doc = fresh;
  if (original && original->is_map()) {
    doc = *original;
    apply_diff(fresh, doc);
  }
  std::string text = yaml::emit(doc);
  auto existing = env->read_file(dvc_path);
  if (existing && *existing == text) return Written::no;
  TRY_STATUS(env->write_file_atomic(dvc_path, text, 0666));
  return Written::yes;
}

// Links fetched data at out_abs per cache.type (out_abs must not exist).
Status place_output(Repository& repo, const Fetched& f, const std::string& out_abs) {
  ASSIGN_OR_RETURN(auto types, repo.link_types());
  cache::Linker linker(repo.env(), types);
  auto& store = repo.store();
  if (!f.is_dir) return linker.link(store.path_of(f.id), out_abs, f.size, cache::Executable::no);
  TRY_STATUS(repo.env()->make_dirs(out_abs));
  for (const auto& file : f.files) {
    object::ObjectId id{file.md5, object::HashName::md5};
    TRY_STATUS(
        linker.link(store.path_of(id), path::join(out_abs, file.relpath), file.size, cache::Executable::no));
  }
  return ok();
}

OutputEntry fetched_entry(OutputEntry entry, const Fetched& f) {
  entry.id = f.id;
  entry.legacy_no_hash_key = false;
  entry.size = f.size;
  entry.nfiles = f.nfiles;
  entry.isexec = false;
  return entry;
}

OutputEntry cleared_entry(OutputEntry entry) {
  entry.id = object::ObjectId{};
  entry.legacy_no_hash_key = false;
  entry.size.reset();
  entry.nfiles.reset();
  entry.isexec = false;
  return entry;
}

// DVC's out.status() is non-empty: not in cache, deleted, modified, or new.
Expected<bool> output_changed(Repository& repo, const OutputEntry& out, const std::string& out_abs) {
  if (out.has_hash()) {
    ASSIGN_OR_RETURN(bool cached, output_in_cache(repo, out.id));
    if (!cached) return true;
  }
  auto mode = out.id.name == object::HashName::md5_dos2unix ? HashMode::dos2unix : HashMode::md5;
  ASSIGN_OR_RETURN(auto state,
                   compute_output_state(repo, out_abs, mode, Insert::no, 0, FileHashes::not_needed));
  if (!state.exists) return true;
  return !out.has_hash() || state.id.value != out.id.value;
}

// An output path must be inside the repository, outside .dvc/.git, and not tracked by git.
Status check_output_path(Repository& repo, const std::string& out_abs, GitRepo* git) {
  std::string shown = repo.rel_to_cwd(out_abs);
  if (!path::is_within(out_abs, repo.root()) || out_abs == repo.root())
    return make_error(
        ErrorCode::invalid_input,
        "output '" + shown + "' is outside of the repository (or is its root); give an OUT inside it");
  std::string rel = repo.rel_to_root(out_abs);
  std::string first = rel.substr(0, rel.find('/'));
  if (first == ".dvc" || first == ".git")
    return make_error(ErrorCode::invalid_input, "output '" + shown + "' is inside " + first + "/");
  if (out_abs.ends_with(".dvc"))
    return make_error(ErrorCode::invalid_input, "output '" + shown + "' is a .dvc file");
  if (git) {
    ASSIGN_OR_RETURN(bool tracked, git->is_tracked(path::relative(out_abs, git->workdir())));
    if (tracked)
      return make_error(ErrorCode::conflict, "output '" + shown +
                                                 "' is already tracked by SCM (e.g. Git); remove it from Git "
                                                 "first: git rm -r --cached '" +
                                                 shown + "'");
  }
  return ok();
}

std::unique_ptr<GitRepo> open_git(Repository& repo) {
  if (repo.scm() != Scm::git) return nullptr;
  auto g = GitRepo::open(repo.root());
  return g ? std::move(*g) : nullptr;
}

// Adds the .gitignore entry of an output; records a changed .gitignore for `git add`.
Status ignore_output(Repository& repo, const std::string& out_abs, std::vector<std::string>& changed) {
  ASSIGN_OR_RETURN(bool gi_changed, add_gitignore_entry(repo.env(), repo.root(), repo.rel_to_root(out_abs)));
  if (gi_changed) changed.push_back(repo.rel_to_cwd(path::join(path::parent(out_abs), ".gitignore")));
  return ok();
}

// Stages `files` (relative to the cwd) when core.autostage is on; returns what is left to add.
Expected<std::vector<std::string>> autostage(Repository& repo, GitRepo* git, std::vector<std::string> files) {
  std::set<std::string> uniq(files.begin(), files.end());
  std::vector<std::string> out(uniq.begin(), uniq.end());
  auto autostage_on = repo.config().get_bool("core", "autostage");
  if (git && autostage_on && autostage_on->value_or(false) && !out.empty()) {
    std::vector<std::string> abs_paths;
    for (const auto& f : out) abs_paths.push_back(repo.abs(f));
    TRY_STATUS(git->add(abs_paths));
    out.clear();
  }
  return out;
}

Error import_failed(const std::string& url, const Error& e) {
  return Error(e.code(),
               "failed to import " + remote::redact_url(url) +
                   ". You could also try downloading it manually, and adding it with `cairn add`. - " +
                   e.message());
}

// The loaded import's one dependency and output, or invalid_input.
Status check_import_shape(const DvcFile& file) {
  if (file.deps.size() != 1 || file.outs.size() != 1)
    return make_error(
        ErrorCode::invalid_input,
        "'" + file.relpath + "' is not an import (it needs exactly one dependency and one output)");
  if (file.original.find("cmd"))
    return make_error(ErrorCode::invalid_input, "'" + file.relpath + "' is not an import (it has a command)");
  return ok();
}

// Re-imports one loaded import `.dvc` if anything changed; returns whether it did.
Expected<bool> update_one(Repository& repo, DvcFile& file, const UpdateOptions& options,
                          std::vector<std::string>& changed) {
  TRY_STATUS(check_import_shape(file));
  const OutputEntry& dep = file.deps[0];
  OutputEntry out = file.outs[0];
  const std::string wdir = file.base_dir();
  const std::string out_abs = path::normalize(path::join(wdir, out.path));
  ASSIGN_OR_RETURN(auto source, ImportSource::open(repo, dep.path, wdir));

  // DVC's stage.changed() with the stage unfrozen: stage md5, dependency, output.
  ASSIGN_OR_RETURN(SourceState state, source->state(options.jobs));
  const Node* recorded_md5 = file.original.find("md5");
  bool stage_changed = !recorded_md5 || recorded_md5->scalar_text() != stage_md5(file.original);
  auto [key, value] = recorded_hash(dep);
  bool dep_changed = !state.exists || key != state.hash_key || value != state.hash_value;
  bool is_changed = stage_changed || dep_changed;
  if (!is_changed) {
    ASSIGN_OR_RETURN(is_changed, output_changed(repo, out, out_abs));
  }
  if (!is_changed) return false;

  if (!state.exists)
    return make_error(ErrorCode::not_found, "dependency '" + source->display() + "' does not exist");
  if (options.on_start) options.on_start(source->display(), repo.rel_to_cwd(out_abs));
  std::optional<Fetched> fetched;
  if (options.mode == ImportMode::download) {
    ASSIGN_OR_RETURN(fetched, source->fetch(state, options.jobs));
  }
  // The data is safe in the cache: replace the workspace output.
  TRY_STATUS(repo.env()->remove_tree(out_abs));
  if (fetched) {
    TRY_STATUS(place_output(repo, *fetched, out_abs));
    out = fetched_entry(out, *fetched);
  }
  const Node* fs_config =
      file.original.find("deps") ? file.original.find("deps")->items()[0].find("fs_config") : nullptr;
  Node new_dep = dep_node(dep.path, &state, fs_config);
  // With --no-download DVC hashes the stage with the output it had, then clears the output.
  std::string md5 = stage_md5(stage_node(&file.original, "", new_dep, dump_output_entry(out)));
  if (!fetched) out = cleared_entry(out);
  Node fresh = stage_node(&file.original, md5, new_dep, dump_output_entry(out));
  ASSIGN_OR_RETURN(Written w, write_stage(repo.env(), file.path, &file.original, fresh));
  if (w == Written::yes) changed.push_back(file.relpath);
  TRY_STATUS(ignore_output(repo, out_abs, changed));
  return true;
}

// .dvc files named by update's targets (outputs resolve to their .dvc; with recursive, folders
// to every .dvc below them).
Expected<std::vector<std::string>> update_targets(Repository& repo, const UpdateOptions& options) {
  std::vector<std::string> files;
  std::vector<std::string> all;
  bool listed = false;
  for (const auto& t : options.targets) {
    std::string abs = strip_trailing_slashes(repo.abs(t));
    if (options.recursive) {
      ASSIGN_OR_RETURN(auto st, repo.env()->stat(abs, env::Follow::yes));
      if (st && st->type == env::FileType::directory) {
        if (!listed) {
          ASSIGN_OR_RETURN(all, repo.collect_dvc_files());
          listed = true;
        }
        for (const auto& f : all)
          if (path::is_within(f, abs)) files.push_back(f);
        continue;
      }
    }
    auto f = dvc_file_for_target(repo, t);
    if (!f)
      return make_error(ErrorCode::not_found,
                        "'" + abs + (abs.ends_with(".dvc") ? "" : ".dvc") + "' does not exist");
    files.push_back(*f);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace

Expected<ImportResult> import_url(Repository& repo, const ImportUrlOptions& options) {
  env::Env* env = repo.env();
  const std::string& url = options.url;
  if (url.empty()) return make_error(ErrorCode::invalid_input, "import-url: no URL given");
  auto fail = [&](const Error& e) -> Expected<ImportResult> {
    return std::unexpected(import_failed(url, e));
  };

  // resolve_output(): OUT, OUT/<name> for a folder, else the URL's name; refuse to overwrite.
  std::string name = url_file_name(url);
  std::string out_given;
  if (!options.out || options.out->empty()) {
    out_given = name;
  } else {
    ASSIGN_OR_RETURN(auto st, env->stat(repo.abs(*options.out), env::Follow::yes));
    out_given = st && st->type == env::FileType::directory ? path::join(*options.out, name) : *options.out;
  }
  if (out_given.empty())
    return fail(Error(ErrorCode::invalid_input, "cannot name the output after the URL; give OUT"));
  const std::string out_abs = strip_trailing_slashes(repo.abs(out_given));
  ASSIGN_OR_RETURN(auto existing, env->stat(out_abs, env::Follow::yes));
  if (existing && options.force == Force::no)
    return fail(
        Error(ErrorCode::conflict,
              "The " + std::string(existing->type == env::FileType::directory ? "directory" : "file") + " '" +
                  out_given + "' already exists locally. \nTo override it, re-run with '--force'."));
  auto git = open_git(repo);
  if (auto st = check_output_path(repo, out_abs, git.get()); !st) return fail(st.error());

  // resolve_paths(): the .dvc file sits next to the output; paths are relative to it.
  const std::string wdir = path::parent(out_abs);
  ASSIGN_OR_RETURN(auto wdir_st, env->stat(wdir, env::Follow::yes));
  if (!wdir_st || wdir_st->type != env::FileType::directory)
    return fail(Error(ErrorCode::not_found, "stage working dir '" + wdir + "' does not exist"));
  const std::string base = path::basename(out_abs);
  const std::string dvc_path = out_abs + ".dvc";
  std::string def_path = url;
  if (remote::url_scheme(url) == "file" && !url.starts_with("file://")) {
    std::string url_abs = repo.abs(url);
    ASSIGN_OR_RETURN(bool url_exists, env->exists(url_abs));
    if (url_exists && path::is_within(url_abs, repo.root())) def_path = path::relative(url_abs, wdir);
  }
  auto source = ImportSource::open(repo, def_path, wdir);
  if (!source) return fail(source.error());

  ImportResult result;
  result.dvc_file = repo.rel_to_cwd(dvc_path);
  std::vector<std::string> changed;
  OutputEntry out;
  out.path = base;

  if (options.mode == ImportMode::no_exec) {
    Node fresh = stage_node(nullptr, "", dep_node(def_path, nullptr, nullptr), dump_output_entry(out));
    TRY_STATUS(write_stage(env, dvc_path, nullptr, fresh));
    changed.push_back(result.dvc_file);
    TRY_STATUS(ignore_output(repo, out_abs, changed));
    ASSIGN_OR_RETURN(result.files_to_track, autostage(repo, git.get(), changed));
    return result;
  }

  if (options.on_start) options.on_start((*source)->display(), repo.rel_to_cwd(out_abs));
  auto state = (*source)->state(options.jobs);
  if (!state) return fail(state.error());
  if (!state->exists)
    return fail(Error(ErrorCode::not_found, "dependency '" + (*source)->display() + "' does not exist"));
  if (options.mode == ImportMode::download) {
    auto fetched = (*source)->fetch(*state, options.jobs);
    if (!fetched) return fail(fetched.error());
    if (existing) TRY_STATUS(env->remove_tree(out_abs));
    TRY_STATUS(place_output(repo, *fetched, out_abs));
    out = fetched_entry(out, *fetched);
  } else if (existing) {
    TRY_STATUS(env->remove_tree(out_abs));
  }
  Node dep = dep_node(def_path, &*state, nullptr);
  std::string md5 = stage_md5(stage_node(nullptr, "", dep, dump_output_entry(out)));
  TRY_STATUS(write_stage(env, dvc_path, nullptr, stage_node(nullptr, md5, dep, dump_output_entry(out))));
  changed.push_back(result.dvc_file);
  TRY_STATUS(ignore_output(repo, out_abs, changed));
  ASSIGN_OR_RETURN(result.files_to_track, autostage(repo, git.get(), changed));
  return result;
}

Expected<UpdateResult> update(Repository& repo, const UpdateOptions& options) {
  if (options.mode == ImportMode::no_exec)
    return make_error(ErrorCode::invalid_input, "update: --no-exec is not an update mode");
  if (options.targets.empty()) return make_error(ErrorCode::invalid_input, "update: no targets given");
  ASSIGN_OR_RETURN(auto files, update_targets(repo, options));
  UpdateResult result;
  std::vector<std::string> changed;
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(DvcFile file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    if (!file.is_import()) {
      result.skipped.push_back(file.relpath);
      continue;
    }
    ASSIGN_OR_RETURN(bool updated, update_one(repo, file, options, changed));
    (updated ? result.updated : result.unchanged).push_back(file.relpath);
  }
  auto git = open_git(repo);
  ASSIGN_OR_RETURN(result.files_to_track, autostage(repo, git.get(), changed));
  return result;
}

bool is_partial_import(const DvcFile& file) {
  return file.is_import() && file.deps.size() == 1 && file.outs.size() == 1 && !file.outs[0].has_hash() &&
         !file.original.find("cmd");
}

Expected<ImportFetch> import_url_fetch(Repository& repo, const DvcFile& file, std::size_t jobs) {
  if (!is_partial_import(file))
    return make_error(ErrorCode::invalid_input,
                      "'" + file.relpath + "' is not a partial import (--no-download)");
  const OutputEntry& dep = file.deps[0];
  const std::string wdir = file.base_dir();
  ASSIGN_OR_RETURN(auto source, ImportSource::open(repo, dep.path, wdir));
  SourceState expected;
  auto [key, value] = recorded_hash(dep);
  expected.hash_key = key;
  expected.hash_value = value;
  auto fetched = source->fetch(expected, jobs);
  if (!fetched)
    return std::unexpected(fetched.error().with_context("fetching '" + file.relpath + "' from its source"));
  ImportFetch out;
  out.dvc_file = file.relpath;
  out.out_abs = path::normalize(path::join(wdir, file.outs[0].path));
  out.fetched = std::move(*fetched);
  return out;
}

Expected<ImportPlaced> import_url_checkout(Repository& repo, const ImportFetch& fetched, Force force) {
  ASSIGN_OR_RETURN(auto st, repo.env()->stat(fetched.out_abs, env::Follow::no));
  if (st) {
    ASSIGN_OR_RETURN(auto now, compute_output_state(repo, fetched.out_abs, HashMode::md5, Insert::no, 0,
                                                    FileHashes::not_needed));
    if (now.exists && now.id.value == fetched.fetched.id.value) return ImportPlaced::unchanged;
    if (force == Force::no)
      return make_error(ErrorCode::conflict, "'" + repo.rel_to_cwd(fetched.out_abs) +
                                                 "' exists with other content; use --force to replace it");
    TRY_STATUS(repo.env()->remove_tree(fetched.out_abs));
  }
  TRY_STATUS(place_output(repo, fetched.fetched, fetched.out_abs));
  return st ? ImportPlaced::modified : ImportPlaced::added;
}

}  // namespace cairn::repo
