// Catalog benchmark (not run by default; figures for docs/benchmarks.md):
//   CAIRN_CATALOG_BENCH_N=1000000 cairn_catalog_tests --gtest_also_run_disabled_tests \
//     --gtest_filter='*Bench*'
// Ingests N synthetic records into SQLite in batches of 10,000 and prints the ingest rate and
// the p50/p95 latency of an indexed query (user + label + time range, limit 10), an ad-hoc
// filter on a free-form label, and lineage to depth 8.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <sys/resource.h>

#include <gtest/gtest.h>

#include "cairn/catalog/sqlite_catalog.h"
#include "test_util.h"

namespace cairn::catalog {
namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

template <class F>
std::pair<double, double> latency(int reps, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    f(i);
    t.push_back(ms_since(t0));
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t[t.size() * 95 / 100]};
}

TEST(CatalogBench, DISABLED_SqliteScale) {
  const char* env = std::getenv("CAIRN_CATALOG_BENCH_N");
  const int n = env ? std::atoi(env) : 100000;
  cairn::testing::TempDir dir;
  auto cat = SqliteCatalog::open(dir / "bench.db");
  ASSERT_TRUE(cat) << cat.error().message();
  std::mt19937 rng(42);
  const char* datatypes[] = {"annotation_file", "model", "dataset", "report", "image_folder"};
  const auto t_base = *parse_iso_time("2024-01-01T00:00:00Z");
  std::vector<std::string> ids;
  ids.reserve(n);
  auto t0 = Clock::now();
  double cpu0 = cpu_seconds();
  for (int start = 0; start < n; start += 10000) {
    std::vector<ArtifactRecord> batch;
    for (int i = start; i < std::min(n, start + 10000); ++i) {
      ArtifactRecord r;
      r.artifact_id = new_artifact_id();
      r.username = "user-" + std::to_string(rng() % 100);
      r.hostname = "host";
      r.creation_time = t_base + std::chrono::seconds(i * 30);
      r.files["data/part-" + std::to_string(i % 7) + (i % 2 ? ".txt" : ".csv")] = {"0123456789abcdef0123456789abcdef",
                                                                                    1234, "s3://b/files/md5/01/23"};
      r.labels.datatype = datatypes[rng() % 5];
      r.labels.ticket = "AB-" + std::to_string(rng() % 5000);
      r.labels.infos = {{"seed", static_cast<int>(rng() % 1000)}};
      if (i > 0 && i % 3 == 0) r.based_on = {ids[i - 1]};
      ids.push_back(r.artifact_id);
      batch.push_back(std::move(r));
    }
    auto res = (*cat)->put(std::move(batch));
    ASSERT_TRUE(res) << res.error().message();
  }
  double ingest_ms = ms_since(t0);
  double ingest_cpu = cpu_seconds() - cpu0;
  std::printf("catalog bench (sqlite), %d records: ingest %.0f records/s wall (%.1f s), %.0f records/s per CPU "
              "second (%.1f s CPU)\n",
              n, n / (ingest_ms / 1000), ingest_ms / 1000, n / ingest_cpu, ingest_cpu);

  auto run = [&](const std::string& text) {
    auto q = parse_query_text(text);
    EXPECT_TRUE(q) << q.error().message();
    auto r = (*cat)->find(*q, FindOptions{10});
    EXPECT_TRUE(r) << r.error().message();
    return r ? r->total : -1;
  };
  auto [p50a, p95a] = latency(200, [&](int i) {
    run(R"({"username": "user-)" + std::to_string(i % 100) +
        R"(", "labels.datatype": "model", "creation_time": {"$gte": "2024-01-05T00:00:00Z", "$lt": "2024-01-12T00:00:00Z"}})");
  });
  std::printf("  indexed query (user + datatype + 1-week range, limit 10, with total): p50 %.3f ms, p95 %.3f ms\n",
              p50a, p95a);
  auto [p50b, p95b] = latency(20, [&](int i) {
    run(R"({"labels.ticket": "AB-)" + std::to_string(i * 37 % 5000) + "\"}");
  });
  std::printf("  ad-hoc label filter (labels.ticket = X, with total): p50 %.3f ms, p95 %.3f ms\n", p50b, p95b);
  auto [p50c, p95c] = latency(20, [&](int i) { run(R"({"labels.infos.seed": {"$gte": 990}})"); });
  std::printf("  ad-hoc infos range (labels.infos.seed >= 990, with total): p50 %.3f ms, p95 %.3f ms\n", p50c, p95c);
  auto [p50d, p95d] = latency(5, [&](int i) { run(R"({"file_relpaths": {"$regex": "part-3\\.txt$"}})"); });
  std::printf("  regex on file_relpaths (full scan, with total): p50 %.3f ms, p95 %.3f ms\n", p50d, p95d);
  auto [p50e, p95e] = latency(200, [&](int i) {
    auto r = (*cat)->lineage(ids[(n - 1 - i * 3) / 3 * 3], LineageDirection::up, 8);
    EXPECT_TRUE(r);
  });
  std::printf("  lineage up, depth 8: p50 %.3f ms, p95 %.3f ms\n", p50e, p95e);
}

}  // namespace
}  // namespace cairn::catalog
