// The cross-cutting wrappers: RetryRemote (backoff, attempts, deadline, which errors are
// retried, clean restarts, counters), LimitRemote (concurrency bound) and CountingRemote.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "cairn/remote/counting_remote.h"
#include "cairn/remote/limit_remote.h"
#include "cairn/remote/mem_remote.h"
#include "cairn/remote/registry.h"
#include "cairn/remote/retry_remote.h"
#include "cairn/util/counters.h"
#include "test_util.h"

using namespace cairn;
using cairn::testing::TempDir;
using remote::MemFault;
using remote::MemOp;
using remote::MemRemote;
using remote::Remote;
using remote::RetryRemote;
using std::chrono::milliseconds;

namespace {

std::string fresh_name() {
  static std::atomic<int> n{0};
  return "mem://wrappers-" + std::to_string(n++);
}

// A fake clock: sleeping advances time instantly; sleeps are recorded.
struct FakeClock {
  std::chrono::steady_clock::time_point t{};
  std::vector<milliseconds> sleeps;
  double uniform = 0.999;
  std::mutex mu;

  remote::RetryClock clock() {
    remote::RetryClock c;
    c.now = [this] {
      std::lock_guard lock(mu);
      return t;
    };
    c.sleep = [this](milliseconds d) {
      std::lock_guard lock(mu);
      sleeps.push_back(d);
      t += d;
    };
    c.uniform = [this] { return uniform; };
    return c;
  }
};

remote::WrapOptions options(int attempts, int base_ms, int max_ms, int deadline_ms) {
  remote::WrapOptions o;
  o.max_attempts = attempts;
  o.base_delay_ms = base_ms;
  o.max_delay_ms = max_ms;
  o.total_deadline_ms = deadline_ms;
  return o;
}

// A MemRemote of a fresh name plus a RetryRemote over another handle on the same store.
struct RetryFixture {
  std::string name = fresh_name();
  MemRemote mem{name};
  FakeClock fake;
  std::unique_ptr<RetryRemote> retry;

  explicit RetryFixture(remote::WrapOptions o = options(5, 100, 5000, 120000)) {
    retry = std::make_unique<RetryRemote>(std::make_unique<MemRemote>(name), o, fake.clock());
  }
  ~RetryFixture() { MemRemote::drop(name); }
};

}  // namespace

TEST(RetryRemote, SucceedsAfterTransientFailuresAndCountsRetries) {
  RetryFixture f;
  ASSERT_TRUE(f.mem.put_bytes("k", "v"));
  f.mem.reset_stats();
  f.mem.inject({.code = ErrorCode::unavailable, .count = 3});
  auto before = counters().retries.load();
  auto got = f.retry->get_bytes("k");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, "v");
  EXPECT_EQ(f.mem.stats().calls, 4u);
  EXPECT_EQ(counters().retries.load() - before, 3u);
  // Exponential backoff with full jitter: uniform * min(max, base * 2^(k-1)).
  EXPECT_EQ(f.fake.sleeps, (std::vector<milliseconds>{milliseconds(99), milliseconds(199), milliseconds(399)}));
}

TEST(RetryRemote, TimeoutIsTransientToo) {
  RetryFixture f;
  f.mem.inject({.code = ErrorCode::timeout, .count = 1});
  EXPECT_TRUE(f.retry->put_bytes("k", "v"));
  EXPECT_EQ(*f.mem.get_bytes("k"), "v");
}

TEST(RetryRemote, JitterStaysWithinTheCap) {
  RetryFixture f(options(10, 100, 800, 0));
  f.fake.uniform = 0.5;
  f.mem.inject({.code = ErrorCode::unavailable, .count = 6});
  EXPECT_TRUE(f.retry->make_root());
  EXPECT_EQ(f.fake.sleeps, (std::vector<milliseconds>{milliseconds(50), milliseconds(100), milliseconds(200),
                                                      milliseconds(400), milliseconds(400), milliseconds(400)}));
}

TEST(RetryRemote, DoesNotRetryPermanentErrors) {
  for (ErrorCode code : {ErrorCode::permission, ErrorCode::not_found, ErrorCode::invalid_input,
                         ErrorCode::corrupt, ErrorCode::io, ErrorCode::conflict}) {
    RetryFixture f;
    f.mem.inject({.code = code, .count = 5});
    auto before = counters().retries.load();
    auto s = f.retry->put_bytes("k", "v");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code(), code);
    EXPECT_EQ(f.mem.stats().calls, 1u) << error_code_name(code);
    EXPECT_EQ(counters().retries.load(), before);
    EXPECT_TRUE(f.fake.sleeps.empty());
  }
  // A missing object is not_found straight away.
  RetryFixture f;
  ASSERT_TRUE(f.mem.make_root());
  f.mem.reset_stats();
  EXPECT_EQ(f.retry->get_bytes("nope").error().code(), ErrorCode::not_found);
  EXPECT_EQ(f.mem.stats().calls, 1u);
}

TEST(RetryRemote, GivesUpAfterMaxAttempts) {
  RetryFixture f(options(3, 10, 100, 120000));
  f.mem.inject({.code = ErrorCode::unavailable, .count = 10});
  auto before = counters().retries.load();
  auto s = f.retry->put_bytes("k", "v");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::unavailable);
  EXPECT_NE(s.error().message().find("after 3 attempts"), std::string::npos) << s.error().message();
  EXPECT_EQ(f.mem.stats().calls, 3u);
  EXPECT_EQ(counters().retries.load() - before, 2u);
  EXPECT_FALSE(*f.mem.stat("k"));
}

TEST(RetryRemote, GivesUpAtTheDeadline) {
  // Sleeps of ~100, ~200, ~400 ms: the third would end past 500 ms.
  RetryFixture f(options(100, 100, 5000, 500));
  f.mem.inject({.code = ErrorCode::unavailable, .count = 100});
  auto s = f.retry->stat("k");
  ASSERT_FALSE(s);
  EXPECT_EQ(f.mem.stats().calls, 3u);
  EXPECT_EQ(f.fake.sleeps.size(), 2u);
}

TEST(RetryRemote, DeadlineCountsTimeSpentInAttempts) {
  FakeClock fake;
  std::string name = fresh_name();
  // Each attempt "takes" 300 ms of the fake clock.
  struct SlowRemote : MemRemote {
    SlowRemote(std::string n, FakeClock* c) : MemRemote(n), clock(c) {}
    Expected<std::optional<remote::ObjectInfo>> stat(const std::string& key) override {
      clock->t += milliseconds(300);
      ++calls;
      return make_error(ErrorCode::unavailable, "slow and failing");
    }
    FakeClock* clock;
    int calls = 0;
  };
  auto slow = std::make_unique<SlowRemote>(name, &fake);
  auto* raw = slow.get();
  RetryRemote r(std::move(slow), options(100, 10, 10, 1000), fake.clock());
  EXPECT_FALSE(r.stat("k"));
  EXPECT_EQ(raw->calls, 4);  // 300, 600, 900 ms elapsed: retried; 1200 ms: over
  MemRemote::drop(name);
}

TEST(RetryRemote, RetriedGetFileRestartsCleanly) {
  TempDir dir;
  RetryFixture f;
  std::string data(5 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(f.mem.put_bytes("k", data));
  f.mem.inject({.code = ErrorCode::unavailable, .count = 2, .op = MemOp::get, .after_bytes = 3 << 20});
  std::uint64_t progressed = 0;
  auto s = f.retry->get_file("k", dir / "out", [&](std::uint64_t d) { progressed += d; });
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_TRUE(cairn::testing::read_file(dir / "out") == data);
  EXPECT_EQ(progressed, data.size());  // restarted bytes are not reported twice
}

TEST(RetryRemote, RetriedPutFileRestartsCleanly) {
  TempDir dir;
  RetryFixture f;
  std::string data(3 << 20, 'q');
  data[12345] = 'X';
  cairn::testing::write_file(dir / "src", data);
  f.mem.inject({.code = ErrorCode::unavailable, .count = 1, .op = MemOp::put, .after_bytes = 2 << 20});
  std::uint64_t progressed = 0;
  auto s = f.retry->put_file("k", dir / "src", [&](std::uint64_t d) { progressed += d; });
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_TRUE(*f.mem.get_bytes("k") == data);
  EXPECT_EQ(progressed, data.size());
}

TEST(RetryRemote, RetriedListDeliversEachKeyOnce) {
  // Fails the first listing after three objects were visited.
  struct FlakyList : MemRemote {
    using MemRemote::MemRemote;
    Status list(const std::string& prefix, const remote::ListVisitor& visit) override {
      if (failed) return MemRemote::list(prefix, visit);
      failed = true;
      int n = 0;
      TRY_STATUS(MemRemote::list(prefix, [&](const remote::ObjectInfo& o) {
        visit(o);
        return ++n < 3;
      }));
      return make_error(ErrorCode::unavailable, "connection reset");
    }
    bool failed = false;
  };
  std::string name = fresh_name();
  MemRemote mem(name);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(mem.put_bytes("k" + std::to_string(i), "v"));
  FakeClock fake;
  RetryRemote r(std::make_unique<FlakyList>(name), options(5, 1, 1, 0), fake.clock());
  std::multiset<std::string> seen;
  ASSERT_TRUE(r.list("", [&](const remote::ObjectInfo& o) {
    seen.insert(o.key);
    return true;
  }));
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 10u);
  MemRemote::drop(name);
}

TEST(RetryRemote, UsesTheBackendsCopy) {
  RetryFixture f;
  ASSERT_TRUE(f.mem.put_bytes("a", "v"));
  f.mem.reset_stats();
  ASSERT_TRUE(f.retry->copy("a", "b"));
  EXPECT_EQ(f.mem.stats().calls, 1u);  // one server-side copy, not a get + put
  EXPECT_EQ(*f.mem.get_bytes("b"), "v");
}

TEST(RetryRemote, RealClockSleepsBriefly) {
  std::string name = fresh_name();
  MemRemote mem(name);
  mem.inject({.code = ErrorCode::unavailable, .count = 2});
  RetryRemote r(std::make_unique<MemRemote>(name), options(5, 5, 20, 10000));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(r.make_root());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  MemRemote::drop(name);
}

TEST(LimitRemote, NeverExceedsTheLimit) {
  std::string name = fresh_name();
  MemRemote mem(name);
  ASSERT_TRUE(mem.put_bytes("k", "v"));
  mem.set_latency(milliseconds(15));
  mem.reset_stats();
  remote::LimitRemote limited(std::make_unique<MemRemote>(name), 3);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        bool ok = (t % 3 == 0) ? bool(limited.stat("k")) : (t % 3 == 1) ? bool(limited.get_bytes("k"))
                                                                          : bool(limited.put_bytes("k", "v"));
        if (!ok) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mem.stats().calls, 60u);
  EXPECT_LE(mem.stats().peak_in_flight, 3);
  EXPECT_GE(mem.stats().peak_in_flight, 2);  // and it does run calls in parallel
  MemRemote::drop(name);
}

TEST(LimitRemote, LimitOfOneSerializes) {
  std::string name = fresh_name();
  MemRemote mem(name);
  mem.set_latency(milliseconds(5));
  remote::LimitRemote limited(std::make_unique<MemRemote>(name), 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) threads.emplace_back([&] { (void)limited.stat("k"); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mem.stats().peak_in_flight, 1);
  MemRemote::drop(name);
}

TEST(CountingRemote, CountsSuccessfulTransfersOnce) {
  TempDir dir;
  std::string name = fresh_name();
  MemRemote mem(name);
  auto opened = remote::open_remote({name, {}, ""}, options(5, 0, 0, 0));
  ASSERT_TRUE(opened);
  Remote& r = **opened;
  auto& c = counters();
  auto up0 = c.objects_uploaded.load(), upb0 = c.bytes_uploaded.load();
  auto dn0 = c.objects_downloaded.load(), dnb0 = c.bytes_downloaded.load();
  auto retries0 = c.retries.load();

  ASSERT_TRUE(r.put_bytes("a", "12345"));
  cairn::testing::write_file(dir / "src", std::string(3 << 20, 'x'));
  mem.inject({.code = ErrorCode::unavailable, .count = 1, .op = MemOp::put, .after_bytes = 1 << 20});
  ASSERT_TRUE(r.put_file("b", dir / "src", nullptr));  // retried once, counted once
  EXPECT_EQ(c.objects_uploaded.load() - up0, 2u);
  EXPECT_EQ(c.bytes_uploaded.load() - upb0, 5u + (3u << 20));
  EXPECT_EQ(c.retries.load() - retries0, 1u);

  ASSERT_TRUE(r.get_bytes("a", {1, 2}));
  mem.inject({.code = ErrorCode::unavailable, .count = 1, .op = MemOp::get, .after_bytes = 2 << 20});
  ASSERT_TRUE(r.get_file("b", dir / "out", nullptr));
  EXPECT_EQ(c.objects_downloaded.load() - dn0, 2u);
  EXPECT_EQ(c.bytes_downloaded.load() - dnb0, 2u + (3u << 20));

  // Failures and non-transfers count nothing.
  mem.inject({.code = ErrorCode::permission, .count = 1});
  EXPECT_FALSE(r.put_bytes("c", "zz"));
  ASSERT_TRUE(r.copy("a", "d"));
  ASSERT_TRUE(r.stat("a"));
  EXPECT_EQ(c.objects_uploaded.load() - up0, 2u);
  EXPECT_EQ(c.objects_downloaded.load() - dn0, 2u);
  EXPECT_NE(c.to_json().find("\"bytes_uploaded\": "), std::string::npos);
  EXPECT_NE(c.to_json().find("\"retries\": "), std::string::npos);
  MemRemote::drop(name);
}
