// Two processes logging 1,000 artifacts each through the engine (Artifacts::log) into one
// catalog, all with the same name: 2,000 rows, versions 1..2000 without a gap or duplicate,
// and no "database is locked" — on SQLite and on a real PostgreSQL. Identical bytes are stored
// once in the root.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "cairn/catalog/artifacts.h"
#include "cairn/catalog/postgres_connection.h"
#include "catalog_postgres_server.h"
#include "test_util.h"

namespace cairn::catalog {
namespace {

using cairn::testing::TempDir;
using cairn::testing::write_file;
namespace fs = std::filesystem;

constexpr int kPerProcess = 1000;

// Child: logs kPerProcess artifacts; exit code 0 on success, 1 on any error (printed).
[[noreturn]] void child(const ArtifactSettings& settings, const std::string& file) {
  auto a = Artifacts::open(settings);
  if (!a) {
    std::fprintf(stderr, "open: %s\n", a.error().message().c_str());
    ::_exit(1);
  }
  LogOptions o;
  o.name = "shared";
  for (int i = 0; i < kPerProcess; ++i) {
    auto r = (*a)->log({{file, "x.txt"}}, o);
    if (!r) {
      std::fprintf(stderr, "log %d: %s\n", i, r.error().message().c_str());
      ::_exit(1);
    }
  }
  ::_exit(0);
}

void run_two_writers(const std::string& catalog_url) {
  TempDir tmp;
  ArtifactSettings s;
  s.cwd = tmp.path();
  s.catalog_url = catalog_url;
  s.root_url = tmp / "root";
  s.local_cache_dir = tmp / "cache";
  s.state_dir = tmp / "state";
  s.username = "user-a";
  const std::string file = tmp / "x.txt";
  write_file(file, "same bytes");
  {  // create the schema once before the race (as the first `cairn` call would)
    auto a = Artifacts::open(s);
    ASSERT_TRUE(a) << a.error().message();
  }
  std::vector<pid_t> pids;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child(s, file);
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a writer failed (see stderr)";
  }
  auto a = Artifacts::open(s);
  ASSERT_TRUE(a) << a.error().message();
  auto all = (*a)->find(R"({"name": "shared"})", 0);
  ASSERT_TRUE(all) << all.error().message();
  EXPECT_EQ(all->total, 2 * kPerProcess);
  std::set<std::int64_t> versions;
  for (const auto& r : all->records) versions.insert(r.version);
  EXPECT_EQ(versions.size(), static_cast<std::size_t>(2 * kPerProcess));
  EXPECT_EQ(*versions.begin(), 1);
  EXPECT_EQ(*versions.rbegin(), 2 * kPerProcess);
  std::size_t objects = 0;
  for (const auto& e : fs::recursive_directory_iterator(tmp / "root/files"))
    if (e.is_regular_file()) ++objects;
  EXPECT_EQ(objects, 1u);
  std::size_t records = 0;
  for (const auto& e : fs::recursive_directory_iterator(tmp / "root/artifacts"))
    if (e.is_regular_file()) ++records;
  EXPECT_EQ(records, static_cast<std::size_t>(2 * kPerProcess));
}

TEST(ArtifactConcurrency, TwoProcessesSqlite) {
  TempDir tmp;
  run_two_writers("sqlite://" + tmp / "catalog.db");
}

TEST(ArtifactConcurrency, TwoProcessesPostgres) {
  testing::PostgresServer pg;
  const std::string why = pg.start();
  ASSERT_EQ(why, "") << "PostgreSQL did not start";
  auto admin = postgres::Connection::open(pg.conninfo("postgres"));
  ASSERT_TRUE(admin) << admin.error().message();
  ASSERT_TRUE((*admin)->run("CREATE DATABASE artifacts_race"));
  admin->reset();
  run_two_writers(pg.url("artifacts_race"));
}

}  // namespace
}  // namespace cairn::catalog
