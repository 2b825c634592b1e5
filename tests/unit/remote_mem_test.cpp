// MemRemote: the conformance suite, the shared-by-name store and its test hooks.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cairn/remote/mem_remote.h"
#include "cairn/remote/registry.h"
#include "remote_conformance.h"

using namespace cairn;
using cairn::testing::TempDir;
using remote::MemFault;
using remote::MemOp;
using remote::MemRemote;
using remote::Remote;

namespace {
std::string fresh_name() {
  static std::atomic<int> n{0};
  return "mem://conformance-" + std::to_string(n++);
}
}  // namespace

CAIRN_INSTANTIATE_REMOTE_CONFORMANCE(Mem, cairn::testing::RemoteFactory{"mem", [] {
                                       return std::unique_ptr<Remote>(new MemRemote(fresh_name()));
                                     }});

CAIRN_INSTANTIATE_REMOTE_CONFORMANCE(MemWrapped, cairn::testing::RemoteFactory{"mem_wrapped", [] {
                                       remote::WrapOptions wrap;
                                       wrap.max_concurrency = 4;
                                       auto r = remote::open_remote({fresh_name(), {}, ""}, wrap);
                                       return r ? std::move(*r) : nullptr;
                                     }});

TEST(MemRemote, InstancesOfOneNameShareTheStore) {
  MemRemote::drop("mem://shared");
  MemRemote a("mem://shared");
  MemRemote b("shared");
  ASSERT_TRUE(a.put_bytes("k", "v"));
  EXPECT_EQ(*b.get_bytes("k"), "v");
  auto opened = remote::open_backend({"mem://shared", {}, ""});
  ASSERT_TRUE(opened);
  EXPECT_EQ(*(*opened)->get_bytes("k"), "v");
  EXPECT_EQ((*opened)->display_url(), "mem://shared");
  MemRemote::drop("mem://shared");
  MemRemote c("mem://shared");
  EXPECT_EQ(c.get_bytes("k").error().code(), ErrorCode::not_found);
}

TEST(MemRemote, StatHasEtagAndMtime) {
  MemRemote r("mem://etag");
  ASSERT_TRUE(r.put_bytes("k", "foo"));
  auto st = r.stat("k");
  ASSERT_TRUE(st && *st);
  EXPECT_EQ((*st)->etag, "acbd18db4cc2f85cedef654fccc4a4d8");
  EXPECT_GT((*st)->mtime_ns, 0);
  MemRemote::drop("mem://etag");
}

TEST(MemRemote, InjectedFaultsFailTheNextMatchingCalls) {
  MemRemote r("mem://faults");
  ASSERT_TRUE(r.put_bytes("k", "v"));
  r.inject({.code = ErrorCode::unavailable, .count = 2, .op = MemOp::get});
  EXPECT_TRUE(r.stat("k"));  // not a get: unaffected
  auto e1 = r.get_bytes("k");
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code(), ErrorCode::unavailable);
  EXPECT_FALSE(r.get_bytes("k"));
  EXPECT_EQ(*r.get_bytes("k"), "v");  // used up
  r.inject({.code = ErrorCode::permission, .count = 1});
  EXPECT_EQ(r.remove("k").error().code(), ErrorCode::permission);
  EXPECT_TRUE(r.remove("k"));
  MemRemote::drop("mem://faults");
}

TEST(MemRemote, FaultAfterBytesLeavesAPartialDownloadAndNoUpload) {
  TempDir dir;
  MemRemote r("mem://partial");
  std::string data(3 << 20, 'z');
  ASSERT_TRUE(r.put_bytes("k", data));
  r.inject({.code = ErrorCode::unavailable, .count = 1, .op = MemOp::get, .after_bytes = 1000});
  std::uint64_t progressed = 0;
  auto s = r.get_file("k", dir / "out", [&](std::uint64_t d) { progressed += d; });
  ASSERT_FALSE(s);
  EXPECT_EQ(progressed, 1000u);
  EXPECT_EQ(cairn::testing::read_file(dir / "out").size(), 1000u);

  cairn::testing::write_file(dir / "src", data);
  r.inject({.code = ErrorCode::timeout, .count = 1, .op = MemOp::put, .after_bytes = 5000});
  auto p = r.put_file("k2", dir / "src", nullptr);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::timeout);
  EXPECT_FALSE(*r.stat("k2"));
  MemRemote::drop("mem://partial");
}

TEST(MemRemote, StatsTrackCallsAndPeakConcurrency) {
  MemRemote r("mem://stats");
  r.set_latency(std::chrono::milliseconds(100));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { (void)r.stat("k"); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(r.stats().calls, 4u);
  EXPECT_GE(r.stats().peak_in_flight, 2);
  r.reset_stats();
  EXPECT_EQ(r.stats().calls, 0u);
  MemRemote::drop("mem://stats");
}
