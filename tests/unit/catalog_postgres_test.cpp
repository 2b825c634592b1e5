// PostgreSQL-specific catalog behaviour, against a real throwaway server: a version 1 database
// (the schema before the query rework, no cairn_schema table) is migrated in place on open,
// keeping every record, version counter, value and lineage link; a newer schema is refused;
// a bulk put into an empty catalog rebuilds every query index it dropped; processes opening a
// fresh database at the same time all succeed (one creates the schema, the others wait).
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "catalog_postgres_server.h"
#include "cairn/catalog/postgres_catalog.h"
#include "cairn/catalog/postgres_connection.h"
#include "cairn/catalog/postgres_schema.h"
#include "cairn/catalog/record_index.h"
#include "cairn/catalog/record_text.h"

namespace cairn::catalog {
namespace {

using postgres::Connection;
using postgres::Param;

// The version 1 schema, as PostgresCatalog created it before schema versioning.
constexpr const char* kSchemaV1 = R"sql(
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

ArtifactRecord record(std::string user, const char* iso) {
  ArtifactRecord r;
  r.artifact_id = new_artifact_id();
  r.username = std::move(user);
  r.creation_time = *parse_iso_time(iso);
  r.argv = {"cairn", "artifact", "log"};
  return r;
}

// Writes r the way version 1 did: one artifacts row (record JSONB inline) + its values.
void insert_v1(Connection& db, const ArtifactRecord& r) {
  auto seq = db.exec("INSERT INTO artifacts (artifact_id, name, version, username, creation_time, label_ticket, "
                     "record) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING seq",
                     {r.artifact_id, r.name ? Param(*r.name) : Param(), std::to_string(r.version), r.username,
                      std::to_string(r.creation_time.time_since_epoch().count()),
                      r.labels.ticket ? Param(*r.labels.ticket) : Param(), record_to_json_text(r)});
  ASSERT_TRUE(seq) << seq.error().message();
  for (const auto& v : index_values(r)) {
    Param text, num;
    if (auto* s = std::get_if<std::string>(&v.value)) text = *s;
    else if (auto* i = std::get_if<std::int64_t>(&v.value)) num = std::to_string(*i);
    auto st = db.exec("INSERT INTO artifact_values (seq, path, value, num) VALUES ($1, $2, $3, $4)",
                      {std::string(seq->text(0, 0)), v.path, text, num});
    ASSERT_TRUE(st) << st.error().message();
  }
}

class CatalogPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = m_server.start();
    ASSERT_EQ(why, "") << "PostgreSQL did not start";
    auto admin = Connection::open(m_server.conninfo("postgres"));
    ASSERT_TRUE(admin) << admin.error().message();
    ASSERT_TRUE((*admin)->run("CREATE DATABASE cat"));
    auto db = Connection::open(m_server.conninfo("cat"));
    ASSERT_TRUE(db) << db.error().message();
    m_db = std::move(*db);
  }

  std::int64_t scalar(const std::string& sql) {
    auto r = m_db->exec(sql);
    EXPECT_TRUE(r) << sql << ": " << r.error().message();
    return r && r->rows() ? r->integer(0, 0) : -1;
  }

  testing::PostgresServer m_server;
  std::unique_ptr<Connection> m_db;
};

TEST_F(CatalogPostgres, MigratesVersion1DatabasesInPlace) {
  auto a = record("user-a", "2024-05-01T10:00:00Z");
  a.name = "model";
  a.version = 1;
  a.labels.ticket = "AB-1";
  a.labels.infos = {{"seed", 7}};
  auto b = record("user-b", "2024-05-02T10:00:00Z");
  b.name = "model";
  b.version = 2;
  b.based_on = {a.artifact_id};
  ASSERT_TRUE(m_db->run(kSchemaV1));
  insert_v1(*m_db, a);
  insert_v1(*m_db, b);
  ASSERT_FALSE(HasFatalFailure());

  auto cat = PostgresCatalog::open(m_server.url("cat"));
  ASSERT_TRUE(cat) << cat.error().message();
  EXPECT_EQ(scalar("SELECT version FROM cairn_schema"), postgres::kSchemaVersion);
  EXPECT_EQ(scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '%_v1%'"), 0);  // old tables gone
  EXPECT_EQ(*(*cat)->get(a.artifact_id), a);
  EXPECT_EQ(*(*cat)->get(b.artifact_id), b);
  auto q = parse_query_text(R"({"labels.infos.seed": 7, "labels.ticket": "AB-1", "argv": "log"})");
  ASSERT_TRUE(q);
  auto found = (*cat)->find(*q, FindOptions{10});
  ASSERT_TRUE(found) << found.error().message();
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->records[0].artifact_id, a.artifact_id);
  for (auto direction : {LineageDirection::down, LineageDirection::up}) {
    auto edges = (*cat)->lineage(direction == LineageDirection::down ? a.artifact_id : b.artifact_id, direction, 8);
    ASSERT_TRUE(edges) << edges.error().message();
    ASSERT_EQ(edges->size(), 1u);
    EXPECT_EQ((*edges)[0].child, b.artifact_id);
    EXPECT_EQ((*edges)[0].parent, a.artifact_id);
  }
  auto c = record("user-c", "2024-05-03T10:00:00Z");
  c.name = "model";
  auto stored = (*cat)->put({c});
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ((*stored)[0].version, 3);
  EXPECT_EQ(scalar("SELECT seq FROM artifacts WHERE version = 3"), 3);  // seq continues after the old rows
  cat->reset();
  auto again = PostgresCatalog::open(m_server.url("cat"));  // already version 2: opens as is
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*(*again)->latest_version("model"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM cairn_schema"), 1);
}

TEST_F(CatalogPostgres, ConcurrentFirstOpensAllSucceed) {
  auto admin = Connection::open(m_server.conninfo("postgres"));
  ASSERT_TRUE(admin) << admin.error().message();
  for (int round = 0; round < 3; ++round) {
    const std::string db = "fresh" + std::to_string(round);
    ASSERT_TRUE((*admin)->run("CREATE DATABASE " + db));
    std::vector<pid_t> children;
    for (int p = 0; p < 4; ++p) {
      pid_t pid = ::fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        auto cat = PostgresCatalog::open(m_server.url(db));
        if (!cat) std::fprintf(stderr, "open: %s\n", cat.error().message().c_str());
        ::_exit(cat ? 0 : 1);
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
    }
  }
}

TEST_F(CatalogPostgres, RefusesANewerSchema) {
  ASSERT_TRUE(PostgresCatalog::open(m_server.url("cat")));
  ASSERT_TRUE(m_db->run("UPDATE cairn_schema SET version = version + 1"));
  auto cat = PostgresCatalog::open(m_server.url("cat"));
  ASSERT_FALSE(cat);
  EXPECT_EQ(cat.error().code(), ErrorCode::corrupt);
  EXPECT_NE(cat.error().message().find("newer than this cairn"), std::string::npos) << cat.error().message();
}

// A put of kBulkLoadMin records into an empty catalog drops the query indexes for the load:
// afterwards every one of them exists again, and the planner uses them.
TEST_F(CatalogPostgres, BulkPutRebuildsTheQueryIndexes) {
  auto cat = PostgresCatalog::open(m_server.url("cat"));
  ASSERT_TRUE(cat) << cat.error().message();
  const std::string count_indexes =
      "SELECT count(*) FROM pg_indexes WHERE tablename IN ('artifacts', 'artifact_records', 'artifact_values')";
  const std::int64_t indexes = scalar(count_indexes);
  EXPECT_GE(indexes, 12);  // 4 for keys and (name, version), 8 for queries
  std::vector<ArtifactRecord> batch;
  for (size_t i = 0; i < PostgresCatalog::kBulkLoadMin; ++i) {
    auto r = record("user-" + std::to_string(i % 10), "2024-05-01T10:00:00Z");
    r.labels.ticket = "T-" + std::to_string(i);
    r.labels.infos = {{"seed", static_cast<int>(i)}};
    batch.push_back(std::move(r));
  }
  auto stored = (*cat)->put(batch);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(scalar(count_indexes), indexes);
  auto plan = m_db->exec("EXPLAIN SELECT seq FROM artifacts WHERE label_ticket IS NOT NULL AND label_ticket = 'T-5'");
  ASSERT_TRUE(plan) << plan.error().message();
  std::string text;
  for (int i = 0; i < plan->rows(); ++i) text += std::string(plan->text(i, 0)) + "\n";
  EXPECT_NE(text.find("artifacts_ticket"), std::string::npos) << text;
  auto q = parse_query_text(R"({"labels.infos.seed": {"$gte": 19990}})");
  ASSERT_TRUE(q);
  auto found = (*cat)->find(*q, FindOptions{3});
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->total, 10);
  EXPECT_EQ(found->records.size(), 3u);
}

// A bulk put into a smaller, non-empty table keeps what is stored and the keys it enforces.
TEST_F(CatalogPostgres, BulkPutIntoASmallerTableKeepsRowsAndVersions) {
  auto cat = PostgresCatalog::open(m_server.url("cat"));
  ASSERT_TRUE(cat) << cat.error().message();
  auto first = record("user-a", "2024-05-01T10:00:00Z");
  first.name = "model";
  auto put_first = (*cat)->put({first});
  ASSERT_TRUE(put_first) << put_first.error().message();
  first = (*put_first)[0];  // version 1
  std::vector<ArtifactRecord> batch{first};  // stored already: skipped
  for (size_t i = 0; i < PostgresCatalog::kBulkLoadMin; ++i) {
    auto r = record("user-b", "2024-05-02T10:00:00Z");
    if (i % 1000 == 0) r.name = "model";
    batch.push_back(std::move(r));
  }
  auto stored = (*cat)->put(batch);
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ((*stored)[1].version, 2);
  EXPECT_EQ(*(*cat)->latest_version("model"), 21);
  auto all = (*cat)->find(*parse_query_text("{}"), FindOptions{1});
  ASSERT_TRUE(all) << all.error().message();
  EXPECT_EQ(all->total, static_cast<std::int64_t>(PostgresCatalog::kBulkLoadMin) + 1);
  EXPECT_EQ(*(*cat)->get(first.artifact_id), first);
  // the unique (name, version) index is still there
  auto dup = m_db->exec("INSERT INTO artifacts (seq, artifact_id, name, version, username, creation_time) "
                        "VALUES (999999, 'artifact_x', 'model', 2, 'u', 0)");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), ErrorCode::conflict);
}

}  // namespace
}  // namespace cairn::catalog
