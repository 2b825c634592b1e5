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
//   --server-pid PID     also report the CPU time of the database server during ingest: the
//                        process PID and its direct children (PostgreSQL's postmaster: the
//                        backends, WAL writer, checkpointer, autovacuum), from /proc
// Synthetic shape: 100 users, 5 datatypes, 5000 tickets, infos.seed 0..999, one file, one
// record every 30 s from 2024-01-01, chains of 10 records linked by based_on (so lineage of
// the 10th record of a chain is 9 deep).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

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

// utime + stime of one /proc/<pid>/stat, and its parent pid; false when the process is gone.
bool proc_cpu(const std::string& pid, double& seconds, long& ppid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  auto close = line.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field) f.push_back(field);
  if (f.size() < 13) return false;  // f[0] = state (field 3), f[11] = utime (14), f[12] = stime (15)
  ppid = std::stol(f[1]);
  seconds = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return true;
}

// CPU seconds of server_pid and its direct children (0 when server_pid is 0). Children that
// exited meanwhile are not counted (PostgreSQL's are long-lived: one backend per connection).
double server_cpu_seconds(long server_pid) {
  if (server_pid <= 0) return 0;
  double total = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    double s = 0;
    long ppid = 0;
    if (!proc_cpu(name, s, ppid)) continue;
    if (std::stol(name) == server_pid || ppid == server_pid) total += s;
  }
  return total;
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
  long n = 100000, batch = 10000, server_pid = 0;
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
    else if (a == "--server-pid") server_pid = std::stol(value());
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
  const double server_cpu0 = server_cpu_seconds(server_pid);
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
  const double server_cpu = server_cpu_seconds(server_pid) - server_cpu0;

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
  if (server_pid > 0) {
    out["ingest"]["server_cpu_seconds"] = server_cpu;
    out["ingest"]["records_per_server_cpu_s"] = server_cpu > 0 ? n / server_cpu : 0.0;
    out["ingest"]["records_per_total_cpu_s"] = n / (put_cpu + server_cpu);
  }
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
