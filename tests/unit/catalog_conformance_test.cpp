// One conformance suite for every Catalog backend (catalog.h's contract): batches, ids,
// versions, every query operator against real rows, ordering/limit/total, SQL-looking data,
// lineage, and two processes writing concurrently.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "catalog_conformance.h"
#include "catalog_postgres_server.h"
#include "cairn/catalog/postgres_catalog.h"
#include "cairn/catalog/postgres_connection.h"
#include "cairn/catalog/sqlite_catalog.h"
#include "test_util.h"

namespace cairn::catalog::testing {
namespace {

class SqliteBackend : public CatalogBackend {
 public:
  std::string name() const override { return "sqlite"; }
  std::string create_location() override { return m_dir / ("catalog" + std::to_string(m_n++) + ".db"); }
  Expected<std::unique_ptr<Catalog>> connect(const std::string& location) override {
    ASSIGN_OR_RETURN(auto c, SqliteCatalog::open(location));
    return std::unique_ptr<Catalog>(std::move(c));
  }

 private:
  cairn::testing::TempDir m_dir;
  int m_n = 0;
};

// One server per test process, started on first use and stopped by the environment below.
class SharedPostgres {
 public:
  static SharedPostgres& instance() {
    static SharedPostgres s;
    return s;
  }
  // Empty when running, else why the server could not start.
  const std::string& ensure_started() {
    if (!m_started) {
      m_started = true;
      m_error = m_server.start();
    }
    return m_error;
  }
  void stop() { m_server.stop(); }
  const PostgresServer& server() const { return m_server; }

 private:
  PostgresServer m_server;
  bool m_started = false;
  std::string m_error;
};

class StopPostgres : public ::testing::Environment {
 public:
  void TearDown() override { SharedPostgres::instance().stop(); }
};
[[maybe_unused]] auto* const g_stop_postgres = ::testing::AddGlobalTestEnvironment(new StopPostgres);

class PostgresBackend : public CatalogBackend {
 public:
  std::string name() const override { return "postgres"; }
  // A fresh database per test: "" if the server is down (connect then reports why).
  std::string create_location() override {
    auto& pg = SharedPostgres::instance();
    if (!pg.ensure_started().empty()) return "";
    auto admin = postgres::Connection::open(pg.server().conninfo("postgres"));
    if (!admin) return "";
    std::string db = "cairn_test_" + std::to_string(::getpid()) + "_" + std::to_string(s_next++);
    if (!(*admin)->run(("CREATE DATABASE " + db).c_str())) return "";
    return pg.server().url(db);
  }
  Expected<std::unique_ptr<Catalog>> connect(const std::string& location) override {
    auto& pg = SharedPostgres::instance();
    if (location.empty())
      return make_error(ErrorCode::unavailable, "test PostgreSQL server did not start: " + pg.ensure_started());
    ASSIGN_OR_RETURN(auto c, PostgresCatalog::open(location));
    return std::unique_ptr<Catalog>(std::move(c));
  }

 private:
  static inline int s_next = 0;
};

using BackendFactory = std::function<std::unique_ptr<CatalogBackend>()>;

struct BackendParam {
  std::string name;
  BackendFactory make;
};

void PrintTo(const BackendParam& p, std::ostream* os) { *os << p.name; }

std::vector<BackendParam> backends() {
  return {{"sqlite", [] { return std::unique_ptr<CatalogBackend>(new SqliteBackend()); }},
          {"postgres", [] { return std::unique_ptr<CatalogBackend>(new PostgresBackend()); }}};
}

TimePoint at(const char* iso) { return *parse_iso_time(iso); }

ArtifactRecord make_record(std::string user, TimePoint t) {
  ArtifactRecord r;
  r.artifact_id = new_artifact_id();
  r.username = std::move(user);
  r.hostname = "host-1";
  r.creation_time = t;
  r.argv = {"cairn", "artifact", "log"};
  return r;
}

class CatalogConformance : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override {
    m_backend = GetParam().make();
    m_location = m_backend->create_location();
    auto c = m_backend->connect(m_location);
    ASSERT_TRUE(c) << c.error().message();
    m_catalog = std::move(*c);
  }

  std::vector<ArtifactRecord> put(std::vector<ArtifactRecord> records) {
    auto r = m_catalog->put(std::move(records));
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : std::vector<ArtifactRecord>{};
  }

  FindResult find(std::string_view query, std::int64_t limit = 100) {
    auto q = parse_query_text(query);
    EXPECT_TRUE(q) << q.error().message();
    if (!q) return {};
    auto r = m_catalog->find(*q, FindOptions{limit});
    EXPECT_TRUE(r) << query << ": " << r.error().message();
    return r ? *r : FindResult{};
  }

  // The ids matched by query, in result order.
  std::vector<std::string> ids(std::string_view query) {
    std::vector<std::string> out;
    for (const auto& r : find(query).records) out.push_back(r.artifact_id);
    return out;
  }

  std::unique_ptr<CatalogBackend> m_backend;
  std::string m_location;
  std::unique_ptr<Catalog> m_catalog;
};

// A small fixed data set: a (user-a, annotation, train.txt/test.txt), b (user-b, model,
// based on a), c (user-a, model.pt, based on a and b, infos fold=2), d (user-c, nothing).
class CatalogQueries : public CatalogConformance {
 protected:
  void SetUp() override {
    CatalogConformance::SetUp();
    if (HasFatalFailure()) return;
    a = make_record("user-a", at("2024-05-01T10:00:00Z"));
    a.files["docs/train.txt"] = {"aa", 1, "u1"};
    a.files["docs/test.txt"] = {"bb", 2, "u2"};
    a.labels.datatype = "annotation_file";
    a.labels.ticket = "AB-123";
    a.labels.infos = {{"stratification", "x"}};
    a.name = "annotations";
    b = make_record("user-b", at("2024-05-02T10:00:00Z"));
    b.files["model.bin"] = {"cc", 3, "u3"};
    b.labels.datatype = "model";
    b.based_on = {a.artifact_id};
    b.git = GitInfo{"abc", "main", GitDirty::dirty};
    c = make_record("user-a", at("2024-05-03T10:00:00Z"));
    c.files["model.pt"] = {"dd", 4, "u4"};
    c.labels.datatype = "model";
    c.labels.infos = {{"fold", 2}, {"score", 0.75}, {"tags", {"best", "final"}}};
    c.based_on = {a.artifact_id, b.artifact_id};
    c.run_id = "run-7";
    c.name = "annotations";
    d = make_record("user-c", at("2024-05-04T10:00:00Z"));
    d.argv = {"train.py", "--epochs", "3"};
    put({a, b});
    put({c, d});
  }
  ArtifactRecord a, b, c, d;
};

TEST_P(CatalogConformance, PutGetRoundTrip) {
  auto r = make_record("user-a", at("2024-05-01T10:00:00.123Z"));
  r.files["x/y.txt"] = {"0123", 5, "file:///x"};
  r.labels.description = "it's \"quoted\"; DROP TABLE artifacts; --";
  r.labels.infos = {{"k", {1, 2}}};
  r.git = GitInfo{"c0ffee", "", GitDirty::clean};
  r.environment.python_packages["numpy"] = "1.26";
  auto stored = put({r});
  ASSERT_EQ(stored.size(), 1u);
  auto got = m_catalog->get(r.artifact_id);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, r);
  auto missing = m_catalog->get(new_artifact_id());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
}

TEST_P(CatalogConformance, PutIsIdempotentAndRejectsBadIds) {
  auto r = make_record("u", at("2024-01-01T00:00:00Z"));
  put({r});
  put({r});
  EXPECT_EQ(find("{}").total, 1);
  auto bad = r;
  bad.artifact_id = "artifact_'; DROP TABLE artifacts; --";
  auto res = m_catalog->put({make_record("u", at("2024-01-01T00:00:00Z")), bad});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(find("{}").total, 1);  // the whole batch was refused
}

TEST_P(CatalogConformance, SameIdTwiceInOneBatchIsStoredOnce) {
  auto r = make_record("u", at("2024-01-01T00:00:00Z"));
  r.name = "twice";
  auto stored = put({r, r});
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(find("{}").total, 1);
  EXPECT_EQ(*m_catalog->latest_version("twice"), 1);
}

// A batch big enough for SQLite's bulk path (query indexes rebuilt after the load) behaves
// exactly like small batches: every query, lineage, idempotent re-ingest, later small puts.
TEST_P(CatalogConformance, BulkLoadThenQueriesAndSmallPuts) {
  constexpr int kN = 25000;
  std::vector<ArtifactRecord> batch;
  for (int i = 0; i < kN; ++i) {
    auto r = make_record("user-" + std::to_string(i % 10), TimePoint(std::chrono::milliseconds(1700000000000LL + i)));
    r.labels.datatype = i % 2 ? "model" : "dataset";
    r.labels.ticket = "T-" + std::to_string(i % 100);
    r.labels.infos = {{"seed", i % 1000}};
    // mixed JSON types under one path: the bulk load sorts values across types
    if (i % 3 == 0) r.labels.infos["mixed"] = "t-" + std::to_string(i % 7);
    else if (i % 3 == 1) r.labels.infos["mixed"] = 1.5;
    else r.labels.infos["mixed"] = i % 4;
    r.files["f" + std::to_string(i % 3) + ".txt"] = {"aa", 1, "u"};
    if (i % 5 != 0) r.based_on = {batch.back().artifact_id};
    batch.push_back(std::move(r));
  }
  batch.push_back(batch[7]);  // a repeat inside the batch is stored once
  auto stored = put(batch);
  ASSERT_EQ(stored.size(), size_t(kN) + 1);
  batch.pop_back();
  EXPECT_EQ(find("{}", 1).total, kN);
  EXPECT_EQ(find(R"({"labels.ticket": "T-7"})", 1).total, kN / 100);
  EXPECT_EQ(find(R"({"labels.infos.seed": 123})", 1).total, kN / 1000);
  auto expect_count = [&](std::string_view query, auto pred) {
    int n = 0;
    for (int i = 0; i < kN; ++i) n += pred(i) ? 1 : 0;
    EXPECT_EQ(find(query, 1).total, n) << query;
  };
  expect_count(R"({"labels.infos.mixed": "t-3"})", [](int i) { return i % 3 == 0 && i % 7 == 3; });
  expect_count(R"({"labels.infos.mixed": 1.5})", [](int i) { return i % 3 == 1; });
  expect_count(R"({"labels.infos.mixed": {"$gt": 1}})", [](int i) { return i % 3 == 1 || (i % 3 == 2 && i % 4 > 1); });
  expect_count(R"({"labels.infos.mixed": {"$lt": "t-2"}})", [](int i) { return i % 3 == 0 && i % 7 < 2; });
  expect_count(R"({"labels.infos.mixed": {"$in": [0, "t-6"]}})",
               [](int i) { return (i % 3 == 0 && i % 7 == 6) || (i % 3 == 2 && i % 4 == 0); });
  EXPECT_EQ(find(R"({"username": "user-3", "labels.datatype": "model"})", 1).total, kN / 10);
  EXPECT_EQ(find(R"({"file_relpaths": "f1.txt"})", 1).total, kN / 3);
  EXPECT_EQ(find(R"({"argv": "artifact"})", 1).total, kN);
  auto newest = find(R"({"username": "user-9"})", 1);
  ASSERT_EQ(newest.records.size(), 1u);
  EXPECT_EQ(newest.records[0].artifact_id, batch[kN - 1].artifact_id);
  auto edges = m_catalog->lineage(batch[kN - 1].artifact_id, LineageDirection::up, 8);
  ASSERT_TRUE(edges) << edges.error().message();
  EXPECT_EQ(edges->size(), 4u);  // back to the chain start (every 5th record)
  put(batch);  // re-ingest: nothing new
  EXPECT_EQ(find("{}", 1).total, kN);
  auto later = make_record("user-3", TimePoint(std::chrono::milliseconds(1800000000000LL)));
  later.labels.ticket = "T-7";
  put({later});
  EXPECT_EQ(find(R"({"labels.ticket": "T-7"})", 1).records[0].artifact_id, later.artifact_id);
}

TEST_P(CatalogConformance, VersionsIncrementPerName) {
  std::vector<ArtifactRecord> batch;
  for (int i = 0; i < 3; ++i) {
    auto r = make_record("u", at("2024-01-01T00:00:00Z"));
    r.name = "model";
    batch.push_back(r);
  }
  auto other = make_record("u", at("2024-01-01T00:00:00Z"));
  other.name = "data";
  batch.push_back(other);
  auto stored = put(batch);
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[0].version, 1);
  EXPECT_EQ(stored[1].version, 2);
  EXPECT_EQ(stored[2].version, 3);
  EXPECT_EQ(stored[3].version, 1);
  auto more = make_record("u", at("2024-01-02T00:00:00Z"));
  more.name = "model";
  EXPECT_EQ(put({more})[0].version, 4);
  EXPECT_EQ(*m_catalog->latest_version("model"), 4);
  EXPECT_EQ(*m_catalog->latest_version("nothing"), 0);
  EXPECT_EQ(m_catalog->get(more.artifact_id)->version, 4);  // the stored record carries it
  EXPECT_EQ(find(R"({"name": "model", "version": {"$gte": 3}})").total, 2);
}

TEST_P(CatalogConformance, NewestFirstWithLimitAndTotal) {
  std::vector<ArtifactRecord> batch;
  for (int i = 0; i < 10; ++i)
    batch.push_back(make_record("u", TimePoint(std::chrono::milliseconds(1700000000000LL + i * 1000))));
  put(batch);
  auto r = find("{}", 3);
  EXPECT_EQ(r.total, 10);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].artifact_id, batch[9].artifact_id);
  EXPECT_EQ(r.records[2].artifact_id, batch[7].artifact_id);
  EXPECT_EQ(find("{}", 0).records.size(), 10u);
}

TEST_P(CatalogQueries, TopLevelFieldsAndTimes) {
  EXPECT_EQ(ids(R"({"username": "user-a"})"), (std::vector{c.artifact_id, a.artifact_id}));
  EXPECT_EQ(ids(R"({"username": "user-a", "creation_time": {"$gte": "2024-05-02T00:00:00Z"}})"),
            std::vector{c.artifact_id});
  // the same instant written in another zone
  EXPECT_EQ(ids(R"({"creation_time": {"$gt": "2024-05-03T11:00:00+01:00"}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"creation_time": {"$lt": "2024-05-02"}})"), std::vector{a.artifact_id});
  EXPECT_EQ(ids(R"({"username": {"$ne": "user-a"}})"), (std::vector{d.artifact_id, b.artifact_id}));
  EXPECT_EQ(ids(R"({"username": {"$in": ["user-b", "user-c"]}})"), (std::vector{d.artifact_id, b.artifact_id}));
  EXPECT_EQ(ids(R"({"username": {"$nin": ["user-a", "user-b"]}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"username": {"$regex": "^user-[bc]$"}})"), (std::vector{d.artifact_id, b.artifact_id}));
  EXPECT_EQ(ids(R"({"run_id": {"$exists": true}})"), std::vector{c.artifact_id});
  EXPECT_EQ(ids(R"({"run_id": null, "username": "user-a"})"), std::vector{a.artifact_id});
  EXPECT_EQ(ids(R"({"git.dirty": true})"), std::vector{b.artifact_id});
  EXPECT_EQ(ids(R"({"git.branch": "main"})"), std::vector{b.artifact_id});
  EXPECT_EQ(ids(R"({"name": "annotations", "version": 2})"), std::vector{c.artifact_id});
}

TEST_P(CatalogQueries, LabelsAndInfos) {
  EXPECT_EQ(ids(R"({"labels.datatype": "annotation_file"})"), std::vector{a.artifact_id});
  EXPECT_EQ(ids(R"({"labels.datatype": {"$in": ["model", "other"]}})"), (std::vector{c.artifact_id, b.artifact_id}));
  EXPECT_EQ(ids(R"({"labels.datatype": {"$ne": "model"}})"), (std::vector{d.artifact_id, a.artifact_id}));
  EXPECT_EQ(ids(R"({"labels.datatype": {"$exists": false}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"labels.infos.stratification": "x"})"), std::vector{a.artifact_id});
  EXPECT_EQ(ids(R"({"labels.infos.fold": 2})"), std::vector{c.artifact_id});
  EXPECT_EQ(ids(R"({"labels.infos.fold": "2"})"), std::vector<std::string>{});  // types are not coerced
  EXPECT_EQ(ids(R"({"labels.infos.score": {"$gt": 0.5, "$lte": 0.75}})"), std::vector{c.artifact_id});
  EXPECT_EQ(ids(R"({"labels.infos.score": {"$gt": 0.75}})"), std::vector<std::string>{});
  EXPECT_EQ(ids(R"({"labels.infos.tags": "final"})"), std::vector{c.artifact_id});
  EXPECT_EQ(ids(R"({"labels.ticket": {"$regex": "^AB-\\d+$"}})"), std::vector{a.artifact_id});
}

TEST_P(CatalogQueries, ArrayFieldsMatchAnyElement) {
  EXPECT_EQ(ids("{\"based_on\": \"" + a.artifact_id + "\"}"), (std::vector{c.artifact_id, b.artifact_id}));
  EXPECT_EQ(ids("{\"based_on\": \"" + b.artifact_id + "\"}"), std::vector{c.artifact_id});
  EXPECT_EQ(ids(R"({"file_relpaths": {"$regex": "\\.txt"}})"), std::vector{a.artifact_id});
  EXPECT_EQ(ids(R"({"file_relpaths": "model.pt"})"), std::vector{c.artifact_id});
  // $ne on an array: no element equals it (missing counts)
  EXPECT_EQ(ids("{\"based_on\": {\"$ne\": \"" + a.artifact_id + "\"}}"), (std::vector{d.artifact_id, a.artifact_id}));
  EXPECT_EQ(ids(R"({"based_on": {"$exists": false}})"), (std::vector{d.artifact_id, a.artifact_id}));
  EXPECT_EQ(ids(R"({"argv": "log"})"), (std::vector{c.artifact_id, b.artifact_id, a.artifact_id}));
}

// SQLite answers argv from the record JSON rather than value rows: every operator must still
// mean what it means for the other array fields.
TEST_P(CatalogQueries, ArgvOperators) {
  EXPECT_EQ(ids(R"({"argv": "--epochs"})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"argv": {"$ne": "log"}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"argv": {"$in": ["3", "nothing"]}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"argv": {"$nin": ["cairn"]}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"argv": {"$regex": "\\.py$"}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"argv": {"$gt": "train"}})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"argv": {"$exists": true}})").size(), 4u);
  EXPECT_EQ(ids(R"({"argv": {"$exists": false}})"), std::vector<std::string>{});
  EXPECT_EQ(ids(R"({"$or": [{"argv": "train.py"}, {"username": "user-b"}]})"),
            (std::vector{d.artifact_id, b.artifact_id}));
}

TEST_P(CatalogQueries, LogicalOperators) {
  EXPECT_EQ(ids(R"({"$or": [{"username": "user-c"}, {"labels.datatype": "annotation_file"}]})"),
            (std::vector{d.artifact_id, a.artifact_id}));
  EXPECT_EQ(ids(R"({"$and": [{"username": "user-a"}, {"labels.datatype": "model"}]})"), std::vector{c.artifact_id});
  EXPECT_EQ(ids(R"({"$nor": [{"username": "user-a"}, {"username": "user-b"}]})"), std::vector{d.artifact_id});
  EXPECT_EQ(ids(R"({"$not": {"username": "user-a"}})"), (std::vector{d.artifact_id, b.artifact_id}));
  // a missing value does not match, so its negation does
  EXPECT_EQ(ids(R"({"$not": {"run_id": {"$regex": "run"}}})"), (std::vector{d.artifact_id, b.artifact_id, a.artifact_id}));
  EXPECT_EQ(ids(R"({"git.branch": {"$not": {"$gt": "a"}}})"), (std::vector{d.artifact_id, c.artifact_id, a.artifact_id}));
  EXPECT_EQ(ids(R"({"file_relpaths": {"$not": {"$regex": "\\.txt$"}}})"),
            (std::vector{d.artifact_id, c.artifact_id, b.artifact_id}));
}

TEST_P(CatalogQueries, SqlInValuesAndKeysIsPlainData) {
  EXPECT_EQ(find(R"({"username": "user-a' OR '1'='1"})").total, 0);
  EXPECT_EQ(find(R"({"labels.x') OR 1=1; --": "y"})").total, 0);
  EXPECT_EQ(find(R"({"labels.infos.a\"b": {"$exists": true}})").total, 0);
  EXPECT_EQ(find("{}").total, 4);  // nothing was dropped
}

TEST_P(CatalogQueries, Lineage) {
  auto up = m_catalog->lineage(c.artifact_id, LineageDirection::up, 8);
  ASSERT_TRUE(up) << up.error().message();
  std::set<std::tuple<std::string, std::string, int>> got;
  for (const auto& e : *up) got.emplace(e.child, e.parent, e.depth);
  std::set<std::tuple<std::string, std::string, int>> want{
      {c.artifact_id, a.artifact_id, 1}, {c.artifact_id, b.artifact_id, 1}, {b.artifact_id, a.artifact_id, 2}};
  EXPECT_EQ(got, want);
  auto up1 = m_catalog->lineage(c.artifact_id, LineageDirection::up, 1);
  ASSERT_TRUE(up1);
  EXPECT_EQ(up1->size(), 2u);
  auto down = m_catalog->lineage(a.artifact_id, LineageDirection::down, 8);
  ASSERT_TRUE(down);
  got.clear();
  for (const auto& e : *down) got.emplace(e.child, e.parent, e.depth);
  want = {{b.artifact_id, a.artifact_id, 1}, {c.artifact_id, a.artifact_id, 1}, {c.artifact_id, b.artifact_id, 2}};
  EXPECT_EQ(got, want);
  auto none = m_catalog->lineage(d.artifact_id, LineageDirection::up, 8);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

// A dense layered graph (each of 8 layers of 120 artifacts based on every artifact of the next
// layer): 100,920 edges within depth 8, more than PostgreSQL's one-statement subgraph holds,
// so it walks level by level there. Every backend returns every edge once, breadth first, in
// based_on order within each artifact.
TEST_P(CatalogConformance, WideLineageGraphInBreadthFirstOrder) {
  constexpr int kWidth = 120, kLayers = 8;
  std::vector<std::vector<ArtifactRecord>> layers(kLayers + 1);
  for (int l = kLayers; l >= 0; --l) {
    for (int i = 0; i < (l == 0 ? 1 : kWidth); ++i) {
      auto r = make_record("u", TimePoint(std::chrono::milliseconds(1700000000000LL + (kLayers - l) * 1000 + i)));
      if (l < kLayers)
        for (const auto& parent : layers[l + 1]) r.based_on.push_back(parent.artifact_id);
      layers[l].push_back(std::move(r));
    }
  }
  std::vector<ArtifactRecord> all;
  for (const auto& layer : layers) all.insert(all.end(), layer.begin(), layer.end());
  put(all);
  std::vector<std::tuple<std::string, std::string, int>> want;
  for (int l = 0; l < kLayers; ++l)
    for (const auto& child : layers[l])
      for (const auto& parent : child.based_on) want.emplace_back(child.artifact_id, parent, l + 1);
  auto up = m_catalog->lineage(layers[0][0].artifact_id, LineageDirection::up, kLayers);
  ASSERT_TRUE(up) << up.error().message();
  std::vector<std::tuple<std::string, std::string, int>> got;
  for (const auto& e : *up) got.emplace_back(e.child, e.parent, e.depth);
  ASSERT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want);
  auto down = m_catalog->lineage(layers[kLayers][0].artifact_id, LineageDirection::down, 2);
  ASSERT_TRUE(down) << down.error().message();
  EXPECT_EQ(down->size(), size_t(kWidth + kWidth * kWidth));
}

// Two processes each log 1,000 artifacts one transaction at a time into one catalog: 2,000
// rows, no "database is locked", and named versions are never handed out twice.
TEST_P(CatalogConformance, TwoProcessesLoggingConcurrently) {
  constexpr int kPerProcess = 1000;
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      auto cat = m_backend->connect(m_location);
      if (!cat) {
        std::fprintf(stderr, "child connect: %s\n", cat.error().message().c_str());
        ::_exit(2);
      }
      for (int i = 0; i < kPerProcess && rc == 0; ++i) {
        auto r = make_record("proc-" + std::to_string(p), now_ms());
        r.name = "shared";
        auto res = (*cat)->put({r});
        if (!res) {
          std::fprintf(stderr, "child put: %s\n", res.error().message().c_str());
          rc = 1;
        }
      }
      cat->reset();
      ::_exit(rc);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed, status " << status;
  }
  auto all = find(R"({"name": "shared"})", 0);
  EXPECT_EQ(all.total, 2 * kPerProcess);
  std::set<std::int64_t> versions;
  for (const auto& r : all.records) versions.insert(r.version);
  EXPECT_EQ(versions.size(), size_t(2 * kPerProcess));
  EXPECT_EQ(*versions.begin(), 1);
  EXPECT_EQ(*versions.rbegin(), 2 * kPerProcess);
}

std::string param_name(const ::testing::TestParamInfo<BackendParam>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Backends, CatalogConformance, ::testing::ValuesIn(backends()), param_name);
INSTANTIATE_TEST_SUITE_P(Backends, CatalogQueries, ::testing::ValuesIn(backends()), param_name);

}  // namespace
}  // namespace cairn::catalog::testing
