// Artifacts: the engine API of the artifact catalog (issue 5) — settings, log, get, show,
// find, lineage, catalog sync, the offline queue and `cairn run` journals. The CLI
// (src/cairn/cli/cmd_artifact.cpp) and the Python binding (cairn.Handler) are thin layers
// over this header. STABLE: add to it, do not change what is here.
//
// Storage model (docs/format/artifact-record.md):
// - The ARTIFACT ROOT holds the truth: content-addressed file objects at
//   `files/md5/ab/cdef…` (DVC 3's layout; identical bytes stored once) and one record JSON per
//   artifact at `artifacts/YYYY/MM/DD/<user>/<HHMMSS>_<artifact_id>.json` (UTC of
//   creation_time). The root is a local folder, an `s3://bucket/prefix` URL or a DVC remote's
//   name; unset, it is the repository's local cache (`.dvc/cache`), or outside a repository
//   the user-level cache dir (`${XDG_CACHE_HOME:-~/.cache}/cairn/artifacts`).
// - The CATALOG (SQLite or PostgreSQL, catalog_url.h) is an index rebuilt from the records by
//   sync(); losing it loses nothing.
// - log() writes, in this order: file objects → record JSON → catalog row. A reader that sees
//   a catalog row can always read the record and the files.
// - Versions: a named record is stored in the root with "version": 0 and gets its version
//   (max + 1 per name) from the catalog in the write transaction (concurrent loggers never
//   share one). sync() ingests records ordered by (creation_time, artifact_id), so a rebuilt
//   catalog numbers a name's versions in creation order, as the original did for loggers
//   that did not race within the same millisecond.
//
// Offline: when the root is unreachable (ErrorCode::unavailable/timeout after the remote's
// retries) log() stores the objects in the LOCAL CACHE (the repo's `.dvc/cache`, else the
// user-level cache dir) and the record in the QUEUE dir (`<state_dir>/queue/<id>.json`),
// writes the catalog row, and returns LogResult::queued = true. push_queue() and the next
// successful log() upload queued objects then records (then delete the queue entry). Reads
// (get/materialise) try the root, then fall back to the local cache. Nothing is ever lost:
// a queue entry is removed only after its record is in the root.
//
// Runs: `cairn run` starts a run (start_run) and exports CAIRN_RUN_ID and CAIRN_RUN_JOURNAL to
// the child. Inside a run, every artifact resolved by get()/materialise() is appended (one
// O_APPEND line per id, atomic) to the journal, and every log() adds the journal's ids to
// based_on and sets run_id.
//
// Errors: Expected<T> with ErrorCode (util/error.h). Bad queries are one invalid_input error
// naming the path and operator; a record with an unknown format_version is corrupt (named
// with its key), never guessed. Messages never contain secrets (URLs are redacted).
// Thread-safety: one Artifacts object per thread; any number of processes may share a root
// and a catalog.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/catalog/catalog.h"
#include "cairn/catalog/query.h"
#include "cairn/catalog/record.h"
#include "cairn/env/env.h"
#include "cairn/util/error.h"

namespace cairn::catalog {

// ---------------------------------------------------------------- settings

// Reads an environment variable (tests inject a map); nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// The process environment.
EnvLookup process_env_lookup();

// Where settings are looked up from.
struct SettingsContext {
  env::Env* env = nullptr;  // default_env() when null
  std::string cwd;          // absolute; the repository (if any) is found from here
  EnvLookup getenv;         // process_env_lookup() when empty
};

// Where a setting's value came from (for `cairn config --show-origin`-like messages).
enum class SettingSource { default_value, global_file, repo_file, environment };
std::string_view setting_source_name(SettingSource source);

enum class SettingScope { repo, global };

// The resolved settings of one command.
//
// Precedence, highest first: env var (CAIRN_CATALOG_URL / CAIRN_ARTIFACTS_ROOT) > repo file
// `<repo>/.cairn/config` > user file `${XDG_CONFIG_HOME:-~/.config}/cairn/config` > default.
// Both files are INI like .dvc/config (`[catalog]\nurl = ...`, `[artifacts]\nroot = ...`)
// and DVC never reads them. Defaults: catalog `sqlite://<repo>/.dvc/tmp/cairn/catalog.db`
// inside a repository, `sqlite://${XDG_DATA_HOME:-~/.local/share}/cairn/catalog.db` outside.
// A relative local root in a file is relative to that file's repo root (repo file) or is an
// error (user file); from the environment it is relative to cwd.
struct ArtifactSettings {
  std::string catalog_url;
  SettingSource catalog_url_source = SettingSource::default_value;
  // The root as configured ("" = default local cache, a path, s3://..., or a remote name).
  std::string artifacts_root_setting;
  SettingSource artifacts_root_source = SettingSource::default_value;
  // The root as a URL open_remote() understands (absolute local path or s3://...), and the
  // remote options (endpointurl, region, profile, ...) when it came from a DVC remote.
  std::string root_url;
  std::map<std::string, std::string> root_options;
  std::string local_cache_dir;  // the offline / fallback object cache (files/md5/... inside)
  std::string state_dir;        // queue/, sync state, run journals
  std::optional<std::string> repo_root;  // absolute, when inside a DVC repository
  std::string cwd;
  // Identity and provenance defaults.
  std::string username;  // CAIRN_USER, else USER/LOGNAME, else the passwd entry
  std::string hostname;
  std::string run_id;        // CAIRN_RUN_ID or ""
  std::string run_journal;   // CAIRN_RUN_JOURNAL or ""
};

// Resolves the settings for ctx (reads both config files and the environment; resolves a DVC
// remote name through the repository's .dvc/config). invalid_input/not_found for a bad file
// or an unknown remote name.
Expected<ArtifactSettings> load_settings(const SettingsContext& ctx);

// True for keys handled by the cairn config file: "catalog.*" and "artifacts.*".
bool is_cairn_setting_key(std::string_view key);
// The config file of a scope: `<repo>/.cairn/config` (not_found outside a repository) or the
// user file.
Expected<std::string> settings_file_path(const SettingsContext& ctx, SettingScope scope);
// Reads one key ("catalog.url") from one scope's file; nullopt when unset.
Expected<std::optional<std::string>> get_setting(const SettingsContext& ctx, std::string_view key,
                                                 SettingScope scope);
// Writes (atomically, creating the file and folder) or removes one key in one scope's file.
// Only catalog.url and artifacts.root are known keys; others are invalid_input.
Status set_setting(const SettingsContext& ctx, std::string_view key, std::string_view value,
                   SettingScope scope);
Status unset_setting(const SettingsContext& ctx, std::string_view key, SettingScope scope);

// ---------------------------------------------------------------- record layout

// "artifacts/YYYY/MM/DD/<user>/<HHMMSS>_<artifact_id>.json" for the record (UTC). The user
// name is sanitised to [A-Za-z0-9._-] (anything else becomes '_'; empty becomes "_").
std::string record_key(const ArtifactRecord& record);
// "files/md5/ab/cdef…".
std::string object_key(std::string_view md5);
// "artifacts/YYYY/MM/DD/" of a UTC day.
std::string day_prefix(TimePoint t);

// ---------------------------------------------------------------- operations

// One file to log: the local file and the relpath it gets inside the artifact.
struct LogFile {
  std::string path;     // absolute or relative to settings.cwd
  std::string relpath;  // '/'-separated, safe; empty = derived (see expand_log_paths)
};

// Expands user paths (files or directories, recursively) to LogFiles. A path under cwd keeps
// its cwd-relative path as relpath; any other path uses its base name (a directory: its name
// as the top folder). Duplicate relpaths and missing paths are invalid_input / not_found.
Expected<std::vector<LogFile>> expand_log_paths(const ArtifactSettings& settings,
                                                const std::vector<std::string>& paths);

struct LogOptions {
  std::optional<std::string> name;
  Labels labels;                        // infos must be an object
  std::vector<std::string> based_on;    // artifact ids or NAME@VER refs (resolved)
  std::optional<std::string> username;  // overrides settings.username
  std::map<std::string, std::string> python_packages;  // from Python callers
  std::optional<std::string> run_id;    // overrides settings.run_id
  std::vector<std::string> argv;        // the caller's command line
  std::string executable;               // e.g. "cairn" or "python"
  std::string executable_version;
};

struct LogResult {
  ArtifactRecord record;  // as stored (version assigned)
  std::string record_key;
  bool queued = false;              // root unreachable: stored locally and queued
  std::size_t objects_uploaded = 0; // new objects written to the root by this call
  std::size_t queue_flushed = 0;    // earlier queued artifacts uploaded by this call
};

struct MaterialiseResult {
  ArtifactRecord record;
  std::vector<std::string> paths;  // absolute, one per file (sorted by relpath)
  std::size_t from_local_cache = 0;  // files served from the local cache (root unreachable)
};

enum class SyncMode { incremental, full };

struct SyncResult {
  std::size_t listed = 0;     // record keys seen in the root
  std::size_t ingested = 0;   // records newly added to the catalog
  std::size_t skipped = 0;    // already present / already ingested
  std::vector<Error> errors;  // unreadable records (unknown format_version, bad JSON), by key
  SyncMode mode = SyncMode::incremental;  // what actually ran (full when the catalog was lost)
};

struct PushResult {
  std::size_t artifacts = 0;  // queued artifacts uploaded
  std::size_t objects = 0;    // objects uploaded
  std::size_t remaining = 0;  // still queued (root still unreachable)
};

struct LineageNode {
  ArtifactRecord record;
  int depth = 0;  // 0 = the start artifact
};

struct LineageResult {
  std::string start;
  LineageDirection direction = LineageDirection::up;
  std::vector<LineageEdge> edges;
  std::vector<LineageNode> nodes;  // start first, then by depth; ids without a record (not
                                   // synced) are left out of nodes but kept in edges
};

class Artifacts {
 public:
  // Opens the catalog and the root (lazily: an unreachable root is not an error here).
  static Expected<std::unique_ptr<Artifacts>> open(const ArtifactSettings& settings,
                                                   env::Env* env = nullptr);
  virtual ~Artifacts() = default;

  virtual const ArtifactSettings& settings() const = 0;
  virtual Catalog& catalog() = 0;

  // Logs files as a new artifact (see the header comment for ordering and offline); within a
  // run, adds the run's read ids to based_on. based_on ids must exist in the catalog
  // (not_found otherwise). At least one file.
  virtual Expected<LogResult> log(const std::vector<LogFile>& files, const LogOptions& options) = 0;

  // Resolves "artifact_<uuid>", "NAME" / "NAME@latest" (highest version) or "NAME@N" to its
  // record (from the catalog; an id missing there is looked up in the queue). not_found names
  // the reference. Does NOT journal (use materialise / note_read).
  virtual Expected<ArtifactRecord> resolve(std::string_view ref) = 0;
  // resolve() for an id with its full record (for `artifact show`).
  virtual Expected<ArtifactRecord> show(std::string_view ref) = 0;

  // Copies the artifact's files to dest_dir/<relpath> (folders created; existing files
  // replaced atomically), each verified against its md5; journals the read inside a run.
  virtual Expected<MaterialiseResult> materialise(std::string_view ref, const std::string& dest_dir) = 0;
  // A local path holding the bytes of one file of an artifact (the object in the local cache,
  // downloaded and verified when needed; a local root's object directly); journals the read.
  virtual Expected<std::string> local_path(std::string_view ref, std::string_view relpath) = 0;
  // Appends an id to the run journal when inside a run (no-op outside).
  virtual Status note_read(std::string_view artifact_id) = 0;

  // find: parses the Mongo-style filter (blank = everything) and queries the catalog, newest
  // first; total counts all matches.
  virtual Expected<FindResult> find(std::string_view query_json, std::int64_t limit) = 0;
  virtual Expected<FindResult> find(const Query& query, std::int64_t limit) = 0;

  // Lineage over based_on from an id or NAME@VER, up to depth (<= 0: unlimited).
  virtual Expected<LineageResult> lineage(std::string_view ref, LineageDirection direction,
                                          int depth) = 0;

  // Ingests records from the root into the catalog. incremental: lists only the day prefixes
  // from the last synced day (minus one, for clock skew) to today and skips keys already
  // ingested; falls back to full when there is no sync state or the catalog holds fewer rows
  // than at the last sync (it was lost). Records failing to parse are reported in errors and
  // do not stop the sync.
  virtual Expected<SyncResult> sync(SyncMode mode) = 0;

  // Uploads the offline queue (objects first, then records). unavailable when the root is
  // still unreachable (nothing removed from the queue).
  virtual Expected<PushResult> push_queue() = 0;
  // The ids waiting in the queue, oldest first.
  virtual Expected<std::vector<std::string>> queued() = 0;
};

// ---------------------------------------------------------------- runs

struct RunInfo {
  std::string run_id;        // "run_<uuid4>"
  std::string journal_path;  // <state_dir>/runs/<run_id>.reads
  std::optional<std::string> name;
};

// Creates a run id and its (empty) journal; the caller exports CAIRN_RUN_ID and
// CAIRN_RUN_JOURNAL to the child it starts.
Expected<RunInfo> start_run(const ArtifactSettings& settings, std::optional<std::string> name,
                            env::Env* env = nullptr);
// Appends one id to a journal (one O_APPEND write of "<id>\n").
Status append_run_journal(const std::string& journal_path, std::string_view artifact_id,
                          env::Env* env = nullptr);
// The distinct ids in a journal, in first-read order (a missing journal is empty).
Expected<std::vector<std::string>> read_run_journal(const std::string& journal_path,
                                                    env::Env* env = nullptr);

// ---------------------------------------------------------------- output helpers

// Lineage as Graphviz dot / Mermaid flowchart text (edges parent -> child, nodes labelled
// with name@version when named).
std::string lineage_to_dot(const LineageResult& lineage);
std::string lineage_to_mermaid(const LineageResult& lineage);
nlohmann::json lineage_to_json(const LineageResult& lineage);

}  // namespace cairn::catalog
