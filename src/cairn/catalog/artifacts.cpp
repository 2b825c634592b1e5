// Artifacts: open, log, resolve, reads, find and lineage (contract in artifacts.h; the sync
// and the offline queue are in artifact_sync.cpp).
#include <algorithm>
#include <mutex>
#include <set>

#include "cairn/catalog/artifacts_impl.h"
#include "cairn/catalog/catalog_url.h"
#include "cairn/object/file_hash.h"
#include "cairn/remote/registry.h"
#include "cairn/repo/git_repo.h"
#include "cairn/util/path.h"

namespace cairn::catalog {
namespace {

// Creation times strictly increase within a process, so artifacts logged one after another
// keep their order even inside one millisecond (a catalog rebuild numbers a name's versions
// by creation time, ties by artifact id).
TimePoint next_creation_time() {
  static std::mutex mu;
  static TimePoint last{};
  std::lock_guard lock(mu);
  TimePoint t = now_ms();
  if (t <= last) t = last + std::chrono::milliseconds(1);
  last = t;
  return t;
}

constexpr std::string_view kSqlitePrefix = "sqlite://";

Status check_name(std::string_view name) {
  if (name.empty() || name.find('@') != std::string_view::npos || name.find_first_of("\n\r\t") != std::string_view::npos ||
      name.starts_with("artifact_"))
    return make_error(ErrorCode::invalid_input, "invalid artifact name '" + std::string(name) +
                                                    "': it must be non-empty, without '@' or control characters, "
                                                    "and not start with 'artifact_'");
  return ok();
}

std::optional<GitInfo> git_info(const std::string& cwd) {
  auto git = repo::GitRepo::open(cwd);
  if (!git) return std::nullopt;
  auto commit = (*git)->resolve("HEAD");
  if (!commit) return std::nullopt;  // unborn HEAD: no commit to point at
  GitInfo info;
  info.commit = *commit;
  if (auto branch = (*git)->current_branch(); branch && *branch) info.branch = **branch;
  if (auto dirty = (*git)->is_dirty(); dirty && *dirty) info.dirty = GitDirty::dirty;
  return info;
}

}  // namespace

bool is_unreachable(const Error& error) {
  return error.code() == ErrorCode::unavailable || error.code() == ErrorCode::timeout;
}

ArtifactsImpl::ArtifactsImpl(ArtifactSettings settings, env::Env* env, std::unique_ptr<Catalog> catalog)
    : m_settings(std::move(settings)), m_env(env), m_catalog(std::move(catalog)),
      m_local_cache(env, m_settings.local_cache_dir) {}

Expected<std::unique_ptr<Artifacts>> Artifacts::open(const ArtifactSettings& settings, env::Env* env) {
  if (!env) env = env::default_env();
  if (std::string_view(settings.catalog_url).starts_with(kSqlitePrefix)) {
    const std::string db = settings.catalog_url.substr(kSqlitePrefix.size());
    if (!path::parent(db).empty()) TRY_STATUS(env->make_dirs(path::parent(db)));
  }
  auto catalog = open_catalog(settings.catalog_url);
  if (!catalog) return std::unexpected(catalog.error().with_context("opening catalog " + redact_catalog_url(settings.catalog_url)));
  return std::unique_ptr<Artifacts>(new ArtifactsImpl(settings, env, std::move(*catalog)));
}

Expected<remote::Remote*> ArtifactsImpl::root() {
  if (!m_root) {
    remote::RemoteSpec spec{m_settings.root_url, m_settings.root_options, m_settings.cwd};
    remote::WrapOptions wrap;
    wrap.max_attempts = 3;
    wrap.total_deadline_ms = 15000;
    auto opened = remote::open_remote(spec, wrap);
    if (!opened) return std::unexpected(opened.error().with_context("opening artifact root"));
    m_root = std::move(*opened);
  }
  return m_root.get();
}

bool ArtifactsImpl::root_is_local() const { return remote::url_scheme(m_settings.root_url) == "file"; }

std::string ArtifactsImpl::object_url(std::string_view md5) const {
  std::string base = m_settings.root_url;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + "/" + object_key(md5);
}

std::string ArtifactsImpl::queue_dir() const { return path::join(m_settings.state_dir, "queue"); }

Expected<std::size_t> ArtifactsImpl::upload_objects(const ArtifactRecord& record,
                                                    const std::map<std::string, std::string>& sources) {
  ASSIGN_OR_RETURN(remote::Remote * r, root());
  std::size_t uploaded = 0;
  std::set<std::string> done;
  for (const auto& [relpath, file] : record.files) {
    if (!done.insert(file.md5).second) continue;
    const std::string key = object_key(file.md5);
    ASSIGN_OR_RETURN(auto st, r->stat(key));
    if (st && st->size == file.size) continue;  // content-addressed: already stored once
    auto src = sources.find(file.md5);
    if (src == sources.end()) return make_error(ErrorCode::not_found, "no local copy of object " + file.md5);
    TRY_STATUS(r->put_file(key, src->second, {}));
    ++uploaded;
  }
  return uploaded;
}

Expected<LogResult> ArtifactsImpl::log(const std::vector<LogFile>& files, const LogOptions& options) {
  if (files.empty()) return make_error(ErrorCode::invalid_input, "an artifact needs at least one file");
  if (options.name) TRY_STATUS(check_name(*options.name));
  if (!options.labels.infos.is_object()) return make_error(ErrorCode::invalid_input, "labels.infos must be a JSON object");

  ArtifactRecord rec;
  rec.artifact_id = new_artifact_id();
  rec.name = options.name;
  rec.labels = options.labels;
  rec.username = options.username.value_or(m_settings.username);
  if (rec.username.empty()) return make_error(ErrorCode::invalid_input, "empty user name");
  rec.hostname = m_settings.hostname;
  rec.argv = options.argv;
  rec.creation_time = next_creation_time();
  rec.run_id = options.run_id.value_or(m_settings.run_id);
  rec.environment.python_packages = options.python_packages;
  rec.environment.executable = options.executable;
  rec.environment.executable_version = options.executable_version;
  rec.git = git_info(m_settings.cwd);

  // based_on: explicit references, then what this run has read so far.
  std::vector<std::string> based_on;
  for (const auto& ref : options.based_on) {
    auto parent = resolve(ref);
    if (!parent) return std::unexpected(parent.error().with_context("--based-on " + ref));
    based_on.push_back(parent->artifact_id);
  }
  if (!m_settings.run_journal.empty() && (!options.run_id || *options.run_id == m_settings.run_id)) {
    ASSIGN_OR_RETURN(auto reads, read_run_journal(m_settings.run_journal, m_env));
    based_on.insert(based_on.end(), reads.begin(), reads.end());
  }
  for (const auto& id : based_on)
    if (std::find(rec.based_on.begin(), rec.based_on.end(), id) == rec.based_on.end()) rec.based_on.push_back(id);

  std::map<std::string, std::string> sources;  // md5 -> local file
  for (const auto& f : files) {
    const std::string abs = path::absolute(f.path, m_settings.cwd);
    const std::string rel = f.relpath.empty() ? path::basename(abs) : f.relpath;
    if (!path::is_safe_relpath(rel)) return make_error(ErrorCode::invalid_input, "unsafe relative path '" + rel + "'");
    if (rec.files.contains(rel)) return make_error(ErrorCode::invalid_input, "duplicate file path '" + rel + "'");
    ASSIGN_OR_RETURN(auto st, m_env->stat(abs, env::Follow::yes));
    if (!st) return make_error(ErrorCode::not_found, "file not found: " + f.path);
    if (st->type != env::FileType::regular) return make_error(ErrorCode::invalid_input, "not a regular file: " + f.path);
    ASSIGN_OR_RETURN(auto h, object::hash_file(m_env, abs));
    rec.files[rel] = ArtifactFile{h.md5, h.size, object_url(h.md5)};
    sources.emplace(h.md5, abs);
  }

  LogResult result;
  result.record_key = record_key(rec);
  const std::string record_text = record_to_json(rec).dump(2) + "\n";

  // Files, then the record, then the catalog row.
  Status online = [&]() -> Status {
    ASSIGN_OR_RETURN(result.objects_uploaded, upload_objects(rec, sources));
    m_env->crash_point("artifact.files_uploaded");
    ASSIGN_OR_RETURN(remote::Remote * r, root());
    return r->put_bytes(result.record_key, record_text);
  }();
  if (online) m_env->crash_point("artifact.record_written");
  if (!online) {
    if (!is_unreachable(online.error())) return std::unexpected(online.error().with_context("logging artifact"));
    // Offline: objects into the local cache, the record into the queue; push_queue() later.
    for (const auto& [md5, src] : sources) {
      object::ObjectId id{md5};
      ASSIGN_OR_RETURN(bool have, m_local_cache.exists(id));
      if (!have) TRY_STATUS(m_local_cache.put_file(id, src));
    }
    TRY_STATUS(m_env->make_dirs(queue_dir()));
    const std::string qfile = path::join(
        queue_dir(), std::to_string(rec.creation_time.time_since_epoch().count()) + "_" + rec.artifact_id + ".json");
    TRY_STATUS(m_env->write_file_atomic(qfile, record_text));
    result.queued = true;
    m_env->crash_point("artifact.queued");
  }

  ASSIGN_OR_RETURN(auto stored, m_catalog->put({rec}));
  result.record = std::move(stored.front());

  if (!result.queued) {
    ASSIGN_OR_RETURN(auto waiting, queued());
    if (!waiting.empty()) {
      auto pushed = push_queue();
      if (pushed) result.queue_flushed = pushed->artifacts;
    }
  }
  return result;
}

Expected<std::optional<ArtifactRecord>> ArtifactsImpl::find_queued(std::string_view id) {
  ASSIGN_OR_RETURN(auto entries, read_queue());
  for (auto& [file, rec] : entries)
    if (rec.artifact_id == id) return std::optional<ArtifactRecord>(std::move(rec));
  return std::optional<ArtifactRecord>{};
}

Expected<ArtifactRecord> ArtifactsImpl::resolve(std::string_view ref) {
  if (ref.empty()) return make_error(ErrorCode::invalid_input, "empty artifact reference");
  if (ref.starts_with("artifact_")) {
    if (!is_valid_artifact_id(ref))
      return make_error(ErrorCode::invalid_input, "'" + std::string(ref) + "' is not a valid artifact id");
    auto rec = m_catalog->get(ref);
    if (rec || rec.error().code() != ErrorCode::not_found) return rec;
    ASSIGN_OR_RETURN(auto q, find_queued(ref));
    if (q) return *q;
    return make_error(ErrorCode::not_found, "artifact '" + std::string(ref) +
                                                "' not found in the catalog (run `cairn catalog sync`?)");
  }
  std::string name(ref);
  std::string version = "latest";
  if (auto at = ref.rfind('@'); at != std::string_view::npos) {
    name = std::string(ref.substr(0, at));
    version = std::string(ref.substr(at + 1));
  }
  TRY_STATUS(check_name(name));
  std::int64_t v = 0;
  if (version == "latest") {
    ASSIGN_OR_RETURN(v, m_catalog->latest_version(name));
    if (v == 0) return make_error(ErrorCode::not_found, "no artifact named '" + name + "'");
  } else {
    try {
      std::size_t used = 0;
      v = std::stoll(version, &used);
      if (used != version.size() || v <= 0) throw std::invalid_argument("version");
    } catch (const std::exception&) {
      return make_error(ErrorCode::invalid_input,
                        "bad version '" + version + "' in '" + std::string(ref) + "' (expected a number or 'latest')");
    }
  }
  nlohmann::json filter = {{"name", name}, {"version", v}};
  ASSIGN_OR_RETURN(Query q, parse_query(filter));
  ASSIGN_OR_RETURN(FindResult found, m_catalog->find(q, FindOptions{1}));
  if (found.records.empty())
    return make_error(ErrorCode::not_found, "artifact '" + name + "@" + std::to_string(v) + "' not found");
  return found.records.front();
}

Status ArtifactsImpl::note_read(std::string_view artifact_id) {
  if (m_settings.run_journal.empty()) return ok();
  return append_run_journal(m_settings.run_journal, artifact_id, m_env);
}

Expected<std::string> ArtifactsImpl::ensure_local(const ArtifactFile& file, bool& from_cache) {
  object::ObjectId id{file.md5};
  const std::string key = object_key(file.md5);
  if (root_is_local()) {
    const std::string p = path::join(m_settings.root_url, key);
    ASSIGN_OR_RETURN(bool there, m_env->exists(p));
    if (there) return p;
  }
  ASSIGN_OR_RETURN(bool cached, m_local_cache.exists(id));
  if (cached) return m_local_cache.path_of(id);
  ASSIGN_OR_RETURN(remote::Remote * r, root());
  const std::string tmp_dir = path::join(m_settings.local_cache_dir, "files/md5");
  TRY_STATUS(m_env->make_dirs(tmp_dir));
  const std::string tmp = env::temp_name_for(path::join(tmp_dir, file.md5));
  Status got = r->get_file(key, tmp, {});
  if (!got) {
    (void)m_env->remove_file(tmp);
    from_cache = true;
    return std::unexpected(got.error().with_context("reading object " + file.md5 + " from " + r->display_url()));
  }
  Status stored = m_local_cache.put_file(id, tmp);  // verifies the bytes hash to the id
  (void)m_env->remove_file(tmp);
  if (!stored) return std::unexpected(stored.error().with_context("object " + file.md5 + " from the root"));
  return m_local_cache.path_of(id);
}

Expected<MaterialiseResult> ArtifactsImpl::materialise(std::string_view ref, const std::string& dest_dir) {
  MaterialiseResult result;
  ASSIGN_OR_RETURN(result.record, resolve(ref));
  const std::string dest = path::absolute(dest_dir, m_settings.cwd);
  for (const auto& [relpath, file] : result.record.files) {
    if (!path::is_safe_relpath(relpath)) return make_error(ErrorCode::corrupt, "unsafe path '" + relpath + "' in record");
    bool unreachable = false;
    ASSIGN_OR_RETURN(std::string src, ensure_local(file, unreachable));
    const std::string out = path::join(dest, relpath);
    TRY_STATUS(m_env->make_dirs(path::parent(out)));
    const std::string tmp = env::temp_name_for(out);
    if (auto c = m_env->copy_file(src, tmp, 0666); !c) {
      (void)m_env->remove_file(tmp);
      return std::unexpected(c.error());
    }
    auto h = object::hash_file(m_env, tmp);
    if (!h || h->md5 != file.md5) {
      (void)m_env->remove_file(tmp);
      return make_error(ErrorCode::corrupt, "object " + file.md5 + " for " + relpath + " does not match its hash");
    }
    TRY_STATUS(m_env->rename(tmp, out));
    if (src.starts_with(m_settings.local_cache_dir + "/") && !(root_is_local() && src.starts_with(m_settings.root_url)))
      ++result.from_local_cache;
    result.paths.push_back(out);
  }
  TRY_STATUS(note_read(result.record.artifact_id));
  return result;
}

Expected<std::string> ArtifactsImpl::local_path(std::string_view ref, std::string_view relpath) {
  ASSIGN_OR_RETURN(ArtifactRecord rec, resolve(ref));
  auto it = rec.files.find(std::string(relpath));
  if (it == rec.files.end())
    return make_error(ErrorCode::not_found, "artifact " + rec.artifact_id + " has no file '" + std::string(relpath) + "'");
  bool unreachable = false;
  ASSIGN_OR_RETURN(std::string p, ensure_local(it->second, unreachable));
  TRY_STATUS(note_read(rec.artifact_id));
  return p;
}

Expected<FindResult> ArtifactsImpl::find(std::string_view query_json, std::int64_t limit) {
  ASSIGN_OR_RETURN(Query q, parse_query_text(query_json));
  return find(q, limit);
}

Expected<FindResult> ArtifactsImpl::find(const Query& query, std::int64_t limit) {
  return m_catalog->find(query, FindOptions{limit});
}

Expected<LineageResult> ArtifactsImpl::lineage(std::string_view ref, LineageDirection direction, int depth) {
  LineageResult result;
  ASSIGN_OR_RETURN(ArtifactRecord start, resolve(ref));
  result.start = start.artifact_id;
  result.direction = direction;
  ASSIGN_OR_RETURN(result.edges, m_catalog->lineage(start.artifact_id, direction, depth <= 0 ? 1 << 20 : depth));
  result.nodes.push_back(LineageNode{start, 0});
  std::set<std::string> seen{start.artifact_id};
  for (const auto& e : result.edges) {
    const std::string& other = direction == LineageDirection::up ? e.parent : e.child;
    if (!seen.insert(other).second) continue;
    auto rec = m_catalog->get(other);
    if (rec) result.nodes.push_back(LineageNode{std::move(*rec), e.depth});
    else if (rec.error().code() != ErrorCode::not_found) return std::unexpected(rec.error());
  }
  return result;
}

Expected<std::vector<LogFile>> expand_log_paths(const ArtifactSettings& settings, const std::vector<std::string>& paths) {
  env::Env* env = env::default_env();
  std::vector<LogFile> out;
  std::set<std::string> rels;
  auto add = [&](const std::string& abs, const std::string& rel) -> Status {
    if (!rels.insert(rel).second) return make_error(ErrorCode::invalid_input, "duplicate file path '" + rel + "'");
    out.push_back(LogFile{abs, rel});
    return ok();
  };
  for (const auto& p : paths) {
    const std::string abs = path::absolute(p, settings.cwd);
    const std::string base_rel =
        path::is_within(abs, settings.cwd) && abs != settings.cwd ? path::relative(abs, settings.cwd) : path::basename(abs);
    ASSIGN_OR_RETURN(auto st, env->stat(abs, env::Follow::yes));
    if (!st) return make_error(ErrorCode::not_found, "file not found: " + p);
    if (st->type == env::FileType::regular) {
      TRY_STATUS(add(abs, base_rel));
      continue;
    }
    if (st->type != env::FileType::directory) return make_error(ErrorCode::invalid_input, "not a file or directory: " + p);
    std::vector<std::pair<std::string, std::string>> stack{{abs, base_rel}};
    std::vector<std::pair<std::string, std::string>> found;
    while (!stack.empty()) {
      auto [dir, rel] = stack.back();
      stack.pop_back();
      ASSIGN_OR_RETURN(auto entries, env->list_dir_stat(dir));
      for (const auto& e : entries) {
        if (!e.st) continue;
        const std::string child = path::join(dir, e.name), child_rel = path::join(rel, e.name);
        if (e.st->type == env::FileType::directory) stack.emplace_back(child, child_rel);
        else if (e.st->type == env::FileType::regular) found.emplace_back(child, child_rel);
      }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& [a, r] : found) TRY_STATUS(add(a, r));
  }
  return out;
}

}  // namespace cairn::catalog
