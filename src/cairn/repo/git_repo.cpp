#include "cairn/repo/git_repo.h"

#include <git2.h>

#include <algorithm>
#include <mutex>

#include "cairn/util/path.h"

namespace cairn::repo {
namespace {

void ensure_init() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::unexpected<Error> git_fail(const std::string& what) {
  const git_error* e = git_error_last();
  return make_error(ErrorCode::io, what + ": " + (e && e->message ? e->message : "libgit2 error"));
}

}  // namespace

struct GitRepo::Impl {
  git_repository* repo = nullptr;
  ~Impl() {
    if (repo) git_repository_free(repo);
  }
};

GitRepo::~GitRepo() = default;

Expected<std::unique_ptr<GitRepo>> GitRepo::open(const std::string& path) {
  ensure_init();
  std::unique_ptr<GitRepo> g(new GitRepo());
  g->m_impl = std::make_unique<Impl>();
  if (git_repository_open_ext(&g->m_impl->repo, path.c_str(), 0, nullptr) != 0)
    return make_error(ErrorCode::not_found, path + " is not inside a git repository");
  const char* wd = git_repository_workdir(g->m_impl->repo);
  if (!wd) return make_error(ErrorCode::invalid_input, "bare git repositories are not supported");
  g->m_workdir = wd;
  while (g->m_workdir.size() > 1 && g->m_workdir.back() == '/') g->m_workdir.pop_back();
  return g;
}

Status GitRepo::add(const std::vector<std::string>& paths) {
  git_index* index = nullptr;
  if (git_repository_index(&index, m_impl->repo) != 0) return git_fail("opening git index");
  for (const auto& p : paths) {
    std::string rel = p.starts_with('/') ? path::relative(p, m_workdir) : p;
    if (git_index_add_bypath(index, rel.c_str()) != 0) {
      git_index_free(index);
      return git_fail("git add " + rel);
    }
  }
  int rc = git_index_write(index);
  git_index_free(index);
  if (rc != 0) return git_fail("writing git index");
  return ok();
}

Expected<bool> GitRepo::is_tracked(const std::string& relpath) {
  git_index* index = nullptr;
  if (git_repository_index(&index, m_impl->repo) != 0) return git_fail("opening git index");
  bool tracked = git_index_get_bypath(index, relpath.c_str(), 0) != nullptr;
  if (!tracked) {
    std::size_t pos = 0;
    std::string prefix = relpath + "/";
    tracked = git_index_find_prefix(&pos, index, prefix.c_str()) == 0;
  }
  git_index_free(index);
  return tracked;
}

Expected<bool> GitRepo::is_ignored(const std::string& relpath) {
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, m_impl->repo, relpath.c_str()) != 0)
    return git_fail("checking git ignore rules");
  return ignored != 0;
}

Expected<std::string> GitRepo::resolve(const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, m_impl->repo, rev.c_str()) != 0)
    return make_error(ErrorCode::not_found, "unknown Git revision '" + rev + "'");
  git_object* commit = nullptr;
  int rc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
  git_object_free(obj);
  if (rc != 0) return make_error(ErrorCode::invalid_input, "'" + rev + "' is not a commit");
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, git_object_id(commit));
  git_object_free(commit);
  return std::string(buf);
}

namespace {
struct WalkCtx {
  std::string suffix;
  std::vector<std::string>* out;
};
int walk_cb(const char* root, const git_tree_entry* entry, void* payload) {
  auto* ctx = static_cast<WalkCtx*>(payload);
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
  std::string name = git_tree_entry_name(entry);
  if (name.size() >= ctx->suffix.size() && name.compare(name.size() - ctx->suffix.size(), ctx->suffix.size(), ctx->suffix) == 0)
    ctx->out->push_back(std::string(root) + name);
  return 0;
}
}  // namespace

Expected<std::vector<std::string>> GitRepo::list_files(const std::string& commit_hex, const std::string& suffix) {
  git_oid oid;
  if (git_oid_fromstr(&oid, commit_hex.c_str()) != 0) return make_error(ErrorCode::invalid_input, "bad commit id");
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, m_impl->repo, &oid) != 0) return git_fail("reading commit " + commit_hex);
  git_tree* tree = nullptr;
  int rc = git_commit_tree(&tree, commit);
  git_commit_free(commit);
  if (rc != 0) return git_fail("reading tree of " + commit_hex);
  std::vector<std::string> out;
  WalkCtx ctx{suffix, &out};
  rc = git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &ctx);
  git_tree_free(tree);
  if (rc != 0) return git_fail("walking tree of " + commit_hex);
  return out;
}

Expected<std::optional<std::string>> GitRepo::read_file(const std::string& commit_hex, const std::string& relpath) {
  git_oid oid;
  if (git_oid_fromstr(&oid, commit_hex.c_str()) != 0) return make_error(ErrorCode::invalid_input, "bad commit id");
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, m_impl->repo, &oid) != 0) return git_fail("reading commit " + commit_hex);
  git_tree* tree = nullptr;
  int rc = git_commit_tree(&tree, commit);
  git_commit_free(commit);
  if (rc != 0) return git_fail("reading tree of " + commit_hex);
  git_tree_entry* entry = nullptr;
  rc = git_tree_entry_bypath(&entry, tree, relpath.c_str());
  git_tree_free(tree);
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>{};
  if (rc != 0) return git_fail("looking up " + relpath);
  git_blob* blob = nullptr;
  rc = git_blob_lookup(&blob, m_impl->repo, git_tree_entry_id(entry));
  git_tree_entry_free(entry);
  if (rc != 0) return git_fail("reading blob " + relpath);
  std::string content(static_cast<const char*>(git_blob_rawcontent(blob)), static_cast<std::size_t>(git_blob_rawsize(blob)));
  git_blob_free(blob);
  return std::optional<std::string>(std::move(content));
}

Expected<std::vector<std::string>> GitRepo::list_branches() {
  git_branch_iterator* it = nullptr;
  if (git_branch_iterator_new(&it, m_impl->repo, GIT_BRANCH_LOCAL) != 0) return git_fail("listing branches");
  std::vector<std::string> out;
  git_reference* ref = nullptr;
  git_branch_t type;
  while (git_branch_next(&ref, &type, it) == 0) {
    const char* name = nullptr;
    if (git_branch_name(&name, ref) == 0 && name) out.emplace_back(name);
    git_reference_free(ref);
  }
  git_branch_iterator_free(it);
  std::sort(out.begin(), out.end());
  return out;
}

Expected<std::vector<std::string>> GitRepo::list_tags() {
  git_strarray names{};
  if (git_tag_list(&names, m_impl->repo) != 0) return git_fail("listing tags");
  std::vector<std::string> out(names.strings, names.strings + names.count);
  git_strarray_dispose(&names);
  std::sort(out.begin(), out.end());
  return out;
}

Expected<std::optional<std::string>> GitRepo::current_branch() {
  git_reference* head = nullptr;
  int rc = git_repository_head(&head, m_impl->repo);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) return std::optional<std::string>{};
  if (rc != 0) return git_fail("reading HEAD");
  std::optional<std::string> out;
  if (git_reference_is_branch(head)) out = git_reference_shorthand(head);
  git_reference_free(head);
  return out;
}

Expected<bool> GitRepo::is_dirty() {
  git_status_options opts;
  git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* list = nullptr;
  if (git_status_list_new(&list, m_impl->repo, &opts) != 0) return git_fail("reading git status");
  const bool dirty = git_status_list_entrycount(list) > 0;
  git_status_list_free(list);
  return dirty;
}

}  // namespace cairn::repo
