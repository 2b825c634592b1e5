#include "cairn/catalog/postgres_catalog.h"

#include <cstdio>
#include <map>
#include <set>

#include "cairn/catalog/postgres_connection.h"
#include "cairn/catalog/query_sql.h"
#include "cairn/catalog/record_index.h"
#include "cairn/catalog/record_text.h"

namespace cairn::catalog {
namespace {

using postgres::Param;

// Serializes writers and schema creation (an arbitrary constant: "cairn" in ASCII).
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(435610135150)";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS artifacts (
  seq BIGSERIAL PRIMARY KEY,
  artifact_id TEXT NOT NULL UNIQUE,
  name TEXT,
  version BIGINT NOT NULL DEFAULT 0,
  username TEXT NOT NULL,
  hostname TEXT,
  run_id TEXT,
  creation_time BIGINT NOT NULL,
  git_commit TEXT,
  git_branch TEXT,
  git_dirty SMALLINT,
  label_datatype TEXT,
  label_ticket TEXT,
  label_project TEXT,
  label_dataset TEXT,
  label_description TEXT,
  record JSONB NOT NULL
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
  seq BIGINT NOT NULL,
  path TEXT NOT NULL,
  value TEXT COLLATE "C",
  num DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS artifact_values_path_value ON artifact_values (path, value, seq);
CREATE INDEX IF NOT EXISTS artifact_values_path_num ON artifact_values (path, num, seq);
CREATE INDEX IF NOT EXISTS artifact_values_seq ON artifact_values (seq, path);
)sql";

Param non_empty(const std::string& s) { return s.empty() ? Param() : Param(s); }

std::string number_text(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

// A query parameter as text (libpq text format; bool as 0/1, null as NULL).
Param scalar_param(const Scalar& s) {
  return std::visit(
      [](const auto& x) -> Param {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return std::nullopt;
        else if constexpr (std::is_same_v<T, bool>) return std::string(x ? "1" : "0");
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, double>) return number_text(x);
        else return x;
      },
      s);
}

}  // namespace

PostgresCatalog::PostgresCatalog(std::unique_ptr<postgres::Connection> conn) : m_conn(std::move(conn)) {}
PostgresCatalog::~PostgresCatalog() = default;

Expected<std::unique_ptr<PostgresCatalog>> PostgresCatalog::open(const std::string& connection) {
  ASSIGN_OR_RETURN(auto conn, postgres::Connection::open(connection));
  TRY_STATUS(conn->run("SET client_min_messages = warning"));
  TRY_STATUS(conn->run("BEGIN"));
  auto schema = [&]() -> Status {
    TRY_STATUS(conn->run(kLock));
    return conn->run(kSchema);
  }();
  if (!schema) {
    (void)conn->run("ROLLBACK");
    return std::unexpected(schema.error());
  }
  TRY_STATUS(conn->run("COMMIT"));
  return std::unique_ptr<PostgresCatalog>(new PostgresCatalog(std::move(conn)));
}

Expected<std::vector<ArtifactRecord>> PostgresCatalog::put(std::vector<ArtifactRecord> records) {
  for (const auto& r : records)
    if (!is_valid_artifact_id(r.artifact_id))
      return make_error(ErrorCode::invalid_input, "catalog: bad artifact id '" + r.artifact_id + "'");
  TRY_STATUS(m_conn->run("BEGIN"));
  auto st = insert_batch(records);
  if (!st) {
    (void)m_conn->run("ROLLBACK");
    return std::unexpected(st.error().with_context("catalog: storing " + std::to_string(records.size()) + " records"));
  }
  TRY_STATUS(m_conn->run("COMMIT"));
  if (records.size() >= 1000) TRY_STATUS(refresh_statistics());
  return records;
}

// Bulk loads outrun autovacuum's ANALYZE, and a planner without statistics picks bad plans:
// ANALYZE both tables whenever artifacts has at least doubled since the last one.
Status PostgresCatalog::refresh_statistics() {
  ASSIGN_OR_RETURN(auto count, m_conn->exec("SELECT coalesce(max(seq), 0) FROM artifacts"));
  std::int64_t rows = count.integer(0, 0);
  if (m_analyzed_rows < 0) {
    ASSIGN_OR_RETURN(auto stat, m_conn->exec("SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                                             "WHERE oid = 'artifacts'::regclass"));
    m_analyzed_rows = stat.rows() ? stat.integer(0, 0) : 0;
  }
  if (rows < 2 * m_analyzed_rows) return ok();
  TRY_STATUS(m_conn->run("ANALYZE artifacts; ANALYZE artifact_values"));
  m_analyzed_rows = rows;
  return ok();
}

// One batch in a handful of round trips whatever its size: which ids are stored already, the
// current max version of each name, a block of seq numbers, then COPY for both tables.
Status PostgresCatalog::insert_batch(std::vector<ArtifactRecord>& records) {
  TRY_STATUS(m_conn->run(kLock));
  if (records.empty()) return ok();
  // Ids were validated (artifact_<uuid>), so they need no quoting inside an array literal.
  std::string ids = "{";
  std::set<std::string> names;
  for (const auto& r : records) {
    if (ids.size() > 1) ids += ",";
    ids += r.artifact_id;
    if (r.name && r.version == 0) names.insert(*r.name);
  }
  ids += "}";
  ASSIGN_OR_RETURN(auto present_rows,
                   m_conn->exec("SELECT artifact_id FROM artifacts WHERE artifact_id = ANY($1::text[])", {ids}));
  std::set<std::string, std::less<>> skip;
  for (int i = 0; i < present_rows.rows(); ++i) skip.emplace(present_rows.text(i, 0));
  std::map<std::string, std::int64_t, std::less<>> next_version;
  if (!names.empty()) {
    std::string name_array = "{";
    for (const auto& n : names) {
      if (name_array.size() > 1) name_array += ",";
      name_array += '"';
      for (char c : n) {
        if (c == '"' || c == '\\') name_array += '\\';
        name_array += c;
      }
      name_array += '"';
    }
    name_array += "}";
    ASSIGN_OR_RETURN(auto mv, m_conn->exec("SELECT name, max(version) FROM artifacts WHERE name = ANY($1::text[]) "
                                           "GROUP BY name",
                                           {name_array}));
    for (int i = 0; i < mv.rows(); ++i) next_version[std::string(mv.text(i, 0))] = mv.integer(i, 1);
  }
  std::vector<ArtifactRecord*> fresh;
  for (auto& r : records) {
    if (!skip.insert(r.artifact_id).second) continue;  // stored already, or twice in this batch
    if (r.name && r.version == 0) r.version = ++next_version[*r.name];
    fresh.push_back(&r);
  }
  if (fresh.empty()) return ok();
  ASSIGN_OR_RETURN(auto seqs, m_conn->exec("SELECT nextval(pg_get_serial_sequence('artifacts', 'seq')) "
                                           "FROM generate_series(1, $1::bigint) ORDER BY 1",
                                           {std::to_string(fresh.size())}));
  if (seqs.rows() != static_cast<int>(fresh.size()))
    return make_error(ErrorCode::io, "catalog (postgresql): could not reserve sequence numbers");
  std::string rows, values, json;
  auto field = [&](std::string& out, const std::optional<std::string>& v) {
    if (v) postgres::copy_text_field(*v, out);
    else postgres::copy_null_field(out);
  };
  for (size_t i = 0; i < fresh.size(); ++i) {
    const auto& r = *fresh[i];
    std::string seq(seqs.text(static_cast<int>(i), 0));
    rows += seq;
    rows += '\t';
    field(rows, r.artifact_id);
    rows += '\t';
    field(rows, r.name);
    rows += '\t';
    rows += std::to_string(r.version);
    rows += '\t';
    field(rows, r.username);
    rows += '\t';
    field(rows, non_empty(r.hostname));
    rows += '\t';
    field(rows, non_empty(r.run_id));
    rows += '\t';
    rows += std::to_string(r.creation_time.time_since_epoch().count());
    rows += '\t';
    field(rows, r.git ? std::optional<std::string>(r.git->commit) : std::nullopt);
    rows += '\t';
    field(rows, r.git ? non_empty(r.git->branch) : std::nullopt);
    rows += '\t';
    field(rows, r.git ? std::optional<std::string>(r.git->dirty == GitDirty::dirty ? "1" : "0") : std::nullopt);
    for (const auto* label : {&r.labels.datatype, &r.labels.ticket, &r.labels.project, &r.labels.dataset,
                              &r.labels.description}) {
      rows += '\t';
      field(rows, *label);
    }
    rows += '\t';
    json.clear();
    append_record_json_text(r, json);
    postgres::copy_text_field(json, rows);
    rows += '\n';
    for (const auto& v : index_values(r)) {
      values += seq;
      values += '\t';
      postgres::copy_text_field(v.path, values);
      values += '\t';
      if (auto* text = std::get_if<std::string>(&v.value)) {
        postgres::copy_text_field(*text, values);
        values += "\t\\N\n";
      } else {
        values += "\\N\t";
        values += *scalar_param(v.value);
        values += '\n';
      }
    }
  }
  TRY_STATUS(m_conn->copy_in("COPY artifacts (seq, artifact_id, name, version, username, hostname, run_id, "
                             "creation_time, git_commit, git_branch, git_dirty, label_datatype, label_ticket, "
                             "label_project, label_dataset, label_description, record) FROM STDIN",
                             rows));
  if (!values.empty())
    TRY_STATUS(m_conn->copy_in("COPY artifact_values (seq, path, value, num) FROM STDIN", values));
  return ok();
}

Expected<ArtifactRecord> PostgresCatalog::get(std::string_view artifact_id) {
  ASSIGN_OR_RETURN(auto r, m_conn->exec("SELECT record::text FROM artifacts WHERE artifact_id = $1",
                                        {std::string(artifact_id)}));
  if (r.rows() == 0) return make_error(ErrorCode::not_found, "catalog: no artifact " + std::string(artifact_id));
  return record_from_json_text(r.text(0, 0));
}

Expected<FindResult> PostgresCatalog::find(const Query& query, FindOptions options) {
  SqlWhere where = compile_where(query, SqlDialect::postgres, 1);
  std::vector<Param> params;
  for (const auto& s : where.params) params.push_back(scalar_param(s));
  FindResult result;
  ASSIGN_OR_RETURN(auto count, m_conn->exec("SELECT count(*) FROM artifacts a WHERE " + where.sql, params));
  result.total = count.integer(0, 0);
  params.push_back(options.limit > 0 ? Param(std::to_string(options.limit)) : Param());
  ASSIGN_OR_RETURN(auto rows, m_conn->exec("SELECT a.record::text FROM artifacts a WHERE " + where.sql +
                                               " ORDER BY a.creation_time DESC, a.seq DESC LIMIT $" +
                                               std::to_string(params.size()) + "::bigint",
                                           params));
  for (int i = 0; i < rows.rows(); ++i) {
    ASSIGN_OR_RETURN(auto rec, record_from_json_text(rows.text(i, 0)));
    result.records.push_back(std::move(rec));
  }
  return result;
}

Expected<std::int64_t> PostgresCatalog::latest_version(std::string_view name) {
  ASSIGN_OR_RETURN(auto r, m_conn->exec("SELECT coalesce(max(version), 0) FROM artifacts WHERE name = $1",
                                        {std::string(name)}));
  return r.integer(0, 0);
}

Expected<std::vector<LineageEdge>> PostgresCatalog::direct_links(const std::vector<std::string>& ids,
                                                                 LineageDirection direction) {
  std::string sql = direction == LineageDirection::up
                        ? "SELECT a.artifact_id, v.value FROM artifacts a JOIN artifact_values v ON v.seq = a.seq "
                          "AND v.path = 'based_on' WHERE a.artifact_id = $1"
                        : "SELECT a.artifact_id, v.value FROM artifact_values v JOIN artifacts a ON a.seq = v.seq "
                          "WHERE v.path = 'based_on' AND v.value = $1 ORDER BY a.seq";
  std::vector<LineageEdge> edges;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(auto r, m_conn->exec(sql, {id}));
    for (int i = 0; i < r.rows(); ++i) edges.push_back({std::string(r.text(i, 0)), std::string(r.text(i, 1)), 1});
  }
  return edges;
}

}  // namespace cairn::catalog
