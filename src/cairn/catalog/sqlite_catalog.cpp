#include "cairn/catalog/sqlite_catalog.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <thread>

#include "cairn/catalog/query_sql.h"
#include "cairn/catalog/record_index.h"
#include "cairn/catalog/record_text.h"
#include "cairn/catalog/sqlite_db.h"
#include "cairn/util/trace.h"

namespace cairn::catalog {
namespace {

constexpr int kSchemaVersion = 3;

// Version 2: artifact_values is clustered by (seq, ord) (WITHOUT ROWID), so a record's values
// are one append and one secondary index entry each; optional label indexes are partial;
// (username, creation_time) is served by the (username, label_datatype, creation_time) index.
// The record JSON lives in its own table, so artifacts rows stay narrow (queries that check
// many candidate rows touch a few cached pages) and only the returned records are read.
// Version 3: artifact_values is keyed by (path, value, seq) itself (WITHOUT ROWID): one B-tree
// entry per value instead of a row plus an index entry, and a bulk load inserts the values
// sorted, as appends; a record's own based_on list (lineage up) is read from its record JSON.
// argv gets no value rows (several per record, rarely queried: query_sql.h reads them from the
// record JSON). artifact_id is unique through a named index instead of a column constraint, so
// a bulk load can build it once, sorted, like the query indexes.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS artifacts (
  seq INTEGER PRIMARY KEY,
  artifact_id TEXT NOT NULL,
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
  label_description TEXT
);
CREATE TABLE IF NOT EXISTS artifact_records (
  seq INTEGER PRIMARY KEY,
  record TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS artifacts_name_version ON artifacts (name, version) WHERE name IS NOT NULL;
CREATE TABLE IF NOT EXISTS artifact_values (
  path TEXT NOT NULL,
  value NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (path, value, seq)
) WITHOUT ROWID;
)sql";

// The indexes a bulk load drops and builds once after the load, sorted (see put): the query
// indexes, and the unique artifact_id index (put checks uniqueness itself while it is absent).
struct DeferrableIndex {
  const char* name;
  const char* create;
};
constexpr DeferrableIndex kUniqueIdIndex{
    "artifacts_id", "CREATE UNIQUE INDEX IF NOT EXISTS artifacts_id ON artifacts (artifact_id);"};
constexpr DeferrableIndex kQueryIndexes[] = {
    {"artifacts_time",
     "CREATE INDEX IF NOT EXISTS artifacts_time ON artifacts (creation_time);"},
    {"artifacts_user_datatype_time",
     "CREATE INDEX IF NOT EXISTS artifacts_user_datatype_time ON artifacts (username, label_datatype, creation_time);"},
    {"artifacts_datatype_time",
     "CREATE INDEX IF NOT EXISTS artifacts_datatype_time ON artifacts (label_datatype, creation_time);"},
    {"artifacts_ticket",
     "CREATE INDEX IF NOT EXISTS artifacts_ticket ON artifacts (label_ticket) WHERE label_ticket IS NOT NULL;"},
    {"artifacts_project",
     "CREATE INDEX IF NOT EXISTS artifacts_project ON artifacts (label_project) WHERE label_project IS NOT NULL;"},
    {"artifacts_dataset",
     "CREATE INDEX IF NOT EXISTS artifacts_dataset ON artifacts (label_dataset) WHERE label_dataset IS NOT NULL;"},
};

// A put of at least this many records, and at least as many as are stored, is a bulk load:
// building the indexes once, sorted, is several times cheaper than inserting into them
// record by record.
constexpr size_t kBulkLoadMin = 20000;

// Migrations run inside the schema transaction: Before moves the old tables aside (and drops
// every named index, so kSchema and kQueryIndexes create the current ones), kSchema creates
// the new tables, After copies. Version 1 -> 3 and 2 -> 3.
constexpr const char* kDropAllIndexes = R"sql(
DROP INDEX IF EXISTS artifacts_user_time;
DROP INDEX IF EXISTS artifacts_time;
DROP INDEX IF EXISTS artifacts_user_datatype_time;
DROP INDEX IF EXISTS artifacts_datatype_time;
DROP INDEX IF EXISTS artifacts_ticket;
DROP INDEX IF EXISTS artifacts_project;
DROP INDEX IF EXISTS artifacts_dataset;
DROP INDEX IF EXISTS artifacts_name_version;
DROP INDEX IF EXISTS artifact_values_path_value;
DROP INDEX IF EXISTS artifact_values_seq;
)sql";
constexpr const char* kMigrate1Before = R"sql(
ALTER TABLE artifacts RENAME TO artifacts_v1;
ALTER TABLE artifact_values RENAME TO artifact_values_v1;
)sql";
constexpr const char* kCopyArtifactsColumns = R"sql(
INSERT INTO artifacts (seq, artifact_id, name, version, username, hostname, run_id, creation_time, git_commit,
                       git_branch, git_dirty, label_datatype, label_ticket, label_project, label_dataset,
                       label_description)
  SELECT seq, artifact_id, name, version, username, hostname, run_id, creation_time, git_commit, git_branch,
         git_dirty, label_datatype, label_ticket, label_project, label_dataset, label_description
)sql";
constexpr const char* kMigrate1After = R"sql(
  FROM artifacts_v1;
INSERT INTO artifact_records (seq, record) SELECT seq, record FROM artifacts_v1;
INSERT OR IGNORE INTO artifact_values (path, value, seq)
  SELECT path, value, seq FROM artifact_values_v1 WHERE path <> 'argv' AND value IS NOT NULL;
DROP TABLE artifacts_v1;
DROP TABLE artifact_values_v1;
)sql";
constexpr const char* kMigrate2Before = R"sql(
ALTER TABLE artifacts RENAME TO artifacts_v2;
ALTER TABLE artifact_values RENAME TO artifact_values_v2;
)sql";
constexpr const char* kMigrate2After = R"sql(
  FROM artifacts_v2;
INSERT OR IGNORE INTO artifact_values (path, value, seq)
  SELECT path, value, seq FROM artifact_values_v2 WHERE path <> 'argv' AND value IS NOT NULL;
DROP TABLE artifacts_v2;
DROP TABLE artifact_values_v2;
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

namespace {

// A value waiting for a bulk load's sorted insert, with its sort key inline so that most
// comparisons touch no string: path_rank orders the distinct paths by bytes; text values
// carry their first 16 bytes (big-endian words, zero-padded) and length, numbers their value.
struct PendingValue {
  std::uint32_t path_rank;
  std::uint32_t text_len;  // text only
  std::uint64_t hi, lo;    // text only: bytes 0-7 and 8-15
  long double number;      // numbers only (booleans are 0/1)
  std::int64_t seq;
  const IndexedValue* value;
  bool is_text;
};

std::uint64_t be_word(std::string_view s, std::size_t at) {
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < 8; ++i)
    w = (w << 8) | (at + i < s.size() ? static_cast<unsigned char>(s[at + i]) : 0u);
  return w;
}

PendingValue pending_value(std::uint32_t path_rank, std::int64_t seq, const IndexedValue& v) {
  PendingValue p{path_rank, 0, 0, 0, 0, seq, &v, false};
  if (auto* t = std::get_if<std::string>(&v.value)) {
    p.is_text = true;
    p.text_len = static_cast<std::uint32_t>(std::min<std::size_t>(t->size(), UINT32_MAX));
    p.hi = be_word(*t, 0);
    p.lo = be_word(*t, 8);
  } else if (auto* b = std::get_if<bool>(&v.value)) {
    p.number = *b ? 1 : 0;
  } else if (auto* i = std::get_if<std::int64_t>(&v.value)) {
    p.number = static_cast<long double>(*i);
  } else if (auto* d = std::get_if<double>(&v.value)) {
    p.number = *d;
  }
  return p;
}

// SQLite's order of artifact_values keys (path, value, seq): numbers before text, text by
// bytes (then length). Inserting in this order makes every insert an append.
bool value_key_less(const PendingValue& a, const PendingValue& b) {
  if (a.path_rank != b.path_rank) return a.path_rank < b.path_rank;
  if (a.is_text != b.is_text) return !a.is_text;
  if (a.is_text) {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    if (a.text_len > 16 || b.text_len > 16) {
      if (int c = std::get<std::string>(a.value->value).compare(std::get<std::string>(b.value->value))) return c < 0;
    } else if (a.text_len != b.text_len) {
      return a.text_len < b.text_len;
    }
  } else if (a.number != b.number) {
    return a.number < b.number;
  }
  return a.seq < b.seq;
}

Status insert_value_row(sqlite::Statement& st, const IndexedValue& v, std::int64_t seq) {
  st.bind_text(1, v.path);
  st.bind(2, v.value);
  st.bind_int(3, seq);
  return st.run();
}

}  // namespace

struct SqliteCatalog::WriteStatements {
  sqlite::Statement max_version, insert, insert_unchecked, insert_record, insert_value;
  std::string json;  // reused serialization buffer
};

SqliteCatalog::SqliteCatalog(std::unique_ptr<sqlite::Database> db) : m_db(std::move(db)) {}
SqliteCatalog::~SqliteCatalog() = default;

Expected<std::unique_ptr<SqliteCatalog>> SqliteCatalog::open(const std::string& path) {
  ASSIGN_OR_RETURN(auto db, sqlite::Database::open(path));
  auto* raw = db.get();
  TRY_STATUS(raw->exec("PRAGMA page_size=16384"));  // new files only: shallower trees
  TRY_STATUS(with_busy_retry([&] { return raw->exec("PRAGMA journal_mode=WAL"); }));
  TRY_STATUS(raw->exec("PRAGMA synchronous=NORMAL"));
  TRY_STATUS(raw->exec("PRAGMA temp_store=MEMORY"));
  // Bulk ingest touches every index; a bigger page cache (allocated only as used) and fewer,
  // larger checkpoints keep index pages from being written to the WAL and the file repeatedly.
  TRY_STATUS(raw->exec("PRAGMA cache_size=-262144"));
  TRY_STATUS(raw->exec("PRAGMA mmap_size=17179869184"));  // reads beyond the cache: no copies
  TRY_STATUS(raw->exec("PRAGMA wal_autocheckpoint=16384"));
  TRY_STATUS(raw->exec("PRAGMA journal_size_limit=67108864"));
  std::unique_ptr<SqliteCatalog> cat(new SqliteCatalog(std::move(db)));
  TRY_STATUS(cat->begin_immediate());
  auto schema = [&]() -> Status {
    std::int64_t version = 0;
    {  // finished before any DDL: an active statement would lock the tables it reads
      ASSIGN_OR_RETURN(auto st, raw->prepare("PRAGMA user_version"));
      ASSIGN_OR_RETURN(bool row, st.step());
      version = row ? st.column_int(0) : 0;
    }
    if (version > kSchemaVersion)
      return make_error(ErrorCode::corrupt, "catalog " + path + " has schema version " + std::to_string(version) +
                                                ", newer than this cairn (" + std::to_string(kSchemaVersion) +
                                                "); upgrade cairn");
    if (version < kSchemaVersion) {
      if (version == 1 || version == 2) TRY_STATUS(raw->exec(kDropAllIndexes));
      if (version == 1) TRY_STATUS(raw->exec(kMigrate1Before));
      if (version == 2) TRY_STATUS(raw->exec(kMigrate2Before));
      TRY_STATUS(raw->exec(kSchema));
      if (version == 1) TRY_STATUS(raw->exec((std::string(kCopyArtifactsColumns) + kMigrate1After).c_str()));
      if (version == 2) TRY_STATUS(raw->exec((std::string(kCopyArtifactsColumns) + kMigrate2After).c_str()));
      TRY_STATUS(raw->exec(kUniqueIdIndex.create));
      for (const auto& ix : kQueryIndexes) TRY_STATUS(raw->exec(ix.create));
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
  auto st = [&]() -> Status {
    TRY_STATUS(prepare_write_statements());
    std::int64_t stored = 0;
    if (records.size() >= kBulkLoadMin) {
      ASSIGN_OR_RETURN(auto count, m_db->prepare("SELECT coalesce(max(seq), 0) FROM artifacts"));
      ASSIGN_OR_RETURN(bool row, count.step());
      stored = row ? count.column_int(0) : 0;
    }
    if (records.size() < kBulkLoadMin || static_cast<std::int64_t>(records.size()) < stored)
      return insert_batch(records, nullptr, 0);
    // Bulk load: without the id index, uniqueness is checked here, before the index goes.
    ASSIGN_OR_RETURN(auto skip, already_stored_or_repeated(records, stored > 0));
    TRY_STATUS(m_db->exec((std::string("DROP INDEX IF EXISTS ") + kUniqueIdIndex.name).c_str()));
    for (const auto& ix : kQueryIndexes)
      TRY_STATUS(m_db->exec(("DROP INDEX IF EXISTS " + std::string(ix.name)).c_str()));
    {
      TraceSpan span("catalog.bulk.rows");
      TRY_STATUS(insert_batch(records, &skip, stored + 1));
    }
    TraceSpan span("catalog.bulk.indexes");
    TRY_STATUS(m_db->exec(kUniqueIdIndex.create));
    for (const auto& ix : kQueryIndexes) TRY_STATUS(m_db->exec(ix.create));
    return ok();
  }();
  if (!st) {
    (void)m_db->exec("ROLLBACK");
    return std::unexpected(st.error().with_context("catalog: storing " + std::to_string(records.size()) + " records"));
  }
  auto commit = [&] {
    TraceSpan span("catalog.commit");
    return with_busy_retry([&] { return m_db->exec("COMMIT"); });
  }();
  if (!commit) {
    (void)m_db->exec("ROLLBACK");
    return std::unexpected(commit.error());
  }
  if (records.size() >= 1000) TRY_STATUS(refresh_statistics());
  return records;
}

// Keeps the planner's statistics current after bulk loads: ANALYZE (sampled by
// analysis_limit, so a few ms) whenever the table has at least doubled since the last one.
Status SqliteCatalog::refresh_statistics() {
  ASSIGN_OR_RETURN(auto st, m_db->prepare("SELECT coalesce(max(seq), 0) FROM artifacts"));
  ASSIGN_OR_RETURN(bool row, st.step());
  std::int64_t rows = row ? st.column_int(0) : 0;
  if (m_analyzed_rows < 0) {  // first bulk put on this connection: what do the stats say?
    m_analyzed_rows = 0;
    // sqlite_stat1 exists only after the first ANALYZE; its "stat" starts with the row count.
    if (auto stat = m_db->prepare(
            "SELECT coalesce(max(CAST(stat AS INTEGER)), 0) FROM sqlite_stat1 WHERE tbl = 'artifacts'")) {
      auto has = stat->step();
      if (has && *has) m_analyzed_rows = stat->column_int(0);
    }
  }
  if (rows < 2 * m_analyzed_rows) return ok();
  (void)m_db->exec("PRAGMA analysis_limit=400; ANALYZE");
  m_analyzed_rows = rows;
  return ok();
}

Expected<std::vector<bool>> SqliteCatalog::already_stored_or_repeated(const std::vector<ArtifactRecord>& records,
                                                                        bool table_has_rows) {
  std::vector<bool> skip(records.size(), false);
  std::unordered_set<std::string_view> seen;
  seen.reserve(records.size());
  std::optional<sqlite::Statement> lookup;
  if (table_has_rows) {
    ASSIGN_OR_RETURN(auto st, m_db->prepare("SELECT 1 FROM artifacts WHERE artifact_id = ?"));
    lookup.emplace(std::move(st));
  }
  for (size_t i = 0; i < records.size(); ++i) {
    if (!seen.insert(records[i].artifact_id).second) {
      skip[i] = true;
      continue;
    }
    if (!lookup) continue;
    lookup->bind_text(1, records[i].artifact_id);
    auto row = lookup->step();
    lookup->reset();
    if (!row) return std::unexpected(row.error());
    skip[i] = *row;
  }
  return skip;
}

// Prepared while every index exists: the checked insert names the id index as its conflict
// target, which a bulk load drops for a while.
Status SqliteCatalog::prepare_write_statements() {
  if (!m_write) {
    auto w = std::make_unique<WriteStatements>();
    ASSIGN_OR_RETURN(w->max_version, m_db->prepare("SELECT max(version) FROM artifacts WHERE name = ?"));
    ASSIGN_OR_RETURN(w->insert, m_db->prepare(
        "INSERT INTO artifacts (artifact_id, name, version, username, hostname, run_id, creation_time, "
        "git_commit, git_branch, git_dirty, label_datatype, label_ticket, label_project, label_dataset, "
        "label_description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (artifact_id) DO NOTHING"));
    ASSIGN_OR_RETURN(w->insert_unchecked, m_db->prepare(
        "INSERT INTO artifacts (artifact_id, name, version, username, hostname, run_id, creation_time, "
        "git_commit, git_branch, git_dirty, label_datatype, label_ticket, label_project, label_dataset, "
        "label_description, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    ASSIGN_OR_RETURN(w->insert_record, m_db->prepare("INSERT INTO artifact_records (seq, record) VALUES (?, ?)"));
    ASSIGN_OR_RETURN(w->insert_value,
                     m_db->prepare("INSERT OR IGNORE INTO artifact_values (path, value, seq) VALUES (?, ?, ?)"));
    m_write = std::move(w);
  }
  return ok();
}

// A bulk load's values, sorted by key: prepared on another thread while the rows go in.
struct SortedValues {
  std::vector<std::pair<IndexedValue, std::int64_t>> held;  // (value, seq)
  std::vector<PendingValue> sorted;                         // points into held
};

SortedValues sorted_values(const std::vector<ArtifactRecord>& records, const std::vector<bool>& skip,
                           std::int64_t first_seq) {
  SortedValues out;
  std::int64_t seq = first_seq;
  for (size_t i = 0; i < records.size(); ++i) {
    if (skip[i]) continue;
    for (auto& v : index_values(records[i], ArgvRows::exclude)) out.held.push_back({std::move(v), seq});
    ++seq;
  }
  std::map<std::string_view, std::uint32_t> ranks;
  for (const auto& h : out.held) ranks.emplace(h.first.path, 0);
  std::uint32_t next = 0;
  for (auto& [path, rank] : ranks) rank = next++;
  out.sorted.reserve(out.held.size());
  for (const auto& h : out.held) out.sorted.push_back(pending_value(ranks[h.first.path], h.second, h.first));
  std::sort(out.sorted.begin(), out.sorted.end(), value_key_less);
  return out;
}

Status SqliteCatalog::insert_batch(std::vector<ArtifactRecord>& records, const std::vector<bool>* skip,
                                   std::int64_t first_seq) {
  auto& max_version = m_write->max_version;
  // With skip (a bulk load) the id index is absent: duplicates were found beforehand, and
  // the rows get the seqs first_seq, first_seq + 1, ... explicitly, so the values (which
  // carry them) are prepared and sorted on a second core meanwhile.
  auto& insert = skip ? m_write->insert_unchecked : m_write->insert;
  auto& insert_value = m_write->insert_value;
  std::future<SortedValues> bulk_values;
  if (skip) bulk_values = std::async(std::launch::async, sorted_values, std::cref(records), std::cref(*skip), first_seq);
  std::int64_t next_seq = first_seq;
  for (size_t i = 0; i < records.size(); ++i) {
    auto& r = records[i];
    if (skip && (*skip)[i]) continue;  // already stored: records are immutable
    const bool assign_version = r.name && r.version == 0;
    if (assign_version) {
      max_version.bind_text(1, *r.name);
      auto row = max_version.step();
      if (!row) {
        max_version.reset();
        return std::unexpected(row.error());
      }
      r.version = (*row ? max_version.column_int(0) : 0) + 1;
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
    if (skip) insert.bind_int(16, next_seq++);
    TRY_STATUS(insert.run());
    if (sqlite3_changes(m_db->handle()) == 0) {  // already stored: records are immutable
      if (assign_version) r.version = 0;
      continue;
    }
    std::int64_t seq = sqlite3_last_insert_rowid(m_db->handle());
    m_write->json.clear();
    append_record_json_text(r, m_write->json);
    m_write->insert_record.bind_int(1, seq);
    m_write->insert_record.bind_text(2, m_write->json);
    TRY_STATUS(m_write->insert_record.run());
    if (skip) continue;  // values: after the loop, sorted
    for (const auto& v : index_values(r, ArgvRows::exclude)) TRY_STATUS(insert_value_row(insert_value, v, seq));
  }
  if (skip) {
    SortedValues values = [&] {
      TraceSpan span("catalog.bulk.values.wait");
      return bulk_values.get();
    }();
    TraceSpan span("catalog.bulk.values.insert");
    for (const auto& p : values.sorted) TRY_STATUS(insert_value_row(insert_value, *p.value, p.seq));
  }
  return ok();
}

Expected<ArtifactRecord> SqliteCatalog::get(std::string_view artifact_id) {
  ASSIGN_OR_RETURN(auto st, m_db->prepare(
      "SELECT r.record FROM artifacts a JOIN artifact_records r ON r.seq = a.seq WHERE a.artifact_id = ?"));
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
  // Order and limit on the narrow table first; read only the returned records.
  ASSIGN_OR_RETURN(auto st, m_db->prepare("SELECT r.record FROM (SELECT a.seq, a.creation_time FROM artifacts a WHERE " +
                                          where.sql + " ORDER BY a.creation_time DESC, a.seq DESC LIMIT ?) t "
                                          "JOIN artifact_records r ON r.seq = t.seq "
                                          "ORDER BY t.creation_time DESC, t.seq DESC"));
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
                        ? "SELECT a.artifact_id, j.value FROM artifacts a JOIN artifact_records r ON r.seq = a.seq, "
                          "json_each(r.record, '$.based_on') j WHERE a.artifact_id = ? ORDER BY j.key"
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
