#include "cairn/catalog/postgres_catalog.h"

#include <algorithm>
#include <map>
#include <set>

#include "cairn/catalog/postgres_connection.h"
#include "cairn/catalog/postgres_rows.h"
#include "cairn/catalog/postgres_schema.h"
#include "cairn/catalog/query_sql.h"
#include "cairn/catalog/record_text.h"

namespace cairn::catalog {
namespace {

using postgres::Param;

using postgres::kWriterLock;

// Lineage fetches the reachable subgraph in one statement; beyond this many rows (a huge,
// densely linked graph) it walks level by level instead, one statement per level.
constexpr std::int64_t kSubgraphMaxRows = 100000;

// Records per COPY chunk: the client makes the next chunk while the server loads this one.
constexpr size_t kCopyChunkRecords = 2000;

// A query parameter as text (libpq text format; bool as 0/1, null as NULL).
Param scalar_param(const Scalar& s) {
  return std::visit(
      [](const auto& x) -> Param {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return std::nullopt;
        else if constexpr (std::is_same_v<T, bool>) return std::string(x ? "1" : "0");
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, double>) return postgres::number_text(x);
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
  TRY_STATUS(postgres::ensure_schema(*conn));
  return std::unique_ptr<PostgresCatalog>(new PostgresCatalog(std::move(conn)));
}

Expected<std::vector<ArtifactRecord>> PostgresCatalog::put(std::vector<ArtifactRecord> records) {
  for (const auto& r : records)
    if (!is_valid_artifact_id(r.artifact_id))
      return make_error(ErrorCode::invalid_input, "catalog: bad artifact id '" + r.artifact_id + "'");
  TRY_STATUS(m_conn->run("BEGIN"));
  m_bulk_loaded = false;
  auto st = insert_batch(records);
  if (!st) {
    (void)m_conn->run("ROLLBACK");
    return std::unexpected(st.error().with_context("catalog: storing " + std::to_string(records.size()) + " records"));
  }
  TRY_STATUS(m_conn->run("COMMIT"));
  if (m_bulk_loaded || records.size() >= 1000) TRY_STATUS(refresh_statistics());
  return records;
}

// Bulk loads outrun autovacuum, and a planner without statistics picks bad plans: VACUUM
// ANALYZE the tables whenever artifacts has at least doubled since the last time.
Status PostgresCatalog::refresh_statistics() {
  ASSIGN_OR_RETURN(auto count, m_conn->exec("SELECT coalesce(max(seq), 0) FROM artifacts"));
  std::int64_t rows = count.integer(0, 0);
  if (m_analyzed_rows < 0) {
    ASSIGN_OR_RETURN(auto stat, m_conn->exec("SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                                             "WHERE oid = 'artifacts'::regclass"));
    m_analyzed_rows = stat.rows() ? stat.integer(0, 0) : 0;
  }
  // A bulk load rebuilt the indexes, which set pg_class.reltuples but no statistics.
  if (rows < 2 * m_analyzed_rows && !m_bulk_loaded) return ok();
  // VACUUM too: it marks the loaded pages all-visible (index-only scans need that, and the
  // first reads need not set hint bits); on insert-only tables it reads only the new pages.
  // artifact_records is only ever read by key, a few rows per query: autovacuum's business.
  TRY_STATUS(m_conn->run("VACUUM (ANALYZE) artifacts, artifact_values"));
  m_analyzed_rows = rows;
  m_bulk_loaded = false;
  return ok();
}

// One batch in a handful of round trips whatever its size: which ids are stored already, the
// current max version of each name, the current max seq, then COPY into the three tables.
Status PostgresCatalog::insert_batch(std::vector<ArtifactRecord>& records) {
  TRY_STATUS(m_conn->run(kWriterLock));
  if (records.empty()) return ok();
  std::set<std::string> names;
  for (const auto& r : records)
    if (r.name && r.version == 0) names.insert(*r.name);
  std::string ids;
  {
    std::vector<std::string_view> all;
    all.reserve(records.size());
    for (const auto& r : records) all.push_back(r.artifact_id);
    postgres::append_array_literal(all, ids);
  }
  ASSIGN_OR_RETURN(auto present_rows,
                   m_conn->exec("SELECT artifact_id FROM artifacts WHERE artifact_id = ANY($1::text[])", {ids}));
  std::set<std::string, std::less<>> skip;
  for (int i = 0; i < present_rows.rows(); ++i) skip.emplace(present_rows.text(i, 0));
  std::map<std::string, std::int64_t, std::less<>> next_version;
  if (!names.empty()) {
    ASSIGN_OR_RETURN(auto mv, m_conn->exec("SELECT name, max(version) FROM artifacts WHERE name = ANY($1::text[]) "
                                           "GROUP BY name",
                                           {postgres::array_literal(names)}));
    for (int i = 0; i < mv.rows(); ++i) next_version[std::string(mv.text(i, 0))] = mv.integer(i, 1);
  }
  std::vector<ArtifactRecord*> fresh;
  for (auto& r : records) {
    if (!skip.insert(r.artifact_id).second) continue;  // stored already, or twice in this batch
    if (r.name && r.version == 0) r.version = ++next_version[*r.name];
    fresh.push_back(&r);
  }
  if (fresh.empty()) return ok();
  // seq numbers: max + 1.. (writers hold the lock, so no one else hands them out meanwhile).
  ASSIGN_OR_RETURN(auto max_seq, m_conn->exec("SELECT coalesce(max(seq), 0) FROM artifacts"));
  const std::int64_t first_seq = max_seq.integer(0, 0) + 1;
  // How this load treats the indexes: kept (incremental), query indexes rebuilt (bulk), or
  // into empty tables: every index rebuilt, including the keys (ids are unique within the
  // batch and nothing is stored), and the rows written frozen (COPY FREEZE needs the tables
  // truncated in this transaction; they are empty), so no later VACUUM rewrites them.
  enum class Load { incremental, bulk, into_empty };
  Load load = Load::incremental;
  if (fresh.size() >= kBulkLoadMin && static_cast<std::int64_t>(fresh.size()) >= first_seq - 1)
    load = first_seq == 1 ? Load::into_empty : Load::bulk;
  m_bulk_loaded = load != Load::incremental;
  const std::string options_end = load == Load::into_empty ? ", FREEZE)" : ")";
  // Each table's rows are made chunk by chunk while the server loads the previous chunk.
  auto stream = [&](const char* copy, auto append) {
    size_t pos = 0;
    std::string scratch;
    return m_conn->copy_in(copy + options_end, [&](std::string& chunk) {
      if (pos == 0) postgres::append_copy_header(chunk);
      for (size_t end = std::min(fresh.size(), pos + kCopyChunkRecords); pos < end; ++pos)
        append(*fresh[pos], first_seq + static_cast<std::int64_t>(pos), chunk, scratch);
      if (pos < fresh.size()) return true;
      postgres::append_copy_trailer(chunk);
      return false;
    });
  };
  if (load == Load::into_empty) {
    TRY_STATUS(m_conn->run("TRUNCATE artifacts, artifact_records, artifact_values"));
    TRY_STATUS(postgres::drop_key_indexes(*m_conn));
  }
  if (load != Load::incremental) TRY_STATUS(postgres::drop_query_indexes(*m_conn));
  TRY_STATUS(stream(postgres::kCopyArtifacts, postgres::append_artifact_row));
  TRY_STATUS(stream(postgres::kCopyRecords, postgres::append_record_row));
  TRY_STATUS(stream(postgres::kCopyValues, [](const ArtifactRecord& r, std::int64_t seq, std::string& out,
                                              std::string&) { postgres::append_value_rows(r, seq, out); }));
  if (load != Load::incremental) {
    // Sorted builds, with room to sort in memory (this transaction only).
    TRY_STATUS(m_conn->run("SET LOCAL maintenance_work_mem = '256MB'"));
    if (load == Load::into_empty) TRY_STATUS(postgres::create_key_indexes(*m_conn));
    TRY_STATUS(postgres::create_query_indexes(*m_conn));
  }
  return ok();
}

Expected<ArtifactRecord> PostgresCatalog::get(std::string_view artifact_id) {
  ASSIGN_OR_RETURN(auto r, m_conn->exec("SELECT r.record FROM artifacts a JOIN artifact_records r ON r.seq = a.seq "
                                        "WHERE a.artifact_id = $1",
                                        {std::string(artifact_id)}));
  if (r.rows() == 0) return make_error(ErrorCode::not_found, "catalog: no artifact " + std::string(artifact_id));
  return record_from_json_text(r.text(0, 0));
}

// One statement for the count and the page; only the returned records are read. Without
// matches the page is empty and the one row carries the count 0. A clause on columns only is
// planned twice (the count scans every match, often in an index alone; the page can stop
// after `limit` rows in creation-time order). A clause on artifact_values costs an artifacts
// lookup per match, so its matches are computed once (a materialized CTE) for both.
Expected<FindResult> PostgresCatalog::find(const Query& query, FindOptions options) {
  SqlWhere where = compile_where(query, SqlDialect::postgres, 1);
  std::vector<Param> params;
  for (const auto& s : where.params) params.push_back(scalar_param(s));
  params.push_back(options.limit > 0 ? Param(std::to_string(options.limit)) : Param());
  const std::string limit = "$" + std::to_string(params.size()) + "::bigint";
  const std::string matches = "SELECT a.seq, a.creation_time FROM artifacts a WHERE " + where.sql;
  const std::string page_of = " ORDER BY creation_time DESC, seq DESC LIMIT " + limit;
  const std::string tail = ") t JOIN artifact_records r ON r.seq = t.seq) p ON true "
                           "ORDER BY p.creation_time DESC, p.seq DESC";
  const std::string sql =
      where.uses_values
          ? "WITH m AS MATERIALIZED (" + matches + ") SELECT c.total, p.record FROM (SELECT count(*) AS total FROM m) c "
            "LEFT JOIN (SELECT t.seq, t.creation_time, r.record FROM (SELECT seq, creation_time FROM m" + page_of + tail
          : "SELECT c.total, p.record FROM (SELECT count(*) AS total FROM artifacts a WHERE " + where.sql + ") c "
            "LEFT JOIN (SELECT t.seq, t.creation_time, r.record FROM (SELECT seq, creation_time FROM (" + matches +
            ") a" + page_of + tail;
  ASSIGN_OR_RETURN(auto rows, m_conn->exec(sql, params));
  FindResult result;
  for (int i = 0; i < rows.rows(); ++i) {
    if (i == 0) result.total = rows.integer(0, 0);
    if (rows.is_null(i, 1)) continue;
    ASSIGN_OR_RETURN(auto rec, record_from_json_text(rows.text(i, 1)));
    result.records.push_back(std::move(rec));
  }
  return result;
}

Expected<std::int64_t> PostgresCatalog::latest_version(std::string_view name) {
  ASSIGN_OR_RETURN(auto r, m_conn->exec("SELECT coalesce(max(version), 0) FROM artifacts WHERE name = $1",
                                        {std::string(name)}));
  return r.integer(0, 0);
}

// One level for a whole frontier in one statement, in frontier order, then based_on order (up)
// or the children's insertion order (down).
Expected<std::vector<LineageEdge>> PostgresCatalog::direct_links(const std::vector<std::string>& ids,
                                                                 LineageDirection direction) {
  const char* sql =
      direction == LineageDirection::up
          ? "SELECT a.artifact_id, p.parent FROM unnest($1::text[]) WITH ORDINALITY f(id, fo) "
            "JOIN artifacts a ON a.artifact_id = f.id "
            "CROSS JOIN LATERAL unnest(a.based_on) WITH ORDINALITY p(parent, po) ORDER BY f.fo, p.po"
          : "SELECT a.artifact_id, v.value FROM unnest($1::text[]) WITH ORDINALITY f(id, fo) "
            "JOIN artifact_values v ON v.path <> 'argv' AND v.path = 'based_on' AND v.value = f.id "
            "JOIN artifacts a ON a.seq = v.seq ORDER BY f.fo, a.seq";
  ASSIGN_OR_RETURN(auto r, m_conn->exec(sql, {postgres::array_literal(ids)}));
  std::vector<LineageEdge> edges;
  for (int i = 0; i < r.rows(); ++i) edges.push_back({std::string(r.text(i, 0)), std::string(r.text(i, 1)), 1});
  return edges;
}

// The whole reachable subgraph (the direct edges of every artifact within depth - 1 levels of
// the start, with their order key: the parent's position in based_on going up, the child's
// seq going down) in one recursive statement, then the shared breadth-first walk over it in
// memory, so the edges and their order are exactly Catalog::lineage's.
Expected<std::vector<LineageEdge>> PostgresCatalog::lineage(std::string_view artifact_id,
                                                            LineageDirection direction, int depth) {
  if (depth <= 0) return std::vector<LineageEdge>{};
  const bool up = direction == LineageDirection::up;
  // The walk visits artifacts (each once per depth it is reached at), not edges: in a densely
  // linked graph many edges lead to one artifact. Then each visited artifact above the last
  // level contributes its direct edges once. Every step is a per-artifact index lookup: the
  // LATERAL ... OFFSET 0 subqueries keep the planner from hashing a whole table, which it
  // prefers on small tables for what it takes to be many visited artifacts.
  const char* sql =
      up ? "WITH RECURSIVE walk(id, depth) AS ("
           " SELECT $1::text COLLATE \"C\", 0"
           " UNION"
           " SELECT p.parent, w.depth + 1 FROM walk w"
           "  CROSS JOIN LATERAL (SELECT a.based_on FROM artifacts a WHERE a.artifact_id = w.id OFFSET 0) a"
           "  CROSS JOIN LATERAL unnest(a.based_on) p(parent) WHERE w.depth < $2::int - 1)"
           " SELECT n.id, p.parent, p.ord FROM (SELECT DISTINCT id FROM walk) n"
           "  CROSS JOIN LATERAL (SELECT a.based_on FROM artifacts a WHERE a.artifact_id = n.id OFFSET 0) a"
           "  CROSS JOIN LATERAL unnest(a.based_on) WITH ORDINALITY p(parent, ord) LIMIT $3::bigint"
         : "WITH RECURSIVE walk(id, depth) AS ("
           " SELECT $1::text COLLATE \"C\", 0"
           " UNION"
           " SELECT c.artifact_id, w.depth + 1 FROM walk w"
           "  CROSS JOIN LATERAL (SELECT a.artifact_id FROM artifact_values v JOIN artifacts a ON a.seq = v.seq"
           "   WHERE v.path <> 'argv' AND v.path = 'based_on' AND v.value = w.id OFFSET 0) c"
           "  WHERE w.depth < $2::int - 1)"
           " SELECT c.artifact_id, n.id, c.seq FROM (SELECT DISTINCT id FROM walk) n"
           "  CROSS JOIN LATERAL (SELECT a.artifact_id, a.seq FROM artifact_values v JOIN artifacts a ON a.seq = v.seq"
           "   WHERE v.path <> 'argv' AND v.path = 'based_on' AND v.value = n.id OFFSET 0) c LIMIT $3::bigint";
  ASSIGN_OR_RETURN(auto r, m_conn->exec(sql, {std::string(artifact_id), std::to_string(depth),
                                              std::to_string(kSubgraphMaxRows + 1)}));
  if (r.rows() > kSubgraphMaxRows) return Catalog::lineage(artifact_id, direction, depth);
  // from -> (order key, to): up: child -> parents; down: parent -> children.
  std::map<std::string, std::set<std::pair<std::int64_t, std::string>>, std::less<>> next;
  for (int i = 0; i < r.rows(); ++i) {
    std::string child(r.text(i, 0)), parent(r.text(i, 1));
    auto& out = next[up ? child : parent];
    out.emplace(r.integer(i, 2), up ? std::move(parent) : std::move(child));
  }
  return walk_lineage(artifact_id, direction, depth,
                      [&](const std::vector<std::string>& frontier) -> Expected<std::vector<LineageEdge>> {
                        std::vector<LineageEdge> edges;
                        for (const auto& id : frontier) {
                          auto it = next.find(id);
                          if (it == next.end()) continue;
                          for (const auto& [ord, other] : it->second)
                            edges.push_back(up ? LineageEdge{id, other, 1} : LineageEdge{other, id, 1});
                        }
                        return edges;
                      });
}

}  // namespace cairn::catalog
