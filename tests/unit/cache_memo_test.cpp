// TreeMemo and PresenceMemo: persistence, keys, and the invalidation rules that make them sound.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cairn/cache/object_store.h"
#include "cairn/cache/presence_memo.h"
#include "cairn/cache/tree_memo.h"
#include "cairn/env/posix_env.h"
#include "test_util.h"

using namespace cairn;
using cairn::testing::TempDir;

namespace {
Md5Digest digest_of(std::string_view s) {
  Md5 h;
  h.update(s);
  return h.digest();
}
std::int64_t now_ns(env::Env& e) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(e.now().time_since_epoch()).count();
}
}  // namespace

TEST(TreeMemo, RoundTripsAndMatchesOnlyTheSameKeyAndFingerprint) {
  TempDir dir;
  env::PosixEnv e;
  const std::string file = dir / "state/trees";
  {
    cache::TreeMemo m(&e, file);
    m.load();
    m.insert("md5:/r/data", digest_of("walk-1"), {"0123456789abcdef0123456789abcdef.dir", 42, 3});
    m.insert("md5:/r/other\tname", digest_of("walk-2"), {"fedcba9876543210fedcba9876543210.dir", 7, 1});
    ASSERT_TRUE(m.save());
  }
  cache::TreeMemo m(&e, file);
  m.load();
  auto hit = m.lookup("md5:/r/data", digest_of("walk-1"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->dir_md5, "0123456789abcdef0123456789abcdef.dir");
  EXPECT_EQ(hit->size, 42u);
  EXPECT_EQ(hit->nfiles, 3u);
  EXPECT_TRUE(m.lookup("md5:/r/other\tname", digest_of("walk-2")).has_value());
  EXPECT_FALSE(m.lookup("md5:/r/data", digest_of("walk-2")).has_value());
  EXPECT_FALSE(m.lookup("dos2unix:/r/data", digest_of("walk-1")).has_value());
  // A newer walk of the same directory replaces the old entry.
  m.insert("md5:/r/data", digest_of("walk-3"), {"11111111111111111111111111111111.dir", 1, 1});
  EXPECT_FALSE(m.lookup("md5:/r/data", digest_of("walk-1")).has_value());
}

TEST(TreeMemo, DamagedFileIsAnEmptyMemo) {
  TempDir dir;
  env::PosixEnv e;
  const std::string file = dir / "trees";
  ASSERT_TRUE(e.write_file_atomic(file, "CAIRNTM1\nnot a line\nzz\t\t\t\t\n"));
  cache::TreeMemo m(&e, file);
  m.load();
  EXPECT_FALSE(m.lookup("md5:/x", digest_of("w")).has_value());
}

TEST(PresenceMemo, FingerprintChangesWhenAnObjectIsAddedOrRemoved) {
  TempDir dir;
  env::PosixEnv e;
  cache::ObjectStore store(&e, dir / "cache");
  object::ObjectId a{md5_hex("a"), object::HashName::md5};
  object::ObjectId b{md5_hex("b"), object::HashName::md5};
  ASSERT_TRUE(store.put_bytes(a, "a"));
  // Racy: a prefix directory modified just now gives no fingerprint.
  auto racy = cache::PresenceMemo(&e, dir / "p").fingerprint(store, object::HashName::md5, now_ns(e));
  ASSERT_TRUE(racy.has_value());
  EXPECT_FALSE(racy->has_value());
  const std::int64_t later = now_ns(e) + 1'000'000'000;
  cache::PresenceMemo memo(&e, dir / "p");
  auto fp1 = memo.fingerprint(store, object::HashName::md5, later);
  ASSERT_TRUE(fp1 && *fp1);
  object::ObjectId tree{md5_hex("[]") + ".dir", object::HashName::md5};
  memo.insert(tree, **fp1);
  EXPECT_TRUE(memo.contains(tree, **fp1));
  ASSERT_TRUE(memo.save());

  cache::PresenceMemo again(&e, dir / "p");
  again.load();
  auto fp_same = again.fingerprint(store, object::HashName::md5, later);
  ASSERT_TRUE(fp_same && *fp_same);
  EXPECT_TRUE(again.contains(tree, **fp_same));

  ASSERT_TRUE(store.put_bytes(b, "b"));
  auto fp2 = again.fingerprint(store, object::HashName::md5, now_ns(e) + 1'000'000'000);
  ASSERT_TRUE(fp2 && *fp2);
  EXPECT_FALSE(**fp2 == **fp1);
  EXPECT_FALSE(again.contains(tree, **fp2));

  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // past the timestamp tick of put(a)
  ASSERT_TRUE(store.remove(a));
  auto fp3 = again.fingerprint(store, object::HashName::md5, now_ns(e) + 1'000'000'000);
  ASSERT_TRUE(fp3 && *fp3);
  EXPECT_FALSE(**fp3 == **fp2);
  // The legacy layout has its own fingerprint.
  auto legacy = again.fingerprint(store, object::HashName::md5_dos2unix, now_ns(e) + 1'000'000'000);
  ASSERT_TRUE(legacy && *legacy);
  EXPECT_FALSE(**legacy == **fp3);
}
