#include "cairn/catalog/postgres_schema.h"

#include <string>

#include "cairn/catalog/postgres_connection.h"

namespace cairn::catalog::postgres {
namespace {

// Version 2: artifacts rows are narrow (the record text lives in artifact_records and is read
// only for the rows a query returns; based_on is an array column so lineage walks up without
// touching artifact_values); every text column compares bytewise (COLLATE "C", as SQLite
// does, and cheaper to index than a locale); artifact_values has no index by seq and argv
// values (several per record, rarely queried) have no index entry at all (the query compiler
// adds the "path <> 'argv'" term that proves the partial index covers every other path);
// number rows have one entry in the (path, num) index; the optional label indexes are
// partial; (username, creation_time) is served by (username, label_datatype, creation_time).
// seq is assigned by the writer (max + 1 under the writers' lock), not by a sequence.
constexpr const char* kTables = R"sql(
CREATE TABLE cairn_schema (version INTEGER NOT NULL);
CREATE TABLE artifacts (
  seq BIGINT NOT NULL,
  artifact_id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C",
  version BIGINT NOT NULL DEFAULT 0,
  username TEXT COLLATE "C" NOT NULL,
  hostname TEXT COLLATE "C",
  run_id TEXT COLLATE "C",
  creation_time BIGINT NOT NULL,
  git_commit TEXT COLLATE "C",
  git_branch TEXT COLLATE "C",
  git_dirty SMALLINT,
  label_datatype TEXT COLLATE "C",
  label_ticket TEXT COLLATE "C",
  label_project TEXT COLLATE "C",
  label_dataset TEXT COLLATE "C",
  label_description TEXT COLLATE "C",
  based_on TEXT[] COLLATE "C"
);
CREATE TABLE artifact_records (
  seq BIGINT NOT NULL,
  record TEXT NOT NULL
);
CREATE TABLE artifact_values (
  seq BIGINT NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C",
  num DOUBLE PRECISION
);
)sql";

// The keys, created after the tables (and recreated after a load into empty tables).
constexpr const char* kKeyIndexes = R"sql(
ALTER TABLE artifacts ADD CONSTRAINT artifacts_pkey PRIMARY KEY (seq),
                      ADD CONSTRAINT artifacts_artifact_id_key UNIQUE (artifact_id);
CREATE UNIQUE INDEX artifacts_name_version ON artifacts (name, version) WHERE name IS NOT NULL;
ALTER TABLE artifact_records ADD CONSTRAINT artifact_records_pkey PRIMARY KEY (seq);
)sql";

struct QueryIndex {
  const char* name;
  const char* create;
};
constexpr QueryIndex kQueryIndexes[] = {
    {"artifacts_time", "CREATE INDEX IF NOT EXISTS artifacts_time ON artifacts (creation_time, seq)"},
    {"artifacts_user_datatype_time",
     "CREATE INDEX IF NOT EXISTS artifacts_user_datatype_time ON artifacts (username, label_datatype, creation_time)"},
    {"artifacts_datatype_time",
     "CREATE INDEX IF NOT EXISTS artifacts_datatype_time ON artifacts (label_datatype, creation_time)"},
    {"artifacts_ticket",
     "CREATE INDEX IF NOT EXISTS artifacts_ticket ON artifacts (label_ticket) WHERE label_ticket IS NOT NULL"},
    {"artifacts_project",
     "CREATE INDEX IF NOT EXISTS artifacts_project ON artifacts (label_project) WHERE label_project IS NOT NULL"},
    {"artifacts_dataset",
     "CREATE INDEX IF NOT EXISTS artifacts_dataset ON artifacts (label_dataset) WHERE label_dataset IS NOT NULL"},
    {"artifact_values_path_value",
     "CREATE INDEX IF NOT EXISTS artifact_values_path_value ON artifact_values (path, value, seq) "
     "WHERE path <> 'argv'"},
    {"artifact_values_path_num",
     "CREATE INDEX IF NOT EXISTS artifact_values_path_num ON artifact_values (path, num, seq) "
     "WHERE num IS NOT NULL"},
};

// Version 1 -> 2: move the old tables aside (their indexes dropped, their constraint indexes
// renamed: index names are per schema), create version 2, copy, drop the old tables.
constexpr const char* kMigrate1To2Before = R"sql(
DROP INDEX IF EXISTS artifacts_user_time, artifacts_time, artifacts_user_datatype_time, artifacts_datatype_time,
  artifacts_ticket, artifacts_project, artifacts_dataset, artifacts_name_version, artifact_values_path_value,
  artifact_values_path_num, artifact_values_seq;
ALTER TABLE artifacts RENAME TO artifacts_v1;
ALTER INDEX artifacts_pkey RENAME TO artifacts_v1_pkey;
ALTER INDEX artifacts_artifact_id_key RENAME TO artifacts_v1_artifact_id_key;
ALTER TABLE artifact_values RENAME TO artifact_values_v1;
)sql";
constexpr const char* kMigrate1To2After = R"sql(
INSERT INTO artifacts (seq, artifact_id, name, version, username, hostname, run_id, creation_time, git_commit,
                       git_branch, git_dirty, label_datatype, label_ticket, label_project, label_dataset,
                       label_description, based_on)
  SELECT seq, artifact_id, name, version, username, hostname, run_id, creation_time, git_commit, git_branch,
         git_dirty, label_datatype, label_ticket, label_project, label_dataset, label_description,
         CASE WHEN jsonb_typeof(record->'based_on') = 'array' AND jsonb_array_length(record->'based_on') > 0
              THEN ARRAY(SELECT jsonb_array_elements_text(record->'based_on')) END
  FROM artifacts_v1;
INSERT INTO artifact_records (seq, record) SELECT seq, record::text FROM artifacts_v1;
INSERT INTO artifact_values (seq, path, value, num) SELECT seq, path, value, num FROM artifact_values_v1;
DROP TABLE artifacts_v1;
DROP TABLE artifact_values_v1;
)sql";

Expected<int> stored_version(Connection& conn) {
  // pg_class read with this statement's snapshot, not to_regclass: a name lookup may answer
  // from the session's cache ("no such table") even after the writer that created the table
  // committed while this session waited for the lock.
  ASSIGN_OR_RETURN(auto r, conn.exec("SELECT bool_or(c.relname = 'cairn_schema'), bool_or(c.relname = 'artifacts') "
                                     "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                                     "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                                     "AND c.relname IN ('cairn_schema', 'artifacts') AND c.relkind IN ('r', 'p')"));
  if (r.text(0, 0) != "t") return r.text(0, 1) == "t" ? 1 : 0;
  ASSIGN_OR_RETURN(auto v, conn.exec("SELECT coalesce(max(version), 0) FROM cairn_schema"));
  return static_cast<int>(v.integer(0, 0));
}

Status check_not_newer(int version) {
  if (version <= kSchemaVersion) return ok();
  return make_error(ErrorCode::corrupt, "catalog (postgresql) has schema version " + std::to_string(version) +
                                            ", newer than this cairn (" + std::to_string(kSchemaVersion) +
                                            "); upgrade cairn");
}

// Creates or migrates to kSchemaVersion; inside the transaction, under the lock.
Status upgrade(Connection& conn) {
  TRY_STATUS(conn.run(kWriterLock));
  ASSIGN_OR_RETURN(int version, stored_version(conn));  // another process may have done it
  TRY_STATUS(check_not_newer(version));
  if (version == kSchemaVersion) return ok();
  if (version == 1) TRY_STATUS(conn.run(kMigrate1To2Before));
  TRY_STATUS(conn.run(kTables));
  if (version == 1) TRY_STATUS(conn.run(kMigrate1To2After));
  TRY_STATUS(create_key_indexes(conn));
  TRY_STATUS(create_query_indexes(conn));
  TRY_STATUS(conn.run("INSERT INTO cairn_schema (version) VALUES (" + std::to_string(kSchemaVersion) + ")"));
  if (version == 1) TRY_STATUS(conn.run("ANALYZE artifacts; ANALYZE artifact_records; ANALYZE artifact_values"));
  return ok();
}

}  // namespace

Status ensure_schema(Connection& conn) {
  ASSIGN_OR_RETURN(int version, stored_version(conn));
  TRY_STATUS(check_not_newer(version));
  if (version == kSchemaVersion) return ok();
  TRY_STATUS(conn.run("BEGIN"));
  auto st = upgrade(conn);
  if (!st) {
    (void)conn.run("ROLLBACK");
    return st;
  }
  return conn.run("COMMIT");
}

Status drop_query_indexes(Connection& conn) {
  std::string sql = "DROP INDEX IF EXISTS ";
  bool first = true;
  for (const auto& ix : kQueryIndexes) {
    if (!first) sql += ", ";
    sql += ix.name;
    first = false;
  }
  return conn.run(sql);
}

Status create_query_indexes(Connection& conn) {
  for (const auto& ix : kQueryIndexes) TRY_STATUS(conn.run(ix.create));
  return ok();
}

Status drop_key_indexes(Connection& conn) {
  return conn.run(
      "ALTER TABLE artifacts DROP CONSTRAINT artifacts_pkey, DROP CONSTRAINT artifacts_artifact_id_key; "
      "DROP INDEX artifacts_name_version; "
      "ALTER TABLE artifact_records DROP CONSTRAINT artifact_records_pkey");
}

Status create_key_indexes(Connection& conn) {
  return conn.run(kKeyIndexes);
}

}  // namespace cairn::catalog::postgres
