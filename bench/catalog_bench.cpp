// cairn_catalog_bench: the catalog benchmark driver run by bench/bench_catalog.py.
//
// Contract: generates N synthetic artifact records (deterministic for a seed, except the
// random artifact ids), stores them through Catalog::put in batches, then times queries and
// lineage, and prints ONE JSON object on stdout (figures in records/s and milliseconds).
// Only the put() calls are inside the ingest timer; generating the records is not.
//   --catalog URL        sqlite:///path or postgresql://... (must be empty or new)
//   --records N          how many records (default 100000)
//   --batch B            records per put (default 10000)
//   --reps R             repetitions per query (default 200; p50/p95 over them)
//   --export PATH        also write every record as one JSON line (for the MLflow side)
//   --filter JSON        an extra Mongo filter to time (reported as "filter")
// Synthetic shape: 100 users, 5 datatypes, 5000 tickets, infos.seed 0..999, one file, one
// record every 30 s from 2024-01-01, chains of 10 records linked by based_on (so lineage of
// the 10th record of a chain is 9 deep).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "cairn/catalog/catalog_url.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace cairn::catalog;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

struct Latency {
  double p50 = 0, p95 = 0;
  std::int64_t matches = 0;
};

template <class F>
Latency latency(int reps, F&& f) {
  std::vector<double> t;
  Latency l;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    l.matches = f(i);
    t.push_back(ms_since(t0));
  }
  std::sort(t.begin(), t.end());
  l.p50 = t[t.size() / 2];
  l.p95 = t[t.size() * 95 / 100];
  return l;
}

nlohmann::json to_json(const Latency& l) { return {{"p50_ms", l.p50}, {"p95_ms", l.p95}, {"matches", l.matches}}; }

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "cairn_catalog_bench: %s\n", msg.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, export_path, extra_filter;
  long n = 100000, batch = 10000;
  int reps = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--catalog") url = value();
    else if (a == "--records") n = std::stol(value());
    else if (a == "--batch") batch = std::stol(value());
    else if (a == "--reps") reps = std::stoi(value());
    else if (a == "--export") export_path = value();
    else if (a == "--filter") extra_filter = value();
    else die("unknown argument " + a + " (see the header of bench/catalog_bench.cpp)");
  }
  if (url.empty()) die("--catalog URL is required");
  auto cat = open_catalog(url);
  if (!cat) die(cat.error().message());

  std::mt19937 rng(42);
  const char* datatypes[] = {"annotation_file", "model", "dataset", "report", "image_folder"};
  const auto t_base = *parse_iso_time("2024-01-01T00:00:00Z");
  std::vector<std::string> ids;
  ids.reserve(n);
  std::ofstream exported;
  if (!export_path.empty()) exported.open(export_path);
  double put_ms = 0, put_cpu = 0;
  for (long start = 0; start < n; start += batch) {
    std::vector<ArtifactRecord> recs;
    for (long i = start; i < std::min(n, start + batch); ++i) {
      ArtifactRecord r;
      r.artifact_id = new_artifact_id();
      r.username = "user-" + std::to_string(rng() % 100);
      r.hostname = "host";
      r.creation_time = t_base + std::chrono::seconds(i * 30);
      r.files["data/part-" + std::to_string(i % 7) + (i % 2 ? ".txt" : ".csv")] = {
          "0123456789abcdef0123456789abcdef", 1234, "s3://bucket/files/md5/01/23456789abcdef0123456789abcdef"};
      r.labels.datatype = datatypes[rng() % 5];
      r.labels.ticket = "AB-" + std::to_string(rng() % 5000);
      r.labels.infos = {{"seed", static_cast<int>(rng() % 1000)}};
      r.argv = {"train.py", "--epochs", "3"};
      if (i % 10 != 0) r.based_on = {ids[i - 1]};
      ids.push_back(r.artifact_id);
      if (exported) exported << record_to_json(r).dump() << '\n';
      recs.push_back(std::move(r));
    }
    auto t0 = Clock::now();
    double c0 = cpu_seconds();
    auto res = (*cat)->put(std::move(recs));
    put_ms += ms_since(t0);
    put_cpu += cpu_seconds() - c0;
    if (!res) die(res.error().message());
  }
  exported.close();

  auto count = [&](const std::string& text) -> std::int64_t {
    auto q = parse_query_text(text);
    if (!q) die(q.error().message());
    auto r = (*cat)->find(*q, FindOptions{10});
    if (!r) die(r.error().message());
    return r->total;
  };
  nlohmann::json out;
  out["records"] = n;
  out["batch"] = batch;
  out["ingest"] = {{"seconds", put_ms / 1000},
                   {"records_per_s", n / (put_ms / 1000)},
                   {"cpu_seconds", put_cpu},
                   {"records_per_cpu_s", n / put_cpu}};
  // One week of records inside the generated time span (fits any n >= 1 week / 30 s).
  const long span_days = std::max(1L, n * 30 / 86400);
  auto day = [&](long d) {
    return format_iso_time(t_base + std::chrono::hours(24 * std::min(d, span_days)));
  };
  out["indexed_query"] = to_json(latency(reps, [&](int i) {
    long d0 = (i * 7L) % std::max(1L, span_days - 7);
    return count(R"({"username": "user-)" + std::to_string(i % 100) + R"(", "labels.datatype": "model", )" +
                 R"("creation_time": {"$gte": ")" + day(d0) + R"(", "$lt": ")" + day(d0 + 7) + R"("}})");
  }));
  out["label_filter_ticket"] = to_json(latency(reps, [&](int i) {
    return count(R"({"labels.ticket": "AB-)" + std::to_string(i * 37 % 5000) + "\"}");
  }));
  out["label_filter_infos"] = to_json(latency(reps, [&](int i) {
    return count(R"({"labels.infos.seed": )" + std::to_string(i % 1000) + "}");
  }));
  out["label_filter_infos_range"] = to_json(latency(std::max(5, reps / 10), [&](int) {
    return count(R"({"labels.infos.seed": {"$gte": 990}})");
  }));
  if (!extra_filter.empty())
    out["filter"] = to_json(latency(reps, [&](int) { return count(extra_filter); }));
  out["lineage_depth8"] = to_json(latency(reps, [&](int i) -> std::int64_t {
    long last = std::max(9L, (n - 1 - i * 10L) / 10 * 10 + 9);
    if (last >= n) last = 9;
    if (last >= n) return 0;
    auto r = (*cat)->lineage(ids[last], LineageDirection::up, 8);
    if (!r) die(r.error().message());
    return static_cast<std::int64_t>(r->size());
  }));
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
