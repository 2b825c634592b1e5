// SQLite-specific catalog behaviour: a version 1 file (the schema before the ingest rework) is
// migrated in place on open, keeping every record, version counter, value and lineage link.
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

TEST(CatalogSqlite, MigratesVersion1FilesInPlace) {
  cairn::testing::TempDir dir;
  std::string path = dir / "v1.db";
  auto a = record("user-a", "2024-05-01T10:00:00Z");
  a.name = "model";
  a.version = 1;
  a.labels.ticket = "AB-1";
  a.labels.infos = {{"seed", 7}};
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
  auto again = SqliteCatalog::open(path);  // already version 2: opens as is
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*(*again)->latest_version("model"), 3);
}

}  // namespace
}  // namespace cairn::catalog
