// repro scheduling: the Scheduler alone with fake work (plan order, -j concurrency, path
// conflicts, failure propagation with and without keep-going, cancel), stages_conflict, and
// reproduce() in a real repository with a fake Executor (what runs, dvc.lock after each stage,
// failing stage, dependents skipped, -k, unchanged stages skipped).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "cairn/pipeline/repro.h"
#include "cairn/pipeline/scheduler.h"
#include "cairn/repo/init.h"
#include "test_util.h"

using namespace cairn;
using namespace cairn::pipeline;
using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;
namespace fs = std::filesystem;

namespace {

// Records the order tasks start in and the peak concurrency.
struct FakeWork {
  std::mutex mu;
  std::vector<std::size_t> started;
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::set<std::size_t> fail;
  std::vector<std::pair<std::size_t, std::size_t>> overlapped;  // tasks seen running together
  std::set<std::size_t> now;
  int sleep_ms = 0;

  Outcome operator()(std::size_t t) {
    {
      std::lock_guard lock(mu);
      started.push_back(t);
      for (auto o : now) overlapped.emplace_back(std::min(o, t), std::max(o, t));
      now.insert(t);
    }
    int r = ++running;
    int p = peak.load();
    while (r > p && !peak.compare_exchange_weak(p, r)) {
    }
    if (sleep_ms) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    --running;
    std::lock_guard lock(mu);
    now.erase(t);
    return fail.count(t) ? Outcome::failed : Outcome::ran;
  }
};

SchedulePlan plan_of(std::size_t n) {
  SchedulePlan p;
  p.prereqs.assign(n, {});
  p.conflicts.assign(n, {});
  return p;
}

TEST(Scheduler, SequentialRunsPlanOrder) {
  auto p = plan_of(4);
  p.prereqs[2] = {0, 1};
  p.prereqs[3] = {2};
  FakeWork w;
  auto st = Scheduler(p, 1, OnError::fail).run(std::ref(w));
  EXPECT_EQ(w.started, (std::vector<std::size_t>{0, 1, 2, 3}));
  for (auto s : st) EXPECT_EQ(s, TaskState::ran);
  EXPECT_EQ(w.peak.load(), 1);
}

TEST(Scheduler, ParallelRunsIndependentTasksTogether) {
  auto p = plan_of(3);
  p.prereqs[2] = {0, 1};
  FakeWork w;
  w.sleep_ms = 100;
  auto t0 = std::chrono::steady_clock::now();
  auto st = Scheduler(p, 2, OnError::fail).run(std::ref(w));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(w.peak.load(), 2);
  EXPECT_LT(ms, 290);  // 0 and 1 together, then 2
  EXPECT_EQ(w.started.back(), 2u);
  for (auto s : st) EXPECT_EQ(s, TaskState::ran);
}

TEST(Scheduler, JobsLimitsConcurrency) {
  auto p = plan_of(6);
  FakeWork w;
  w.sleep_ms = 30;
  Scheduler(p, 3, OnError::fail).run(std::ref(w));
  EXPECT_EQ(w.peak.load(), 3);
  EXPECT_EQ(w.started.size(), 6u);
}

TEST(Scheduler, ConflictingTasksNeverOverlap) {
  auto p = plan_of(3);
  p.conflicts[0] = {1};
  p.conflicts[1] = {0};
  FakeWork w;
  w.sleep_ms = 50;
  Scheduler(p, 3, OnError::fail).run(std::ref(w));
  for (auto [a, b] : w.overlapped) EXPECT_FALSE(a == 0 && b == 1) << "0 and 1 ran together";
  EXPECT_EQ(w.started.size(), 3u);
  // 2 does not conflict: it ran alongside one of them.
  EXPECT_EQ(w.peak.load(), 2);
}

TEST(Scheduler, FailureBlocksDependentsAndStopsWithoutKeepGoing) {
  // 0 -> 1 -> 2 (chain), 3 independent after.
  auto p = plan_of(4);
  p.prereqs[1] = {0};
  p.prereqs[2] = {1};
  FakeWork w;
  w.fail = {0};
  auto st = Scheduler(p, 1, OnError::fail).run(std::ref(w));
  EXPECT_EQ(st[0], TaskState::failed);
  EXPECT_EQ(st[1], TaskState::blocked);
  EXPECT_EQ(st[2], TaskState::blocked);
  EXPECT_EQ(st[3], TaskState::not_started);
  EXPECT_EQ(w.started, (std::vector<std::size_t>{0}));
}

TEST(Scheduler, KeepGoingRunsIndependentTasks) {
  auto p = plan_of(4);
  p.prereqs[1] = {0};
  p.prereqs[2] = {1};
  FakeWork w;
  w.fail = {0};
  auto st = Scheduler(p, 1, OnError::keep_going).run(std::ref(w));
  EXPECT_EQ(st[0], TaskState::failed);
  EXPECT_EQ(st[1], TaskState::blocked);
  EXPECT_EQ(st[2], TaskState::blocked);
  EXPECT_EQ(st[3], TaskState::ran);
  EXPECT_EQ(w.started, (std::vector<std::size_t>{0, 3}));
}

TEST(Scheduler, ParallelFailureLetsRunningTasksFinish) {
  auto p = plan_of(3);
  p.prereqs[2] = {1};
  std::atomic<bool> two_started{false};
  auto st = Scheduler(p, 2, OnError::fail).run([&](std::size_t t) {
    if (t == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return Outcome::failed;
    }
    if (t == 1) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (t == 2) two_started = true;
    return Outcome::ran;
  });
  EXPECT_EQ(st[0], TaskState::failed);
  EXPECT_EQ(st[1], TaskState::ran);  // was already running: it finishes
  EXPECT_EQ(st[2], TaskState::not_started);
  EXPECT_FALSE(two_started.load());
}

TEST(Scheduler, CancelStopsStartingTasks) {
  auto p = plan_of(5);
  Scheduler s(p, 1, OnError::fail);
  std::size_t calls = 0;
  auto st = s.run([&](std::size_t t) {
    ++calls;
    if (t == 1) s.cancel();
    return Outcome::ran;
  });
  EXPECT_EQ(calls, 2u);
  EXPECT_EQ(st[4], TaskState::not_started);
}

Stage make(const std::string& name, std::vector<std::string> deps, std::vector<std::string> outs) {
  Stage s;
  s.name = name;
  s.file = "dvc.yaml";
  s.cmd = yaml::Node::string("run");
  for (auto& d : deps) s.deps.push_back({d, d});
  for (auto& o : outs) {
    StageOut out;
    out.def_path = o;
    out.path = o;
    s.outs.push_back(out);
  }
  return s;
}

TEST(StagesConflict, OverlappingPaths) {
  EXPECT_TRUE(stages_conflict(make("a", {}, {"data/x"}), make("b", {"data"}, {"y"})));     // dep contains out
  EXPECT_TRUE(stages_conflict(make("a", {}, {"data"}), make("b", {"data/x"}, {"y"})));     // dep inside out
  EXPECT_TRUE(stages_conflict(make("a", {}, {"out/a"}), make("b", {}, {"out"})));          // outs nest
  EXPECT_FALSE(stages_conflict(make("a", {"in"}, {"x"}), make("b", {"in"}, {"y"})));      // shared dep only
  EXPECT_FALSE(stages_conflict(make("a", {}, {"data1"}), make("b", {"data"}, {"y"})));     // prefix, not parent
}

// A fake executor: records the stages it runs and writes each output as "<stage>\n".
class FakeExecutor : public Executor {
 public:
  Status run(const ExecRequest& r) override {
    std::lock_guard lock(mu);
    ran.push_back(r.stage->name);
    if (fail.count(r.stage->name)) return make_error(ErrorCode::io, "failed to run: boom, exited with 1");
    for (const auto& o : r.stage->outs) write_file(fs::path(r.root_abs) / o.path, r.stage->name + "\n");
    return ok();
  }
  void cancel() override {}
  std::mutex mu;
  std::vector<std::string> ran;
  std::set<std::string> fail;
};

class CollectSink : public OutputSink {
 public:
  void info(std::string_view l) override { std::lock_guard g(mu); infos.emplace_back(l); }
  void warning(std::string_view l) override { std::lock_guard g(mu); warnings.emplace_back(l); }
  void command(env::OutputStream, std::string_view) override {}
  std::mutex mu;
  std::vector<std::string> infos, warnings;
};

class ReproRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp / "global");
    fs::create_directories(tmp / "system");
    ::setenv("DVC_GLOBAL_CONFIG_DIR", (tmp / "global").c_str(), 1);
    ::setenv("DVC_SYSTEM_CONFIG_DIR", (tmp / "system").c_str(), 1);
    root = tmp / "repo";
    fs::create_directories(root);
    repo::InitOptions io;
    io.no_scm = repo::NoScm::yes;
    ASSERT_TRUE(repo::init(env::default_env(), root, io).has_value());
    write_file(root / "in", "input\n");
    // a -> b -> c; d independent.
    write_file(root / "dvc.yaml",
               "stages:\n"
               "  a:\n    cmd: run a\n    deps: [in]\n    outs: [a.txt]\n"
               "  b:\n    cmd: run b\n    deps: [a.txt]\n    outs: [b.txt]\n"
               "  c:\n    cmd: run c\n    deps: [b.txt]\n    outs: [c.txt]\n"
               "  d:\n    cmd: run d\n    deps: [in]\n    outs: [d.txt]\n");
  }

  Expected<ReproResult> repro(ReproOptions o = {}) {
    auto r = repo::Repository::open(env::default_env(), root);
    EXPECT_TRUE(r.has_value());
    return reproduce(**r, o, exec, sink);
  }

  TempDir tmp_dir;
  fs::path tmp = tmp_dir.path();
  fs::path root;
  FakeExecutor exec;
  CollectSink sink;
};

TEST_F(ReproRepo, RunsAllThenNothing) {
  auto r = repro();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->error);
  EXPECT_EQ(exec.ran, (std::vector<std::string>{"a", "b", "c", "d"}));
  std::string lock = read_file(root / "dvc.lock");
  EXPECT_NE(lock.find("  c:\n    cmd: run c\n"), std::string::npos);
  exec.ran.clear();
  auto again = repro();
  ASSERT_TRUE(again);
  EXPECT_TRUE(exec.ran.empty());
  EXPECT_EQ(again->unchanged.size(), 4u);
  EXPECT_EQ(std::count(sink.infos.begin(), sink.infos.end(), "Stage 'a' didn't change, skipping"), 1);
}

TEST_F(ReproRepo, FailureSkipsDependentsAndKeepsLock) {
  exec.fail = {"b"};
  auto r = repro();
  ASSERT_TRUE(r);
  EXPECT_EQ(exec.ran, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(r->error);
  EXPECT_EQ(*r->error, "failed to reproduce 'b': failed to run: boom, exited with 1");
  std::string lock = read_file(root / "dvc.lock");
  EXPECT_NE(lock.find("  a:\n"), std::string::npos);
  EXPECT_EQ(lock.find("  b:\n"), std::string::npos);
}

TEST_F(ReproRepo, KeepGoingRunsIndependentStages) {
  exec.fail = {"b"};
  ReproOptions o;
  o.on_error = OnError::keep_going;
  auto r = repro(o);
  ASSERT_TRUE(r);
  EXPECT_EQ(exec.ran, (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(r->skipped, (std::vector<std::string>{"c"}));
  ASSERT_TRUE(r->error);
  EXPECT_EQ(*r->error, "failed to reproduce 'b'");
  EXPECT_EQ(sink.warnings.back(), "Stage 'c' will be skipped due to this failure");
}

TEST_F(ReproRepo, ParallelRunsEveryStageOnce) {
  ReproOptions o;
  o.jobs = 4;
  auto r = repro(o);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->error);
  EXPECT_EQ(r->ran.size(), 4u);
  // a before b before c whatever the interleaving.
  auto pos = [&](const std::string& n) { return std::find(exec.ran.begin(), exec.ran.end(), n) - exec.ran.begin(); };
  EXPECT_LT(pos("a"), pos("b"));
  EXPECT_LT(pos("b"), pos("c"));
}

TEST_F(ReproRepo, SingleItemAndDownstream) {
  ASSERT_TRUE(repro());
  exec.ran.clear();
  ReproOptions o;
  o.targets = {"b"};
  o.force = repo::Force::yes;
  o.scope = Scope::single_item;
  ASSERT_TRUE(repro(o));
  EXPECT_EQ(exec.ran, (std::vector<std::string>{"b"}));
  exec.ran.clear();
  o.scope = Scope::downstream;
  ASSERT_TRUE(repro(o));
  EXPECT_EQ(exec.ran, (std::vector<std::string>{"b", "c"}));
}

}  // namespace
