// SQLite-specific catalog behaviour: version 1 and 2 files (the schemas before the ingest
// reworks) are migrated in place on open, keeping every record, version counter, value and
// lineage link.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "cairn/catalog/record_index.h"
#include "cairn/catalog/record_text.h"
#include "cairn/catalog/sqlite_catalog.h"
#include "test_util.h"

namespace cairn::catalog {
namespace {

constexpr const char* kSchemaV1 = R"sql(
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
PRAGMA user_version=1;
)sql";

// Version 2: record JSON in its own table, values clustered by (seq, ord) including argv rows,
// artifact_id unique by a column constraint.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE artifacts (
  seq INTEGER PRIMARY KEY, artifact_id TEXT NOT NULL UNIQUE, name TEXT, version INTEGER NOT NULL DEFAULT 0,
  username TEXT NOT NULL, hostname TEXT, run_id TEXT, creation_time INTEGER NOT NULL, git_commit TEXT,
  git_branch TEXT, git_dirty INTEGER, label_datatype TEXT, label_ticket TEXT, label_project TEXT,
  label_dataset TEXT, label_description TEXT);
CREATE TABLE artifact_records (seq INTEGER PRIMARY KEY, record TEXT NOT NULL);
CREATE UNIQUE INDEX artifacts_name_version ON artifacts (name, version) WHERE name IS NOT NULL;
CREATE TABLE artifact_values (seq INTEGER NOT NULL, ord INTEGER NOT NULL, path TEXT NOT NULL, value,
  PRIMARY KEY (seq, ord)) WITHOUT ROWID;
CREATE INDEX artifacts_time ON artifacts (creation_time);
CREATE INDEX artifacts_user_datatype_time ON artifacts (username, label_datatype, creation_time);
CREATE INDEX artifacts_datatype_time ON artifacts (label_datatype, creation_time);
CREATE INDEX artifacts_ticket ON artifacts (label_ticket) WHERE label_ticket IS NOT NULL;
CREATE INDEX artifacts_project ON artifacts (label_project) WHERE label_project IS NOT NULL;
CREATE INDEX artifacts_dataset ON artifacts (label_dataset) WHERE label_dataset IS NOT NULL;
CREATE INDEX artifact_values_path_value ON artifact_values (path, value, seq) WHERE path <> 'argv';
PRAGMA user_version=2;
)sql";

ArtifactRecord record(std::string user, const char* iso) {
  ArtifactRecord r;
  r.artifact_id = new_artifact_id();
  r.username = std::move(user);
  r.creation_time = *parse_iso_time(iso);
  r.argv = {"cairn", "artifact", "log"};
  return r;
}

// Writes r the way version 1 did: one artifacts row (record JSON inline) + its values.
void insert_v1(sqlite3* db, const ArtifactRecord& r) {
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "INSERT INTO artifacts (artifact_id, name, version, username, creation_time, "
                               "label_ticket, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               -1, &st, nullptr),
            SQLITE_OK);
  std::string json = record_to_json_text(r);
  sqlite3_bind_text(st, 1, r.artifact_id.c_str(), -1, SQLITE_TRANSIENT);
  if (r.name) sqlite3_bind_text(st, 2, r.name->c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, r.version);
  sqlite3_bind_text(st, 4, r.username.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, r.creation_time.time_since_epoch().count());
  if (r.labels.ticket) sqlite3_bind_text(st, 6, r.labels.ticket->c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 7, json.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  auto seq = sqlite3_last_insert_rowid(db);
  for (const auto& v : index_values(r)) {
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO artifact_values (seq, path, value) VALUES (?, ?, ?)", -1, &st,
                                 nullptr),
              SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, v.path.c_str(), -1, SQLITE_TRANSIENT);
    if (auto* s = std::get_if<std::string>(&v.value)) sqlite3_bind_text(st, 3, s->c_str(), -1, SQLITE_TRANSIENT);
    else if (auto* i = std::get_if<std::int64_t>(&v.value)) sqlite3_bind_int64(st, 3, *i);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
  }
}

// "model" version 1 by user-a, ticket AB-1, infos.seed 7: the parent record of the migration tests.
ArtifactRecord first_model() {
  auto a = record("user-a", "2024-05-01T10:00:00Z");
  a.name = "model";
  a.version = 1;
  a.labels.ticket = "AB-1";
  a.labels.infos = {{"seed", 7}};
  return a;
}

void exec_ok(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Writes r the way version 2 did: artifacts row, record row, values (argv included).
void insert_v2(sqlite3* db, const ArtifactRecord& r) {
  exec_ok(db, "INSERT INTO artifacts (artifact_id, name, version, username, creation_time, label_ticket) VALUES (" +
                  quoted(r.artifact_id) + ", " + (r.name ? quoted(*r.name) : "NULL") + ", " +
                  std::to_string(r.version) + ", " + quoted(r.username) + ", " +
                  std::to_string(r.creation_time.time_since_epoch().count()) + ", " +
                  (r.labels.ticket ? quoted(*r.labels.ticket) : "NULL") + ")");
  auto seq = std::to_string(sqlite3_last_insert_rowid(db));
  exec_ok(db, "INSERT INTO artifact_records (seq, record) VALUES (" + seq + ", " + quoted(record_to_json_text(r)) + ")");
  int ord = 0;
  for (const auto& v : index_values(r)) {
    std::string value = std::holds_alternative<std::string>(v.value) ? quoted(std::get<std::string>(v.value))
                                                                       : std::to_string(std::get<std::int64_t>(v.value));
    exec_ok(db, "INSERT INTO artifact_values (seq, ord, path, value) VALUES (" + seq + ", " + std::to_string(ord++) +
                    ", " + quoted(v.path) + ", " + value + ")");
  }
}

std::int64_t scalar(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
  std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

TEST(CatalogSqlite, MigratesVersion2FilesInPlace) {
  cairn::testing::TempDir dir;
  std::string path = dir / "v2.db";
  auto a = first_model();
  auto b = record("user-b", "2024-05-02T10:00:00Z");
  b.argv = {"train.py", "--fast"};
  b.based_on = {a.artifact_id};
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    exec_ok(db, kSchemaV2);
    insert_v2(db, a);
    insert_v2(db, b);
    sqlite3_close(db);
  }
  ASSERT_EQ(scalar(path, "SELECT count(*) FROM artifact_values WHERE path = 'argv'"), 5);
  {
    auto cat = SqliteCatalog::open(path);
    ASSERT_TRUE(cat) << cat.error().message();
    EXPECT_EQ(*(*cat)->get(a.artifact_id), a);
    EXPECT_EQ(*(*cat)->get(b.artifact_id), b);
    auto q = parse_query_text(R"({"labels.infos.seed": 7, "labels.ticket": "AB-1", "argv": "log"})");
    auto found = (*cat)->find(*q, FindOptions{10});
    ASSERT_TRUE(found) << found.error().message();
    ASSERT_EQ(found->total, 1);
    EXPECT_EQ(found->records[0].artifact_id, a.artifact_id);
    found = (*cat)->find(*parse_query_text(R"({"argv": "--fast"})"), FindOptions{10});
    ASSERT_TRUE(found) << found.error().message();
    ASSERT_EQ(found->total, 1);
    EXPECT_EQ(found->records[0].artifact_id, b.artifact_id);
    auto down = (*cat)->lineage(a.artifact_id, LineageDirection::down, 1);
    ASSERT_TRUE(down);
    ASSERT_EQ(down->size(), 1u);
    auto again = (*cat)->put({a, b});  // already stored: the id index still enforces it
    ASSERT_TRUE(again) << again.error().message();
    auto c = record("user-c", "2024-05-03T10:00:00Z");
    c.name = "model";
    auto stored = (*cat)->put({c});
    ASSERT_TRUE(stored) << stored.error().message();
    EXPECT_EQ((*stored)[0].version, 2);
  }
  EXPECT_EQ(scalar(path, "PRAGMA user_version"), 3);
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM artifacts"), 3);
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM artifact_values WHERE path = 'argv'"), 0);
  EXPECT_EQ(scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'artifacts_id'"), 1);
}

TEST(CatalogSqlite, MigratesVersion1FilesInPlace) {
  cairn::testing::TempDir dir;
  std::string path = dir / "v1.db";
  auto a = first_model();
  auto b = record("user-b", "2024-05-02T10:00:00Z");
  b.name = "model";
  b.version = 2;
  b.based_on = {a.artifact_id};
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, kSchemaV1, nullptr, nullptr, nullptr), SQLITE_OK);
    insert_v1(db, a);
    insert_v1(db, b);
    sqlite3_close(db);
  }
  auto cat = SqliteCatalog::open(path);
  ASSERT_TRUE(cat) << cat.error().message();
  EXPECT_EQ(*(*cat)->get(a.artifact_id), a);
  EXPECT_EQ(*(*cat)->get(b.artifact_id), b);
  auto q = parse_query_text(R"({"labels.infos.seed": 7, "labels.ticket": "AB-1", "argv": "log"})");
  ASSERT_TRUE(q);
  auto found = (*cat)->find(*q, FindOptions{10});
  ASSERT_TRUE(found) << found.error().message();
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->records[0].artifact_id, a.artifact_id);
  auto down = (*cat)->lineage(a.artifact_id, LineageDirection::down, 1);
  ASSERT_TRUE(down);
  ASSERT_EQ(down->size(), 1u);
  EXPECT_EQ((*down)[0].child, b.artifact_id);
  auto c = record("user-c", "2024-05-03T10:00:00Z");
  c.name = "model";
  auto stored = (*cat)->put({c});
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ((*stored)[0].version, 3);
  cat->reset();
  auto again = SqliteCatalog::open(path);  // already the current version: opens as is
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*(*again)->latest_version("model"), 3);
}

}  // namespace
}  // namespace cairn::catalog
