#include <gtest/gtest.h>

#include "cairn/env/posix_env.h"
#include "cairn/repo/dvc_file.h"
#include "test_util.h"

using namespace cairn;
using cairn::testing::TempDir;

TEST(DvcFile, WritesDvcBytesForFileAndDir) {
  TempDir dir;
  env::PosixEnv e;
  repo::DvcFile f;
  f.path = dir / "foo.dvc";
  repo::OutputEntry o;
  o.path = "foo";
  o.id = {"acbd18db4cc2f85cedef654fccc4a4d8", object::HashName::md5};
  o.size = 3;
  f.outs.push_back(o);
  ASSERT_EQ(*repo::save_dvc_file(&e, f), repo::Written::yes);
  EXPECT_EQ(cairn::testing::read_file(f.path),
            "outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n");
  // Same content again: nothing written.
  auto loaded = repo::load_dvc_file(&e, f.path, "foo.dvc");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*repo::save_dvc_file(&e, *loaded), repo::Written::no);

  repo::DvcFile d;
  d.path = dir / "dir.dvc";
  repo::OutputEntry od;
  od.path = "dir";
  od.id = {"22a16c9bf84b3068bc2206d88a6b5776.dir", object::HashName::md5};
  od.size = 8;
  od.nfiles = 2;
  d.outs.push_back(od);
  ASSERT_TRUE(repo::save_dvc_file(&e, d));
  EXPECT_EQ(cairn::testing::read_file(d.path),
            "outs:\n- md5: 22a16c9bf84b3068bc2206d88a6b5776.dir\n  size: 8\n  nfiles: 2\n  hash: md5\n  path: dir\n");
}

TEST(DvcFile, LegacyEntryIsReadAsDos2UnixAndKeptVerbatim) {
  TempDir dir;
  env::PosixEnv e;
  std::string text = "outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: foo\n";
  cairn::testing::write_file(dir / "foo.dvc", text);
  auto f = repo::load_dvc_file(&e, dir / "foo.dvc", "foo.dvc");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->outs.size(), 1u);
  EXPECT_EQ(f->outs[0].id.name, object::HashName::md5_dos2unix);
  EXPECT_EQ(*repo::save_dvc_file(&e, *f), repo::Written::no);
  EXPECT_EQ(cairn::testing::read_file(dir / "foo.dvc"), text);
}

TEST(DvcFile, RewriteKeepsExistingKeyOrderAndAppendsNewKeys) {
  TempDir dir;
  env::PosixEnv e;
  // A legacy entry re-hashed: md5, size, path kept in place, hash appended (dvc-format §2.3).
  cairn::testing::write_file(dir / "foo.dvc", "outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  path: foo\n");
  auto f = repo::load_dvc_file(&e, dir / "foo.dvc", "foo.dvc");
  ASSERT_TRUE(f);
  f->outs[0].id = {"37b51d194a7513e45b56f6524f2d51f2", object::HashName::md5};
  f->outs[0].legacy_no_hash_key = false;
  ASSERT_TRUE(repo::save_dvc_file(&e, *f));
  EXPECT_EQ(cairn::testing::read_file(dir / "foo.dvc"),
            "outs:\n- md5: 37b51d194a7513e45b56f6524f2d51f2\n  size: 3\n  path: foo\n  hash: md5\n");
}

TEST(DvcFile, MalformedInputNamesFileAndLine) {
  TempDir dir;
  env::PosixEnv e;
  struct Case {
    std::string text, needle;
  };
  for (const Case& c : std::vector<Case>{
           {"outs:\n- md5: [unclosed\n", "bad.dvc:"},
           {"outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: three\n  path: foo\n", "bad.dvc:3:"},
           {"outs:\n- md5: nothex\n  path: foo\n", "bad.dvc:2:"},
           {"outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: ../escape\n", "bad.dvc:2:"},
           {"outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: /abs\n", "bad.dvc:2:"},
           {"bogus: 1\nouts: []\n", "bad.dvc:1:"},
           {"", "bad.dvc:1:"},
       }) {
    cairn::testing::write_file(dir / "bad.dvc", c.text);
    auto f = repo::load_dvc_file(&e, dir / "bad.dvc", "bad.dvc");
    ASSERT_FALSE(f) << c.text;
    EXPECT_EQ(f.error().code(), ErrorCode::invalid_input) << c.text;
    EXPECT_NE(f.error().message().find(c.needle), std::string::npos) << f.error().message();
  }
}

TEST(ApplyDiff, FollowsDvcSemantics) {
  using yaml::Node;
  Node dest = Node::map();
  dest.set("b", Node::integer(1));
  dest.set("a", Node::integer(2));
  dest.set("gone", Node::integer(3));
  Node src = Node::map();
  src.set("a", Node::integer(5));
  src.set("b", Node::integer(1));
  src.set("new", Node::string("x"));
  repo::apply_diff(src, dest);
  ASSERT_EQ(dest.entries().size(), 3u);
  EXPECT_EQ(dest.entries()[0].first, "b");
  EXPECT_EQ(dest.entries()[1].first, "a");
  EXPECT_EQ(dest.entries()[1].second.as_int(), 5);
  EXPECT_EQ(dest.entries()[2].first, "new");
}
