#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "cairn/cache/link.h"
#include "cairn/cache/object_store.h"
#include "cairn/cache/stat_cache.h"
#include "cairn/env/fault_env.h"
#include "cairn/env/posix_env.h"
#include "cairn/util/md5.h"
#include "test_util.h"

using namespace cairn;
using cairn::testing::TempDir;
using object::HashName;
using object::ObjectId;

namespace {
std::uint32_t mode_of(const std::string& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}
std::size_t count_files(const std::string& dir) {
  std::size_t n = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}
}  // namespace

TEST(ObjectStore, PutBytesIsReadOnlyAtDvcPath) {
  TempDir dir;
  env::PosixEnv e;
  cache::ObjectStore store(&e, dir / "cache");
  ObjectId id{md5_hex("foo"), HashName::md5};
  ASSERT_TRUE(store.put_bytes(id, "foo"));
  std::string p = dir / "cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8";
  EXPECT_EQ(store.path_of(id), p);
  EXPECT_EQ(cairn::testing::read_file(p), "foo");
  EXPECT_EQ(mode_of(p), 0444u);
  EXPECT_TRUE(*store.exists(id));
  EXPECT_TRUE(*store.verify(id));
}

TEST(ObjectStore, PutFileRefusesSourceThatDoesNotMatchId) {
  TempDir dir;
  env::PosixEnv e;
  cache::ObjectStore store(&e, dir / "cache");
  cairn::testing::write_file(dir / "src", "actual");
  ObjectId wrong{md5_hex("expected"), HashName::md5};
  EXPECT_FALSE(store.put_file(wrong, dir / "src"));
  EXPECT_FALSE(*store.exists(wrong));
  EXPECT_EQ(count_files(dir / "cache"), 0u);
}

TEST(ObjectStore, CorruptObjectIsReported) {
  TempDir dir;
  env::PosixEnv e;
  cache::ObjectStore store(&e, dir / "cache");
  ObjectId id{md5_hex("foo"), HashName::md5};
  ASSERT_TRUE(store.put_bytes(id, "foo"));
  ::chmod(store.path_of(id).c_str(), 0644);
  cairn::testing::write_file(store.path_of(id), "bar");
  auto v = store.verify(id, cache::Verify::trust_mode);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), ErrorCode::corrupt);
}

TEST(ObjectStore, DiskFullLeavesNoPartialObject) {
  TempDir dir;
  env::PosixEnv base;
  env::FaultEnv e(&base, *env::FaultSpec::parse("op=write,errno=ENOSPC,after_bytes=100"));
  cache::ObjectStore store(&e, dir / "cache");
  std::string big(1 << 20, 'x');
  cairn::testing::write_file(dir / "src", big);
  auto s = store.put_file(ObjectId{md5_hex(big), HashName::md5}, dir / "src");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::io);
  EXPECT_EQ(count_files(dir / "cache"), 0u);
}

TEST(ObjectStore, ListAllFindsBothLayoutsAndSkipsJunk) {
  TempDir dir;
  env::PosixEnv e;
  cache::ObjectStore store(&e, dir / "cache");
  ASSERT_TRUE(store.put_bytes(ObjectId{md5_hex("a"), HashName::md5}, "a"));
  ASSERT_TRUE(store.put_bytes(ObjectId{md5_hex("b"), HashName::md5_dos2unix}, "b"));
  cairn::testing::write_file(dir / "cache/runs/ab/zzz", "run cache");
  cairn::testing::write_file(dir / "cache/xx/not-an-object", "junk");
  auto all = store.list_all();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
}

TEST(ObjectStore, ReadTreeRejectsUnsafeManifest) {
  TempDir dir;
  env::PosixEnv e;
  cache::ObjectStore store(&e, dir / "cache");
  std::string m = R"([{"md5": ")" + md5_hex("x") + R"(", "relpath": "../escape"}])";
  ObjectId id{md5_hex(m) + ".dir", HashName::md5};
  ASSERT_TRUE(store.put_bytes(id, m));
  auto t = store.read_tree(id);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), ErrorCode::corrupt);
}

TEST(Linker, HardlinkSymlinkCopy) {
  TempDir dir;
  env::PosixEnv e;
  cache::ObjectStore store(&e, dir / "cache");
  ObjectId id{md5_hex("data"), HashName::md5};
  ASSERT_TRUE(store.put_bytes(id, "data"));
  std::string cp = store.path_of(id);
  {
    cache::Linker l(&e, {cache::LinkType::hardlink});
    ASSERT_TRUE(l.link(cp, dir / "ws/h", 4, cache::Executable::no));
    struct stat a {}, b {};
    ::stat(cp.c_str(), &a);
    ::stat((dir / "ws/h").c_str(), &b);
    EXPECT_EQ(a.st_ino, b.st_ino);
    EXPECT_TRUE(*l.is_linked(cp, dir / "ws/h"));
  }
  {
    cache::Linker l(&e, {cache::LinkType::symlink});
    ASSERT_TRUE(l.link(cp, dir / "ws/s", 4, cache::Executable::no));
    EXPECT_EQ(std::filesystem::read_symlink(dir / "ws/s").string(), cp);
  }
  {
    cache::Linker l(&e, {cache::LinkType::copy});
    ASSERT_TRUE(l.link(cp, dir / "ws/c", 4, cache::Executable::yes));
    EXPECT_EQ(cairn::testing::read_file(dir / "ws/c"), "data");
    EXPECT_TRUE(mode_of(dir / "ws/c") & 0100);
    EXPECT_TRUE(mode_of(dir / "ws/c") & 0200);  // writable, unlike the cache object
  }
}

TEST(Linker, FallsBackWhenATypeFails) {
  TempDir dir;
  env::PosixEnv base;
  env::FaultEnv e(&base, *env::FaultSpec::parse("op=link,errno=EPERM"));
  cache::ObjectStore store(&base, dir / "cache");
  ObjectId id{md5_hex("data"), HashName::md5};
  ASSERT_TRUE(store.put_bytes(id, "data"));
  cache::Linker l(&e, {cache::LinkType::hardlink, cache::LinkType::copy});
  ASSERT_TRUE(l.link(store.path_of(id), dir / "ws/f", 4, cache::Executable::no));
  EXPECT_EQ(cairn::testing::read_file(dir / "ws/f"), "data");
  EXPECT_EQ(l.preferred(), cache::LinkType::copy);
}

TEST(LinkTypes, Parse) {
  auto t = cache::parse_link_types("hardlink, symlink");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[1], cache::LinkType::symlink);
  EXPECT_EQ(cache::parse_link_types("")->size(), 2u);  // reflink,copy
  EXPECT_FALSE(cache::parse_link_types("teleport"));
}

TEST(StatCache, RoundTripsAndSkipsRacyEntries) {
  TempDir dir;
  env::PosixEnv e;
  std::string f = dir / "state/statcache";
  cache::StatKey k1{1, 2, 3, 1000, 0}, k2{1, 3, 3, 5'000'000'000, 0};
  {
    cache::StatCache sc(&e, f);
    sc.load();
    sc.insert(k1, *Md5Digest::from_hex(md5_hex("a")));
    sc.insert(k2, *Md5Digest::from_hex(md5_hex("b")));  // mtime within the racy window of the save below
    EXPECT_EQ(sc.lookup(k1)->hex(), md5_hex("a"));
    ASSERT_TRUE(sc.save(5'000'000'001));
  }
  cache::StatCache again(&e, f);
  again.load();
  ASSERT_TRUE(again.lookup(k1).has_value());
  EXPECT_EQ(again.lookup(k1)->hex(), md5_hex("a"));
  EXPECT_FALSE(again.lookup(k2).has_value());
  cache::StatKey other = k1;
  other.mtime_ns += 1;
  EXPECT_FALSE(again.lookup(other).has_value());
}

TEST(StatCache, DamagedFileIsIgnored) {
  TempDir dir;
  env::PosixEnv e;
  cairn::testing::write_file(dir / "sc", "garbage that is not a stat cache");
  cache::StatCache sc(&e, dir / "sc");
  sc.load();
  EXPECT_EQ(sc.size(), 0u);
}
