#include "cairn/catalog/sqlite_catalog.h"

#include <chrono>
#include <thread>

#include "cairn/catalog/query_sql.h"
#include "cairn/catalog/record_index.h"
#include "cairn/catalog/sqlite_db.h"

namespace cairn::catalog {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS artifacts (
  seq INTEGER PRIMARY KEY,
  artifact_id TEXT NOT NULL UNIQUE,
  name TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  username TEXT NOT NULL,
  hostname TEXT,
  run_id TEXT,
  creation_time INTEGER NOT NULL,
  git_commit TEXT,
  git_branch TEXT,
  git_dirty INTEGER,
  label_datatype TEXT,
  label_ticket TEXT,
  label_project TEXT,
  label_dataset TEXT,
  label_description TEXT,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS artifacts_user_time ON artifacts (username, creation_time);
CREATE INDEX IF NOT EXISTS artifacts_time ON artifacts (creation_time);
CREATE INDEX IF NOT EXISTS artifacts_user_datatype_time ON artifacts (username, label_datatype, creation_time);
CREATE INDEX IF NOT EXISTS artifacts_datatype_time ON artifacts (label_datatype, creation_time);
CREATE INDEX IF NOT EXISTS artifacts_ticket ON artifacts (label_ticket);
CREATE INDEX IF NOT EXISTS artifacts_project ON artifacts (label_project);
CREATE INDEX IF NOT EXISTS artifacts_dataset ON artifacts (label_dataset);
CREATE UNIQUE INDEX IF NOT EXISTS artifacts_name_version ON artifacts (name, version) WHERE name IS NOT NULL;
CREATE TABLE IF NOT EXISTS artifact_values (
  seq INTEGER NOT NULL,
  path TEXT NOT NULL,
  value
);
CREATE INDEX IF NOT EXISTS artifact_values_path_value ON artifact_values (path, value, seq);
CREATE INDEX IF NOT EXISTS artifact_values_seq ON artifact_values (seq, path);
)sql";

// Retries op while SQLite reports busy (the busy handler already waited); gives up after 5 min.
template <class F>
auto with_busy_retry(F&& op) -> decltype(op()) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (true) {
    auto r = op();
    if (r || r.error().code() != ErrorCode::timeout || std::chrono::steady_clock::now() > deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

void bind_opt(sqlite::Statement& st, int i, const std::optional<std::string>& s) {
  if (s) st.bind_text(i, *s);
  else st.bind_null(i);
}

}  // namespace

SqliteCatalog::SqliteCatalog(std::unique_ptr<sqlite::Database> db) : m_db(std::move(db)) {}
SqliteCatalog::~SqliteCatalog() = default;

Expected<std::unique_ptr<SqliteCatalog>> SqliteCatalog::open(const std::string& path) {
  ASSIGN_OR_RETURN(auto db, sqlite::Database::open(path));
  auto* raw = db.get();
  TRY_STATUS(with_busy_retry([&] { return raw->exec("PRAGMA journal_mode=WAL"); }));
  TRY_STATUS(raw->exec("PRAGMA synchronous=NORMAL"));
  TRY_STATUS(raw->exec("PRAGMA temp_store=MEMORY"));
  TRY_STATUS(raw->exec("PRAGMA cache_size=-65536"));
  std::unique_ptr<SqliteCatalog> cat(new SqliteCatalog(std::move(db)));
  TRY_STATUS(cat->begin_immediate());
  auto schema = [&]() -> Status {
    ASSIGN_OR_RETURN(auto st, raw->prepare("PRAGMA user_version"));
    ASSIGN_OR_RETURN(bool row, st.step());
    std::int64_t version = row ? st.column_int(0) : 0;
    if (version > kSchemaVersion)
      return make_error(ErrorCode::corrupt, "catalog " + path + " has schema version " + std::to_string(version) +
                                                ", newer than this cairn (" + std::to_string(kSchemaVersion) +
                                                "); upgrade cairn");
    if (version < kSchemaVersion) {
      TRY_STATUS(raw->exec(kSchema));
      TRY_STATUS(raw->exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str()));
    }
    return ok();
  }();
  if (!schema) {
    (void)raw->exec("ROLLBACK");
    return std::unexpected(schema.error());
  }
  TRY_STATUS(raw->exec("COMMIT"));
  return cat;
}

Status SqliteCatalog::begin_immediate() {
  return with_busy_retry([&] { return m_db->exec("BEGIN IMMEDIATE"); });
}

Expected<std::vector<ArtifactRecord>> SqliteCatalog::put(std::vector<ArtifactRecord> records) {
  for (const auto& r : records)
    if (!is_valid_artifact_id(r.artifact_id))
      return make_error(ErrorCode::invalid_input, "catalog: bad artifact id '" + r.artifact_id + "'");
  TRY_STATUS(begin_immediate());
  auto st = insert_batch(records);
  if (!st) {
    (void)m_db->exec("ROLLBACK");
    return std::unexpected(st.error().with_context("catalog: storing " + std::to_string(records.size()) + " records"));
  }
  auto commit = with_busy_retry([&] { return m_db->exec("COMMIT"); });
  if (!commit) {
    (void)m_db->exec("ROLLBACK");
    return std::unexpected(commit.error());
  }
  // Keep the planner's statistics current after bulk loads (cheap: SQLite decides per table).
  // analysis_limit bounds the cost to a sample of each index.
  if (records.size() >= 1000) (void)m_db->exec("PRAGMA analysis_limit=400; ANALYZE");
  return records;
}

Status SqliteCatalog::insert_batch(std::vector<ArtifactRecord>& records) {
  ASSIGN_OR_RETURN(auto max_version, m_db->prepare("SELECT max(version) FROM artifacts WHERE name = ?"));
  ASSIGN_OR_RETURN(auto insert, m_db->prepare(
      "INSERT INTO artifacts (artifact_id, name, version, username, hostname, run_id, creation_time, "
      "git_commit, git_branch, git_dirty, label_datatype, label_ticket, label_project, label_dataset, "
      "label_description, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (artifact_id) DO NOTHING"));
  ASSIGN_OR_RETURN(auto insert_value, m_db->prepare("INSERT INTO artifact_values (seq, path, value) VALUES (?, ?, ?)"));
  for (auto& r : records) {
    const bool assign_version = r.name && r.version == 0;
    if (assign_version) {
      max_version.bind_text(1, *r.name);
      ASSIGN_OR_RETURN(bool row, max_version.step());
      r.version = (row ? max_version.column_int(0) : 0) + 1;
      max_version.reset();
    }
    insert.bind_text(1, r.artifact_id);
    bind_opt(insert, 2, r.name);
    insert.bind_int(3, r.version);
    insert.bind_text(4, r.username);
    bind_opt(insert, 5, non_empty(r.hostname));
    bind_opt(insert, 6, non_empty(r.run_id));
    insert.bind_int(7, r.creation_time.time_since_epoch().count());
    if (r.git) {
      insert.bind_text(8, r.git->commit);
      bind_opt(insert, 9, non_empty(r.git->branch));
      insert.bind_int(10, r.git->dirty == GitDirty::dirty ? 1 : 0);
    } else {
      insert.bind_null(8);
      insert.bind_null(9);
      insert.bind_null(10);
    }
    bind_opt(insert, 11, r.labels.datatype);
    bind_opt(insert, 12, r.labels.ticket);
    bind_opt(insert, 13, r.labels.project);
    bind_opt(insert, 14, r.labels.dataset);
    bind_opt(insert, 15, r.labels.description);
    insert.bind_text(16, record_to_json(r).dump());
    TRY_STATUS(insert.run());
    if (sqlite3_changes(m_db->handle()) == 0) {  // already stored: records are immutable
      if (assign_version) r.version = 0;
      continue;
    }
    std::int64_t seq = sqlite3_last_insert_rowid(m_db->handle());
    for (const auto& v : index_values(r)) {
      insert_value.bind_int(1, seq);
      insert_value.bind_text(2, v.path);
      insert_value.bind(3, v.value);
      TRY_STATUS(insert_value.run());
    }
  }
  return ok();
}

Expected<ArtifactRecord> SqliteCatalog::get(std::string_view artifact_id) {
  ASSIGN_OR_RETURN(auto st, m_db->prepare("SELECT record FROM artifacts WHERE artifact_id = ?"));
  st.bind_text(1, artifact_id);
  ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return make_error(ErrorCode::not_found, "catalog: no artifact " + std::string(artifact_id));
  return record_from_json_text(st.column_text(0));
}

Expected<FindResult> SqliteCatalog::find(const Query& query, FindOptions options) {
  SqlWhere where = compile_where(query, SqlDialect::sqlite);
  FindResult result;
  {
    ASSIGN_OR_RETURN(auto st, m_db->prepare("SELECT count(*) FROM artifacts a WHERE " + where.sql));
    for (size_t i = 0; i < where.params.size(); ++i) st.bind(static_cast<int>(i + 1), where.params[i]);
    ASSIGN_OR_RETURN(bool row, st.step());
    result.total = row ? st.column_int(0) : 0;
  }
  ASSIGN_OR_RETURN(auto st, m_db->prepare("SELECT a.record FROM artifacts a WHERE " + where.sql +
                                          " ORDER BY a.creation_time DESC, a.seq DESC LIMIT ?"));
  int n = static_cast<int>(where.params.size());
  for (int i = 0; i < n; ++i) st.bind(i + 1, where.params[i]);
  st.bind_int(n + 1, options.limit > 0 ? options.limit : -1);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    ASSIGN_OR_RETURN(auto rec, record_from_json_text(st.column_text(0)));
    result.records.push_back(std::move(rec));
  }
  return result;
}

Expected<std::int64_t> SqliteCatalog::latest_version(std::string_view name) {
  ASSIGN_OR_RETURN(auto st, m_db->prepare("SELECT max(version) FROM artifacts WHERE name = ?"));
  st.bind_text(1, name);
  ASSIGN_OR_RETURN(bool row, st.step());
  return row ? st.column_int(0) : 0;
}

Expected<std::vector<LineageEdge>> SqliteCatalog::direct_links(const std::vector<std::string>& ids,
                                                               LineageDirection direction) {
  const char* sql = direction == LineageDirection::up
                        ? "SELECT a.artifact_id, v.value FROM artifacts a JOIN artifact_values v ON v.seq = a.seq "
                          "AND v.path = 'based_on' WHERE a.artifact_id = ? ORDER BY v.rowid"
                        : "SELECT a.artifact_id, v.value FROM artifact_values v JOIN artifacts a ON a.seq = v.seq "
                          "WHERE v.path = 'based_on' AND v.value = ? ORDER BY a.seq";
  ASSIGN_OR_RETURN(auto st, m_db->prepare(sql));
  std::vector<LineageEdge> edges;
  for (const auto& id : ids) {
    st.bind_text(1, id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.step());
      if (!row) break;
      edges.push_back({std::string(st.column_text(0)), std::string(st.column_text(1)), 1});
    }
    st.reset();
  }
  return edges;
}

}  // namespace cairn::catalog
