#include <gtest/gtest.h>

#include "cairn/object/file_hash.h"
#include "cairn/object/hash_info.h"
#include "cairn/object/tree.h"
#include "cairn/env/posix_env.h"
#include "test_util.h"

using namespace cairn;
using object::Tree;
using object::TreeEntry;

TEST(Tree, MatchesDvcTestVectors) {
  // tests/func/test_data_cloud.py in DVC: one="one", two="two".
  Tree t({{"two", md5_hex("two")}, {"one", md5_hex("one")}});
  EXPECT_EQ(t.serialize(),
            R"([{"md5": "f97c5d29941bfb1b2fdab0874906ab82", "relpath": "one"}, {"md5": "b8a9f715dbb64fd5c56e7783c6820a61", "relpath": "two"}])");
  EXPECT_EQ(t.id().value, "6b18131dc289fd37006705affe961ef8.dir");
  // tests/func/test_virtual_directory.py: foo="foo", subdir/lorem="lorem".
  Tree t2({{"subdir/lorem", md5_hex("lorem")}, {"foo", md5_hex("foo")}});
  EXPECT_EQ(t2.id().value, "22a16c9bf84b3068bc2206d88a6b5776.dir");
  EXPECT_EQ(Tree().id().value, "d751713988987e9331980363e24189ce.dir");
}

TEST(Tree, SortsByCodePointAndEscapesNonAscii) {
  Tree t({{"é", md5_hex("")}, {"z", md5_hex("")}, {"a b", md5_hex("")}, {"a/b", md5_hex("")}});
  ASSERT_EQ(t.entries().size(), 4u);
  EXPECT_EQ(t.entries()[0].relpath, "a b");
  EXPECT_EQ(t.entries()[1].relpath, "a/b");
  EXPECT_EQ(t.entries()[2].relpath, "z");
  EXPECT_EQ(t.entries()[3].relpath, "é");
  EXPECT_NE(t.serialize().find("\"relpath\": \"\\u00e9\""), std::string::npos);
}

TEST(Tree, ParseRoundTrips) {
  Tree t({{"a/b", md5_hex("1")}, {"c", md5_hex("2")}});
  auto parsed = Tree::parse(t.serialize(), "m");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->serialize(), t.serialize());
}

TEST(Tree, RefusesUnsafeOrDuplicateEntries) {
  const std::string h = md5_hex("x");
  for (const std::string bad : {"../evil", "/etc/passwd", "a/../../b", "a//b", "./a", ""}) {
    std::string m = R"([{"md5": ")" + h + R"(", "relpath": ")" + bad + R"("}])";
    auto r = Tree::parse(m, "m");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::corrupt);
  }
  std::string dup = R"([{"md5": ")" + h + R"(", "relpath": "a"}, {"md5": ")" + h + R"(", "relpath": "a"}])";
  EXPECT_FALSE(Tree::parse(dup, "m"));
  std::string file_and_dir = R"([{"md5": ")" + h + R"(", "relpath": "a"}, {"md5": ")" + h + R"(", "relpath": "a/b"}])";
  EXPECT_FALSE(Tree::parse(file_and_dir, "m"));
  EXPECT_FALSE(Tree::parse("{}", "m"));
  EXPECT_FALSE(Tree::parse("[{\"md5\": \"zz\", \"relpath\": \"a\"}]", "m"));
  EXPECT_FALSE(Tree::parse("not json", "m"));
}

TEST(ObjectId, LayoutAndValidation) {
  object::ObjectId id{"acbd18db4cc2f85cedef654fccc4a4d8", object::HashName::md5};
  EXPECT_EQ(object::object_relpath(id), "files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8");
  id.name = object::HashName::md5_dos2unix;
  EXPECT_EQ(object::object_relpath(id), "ac/bd18db4cc2f85cedef654fccc4a4d8");
  EXPECT_TRUE(object::is_valid_object_id("22a16c9bf84b3068bc2206d88a6b5776.dir"));
  EXPECT_FALSE(object::is_valid_object_id("22a16c9bf84b3068bc2206d88a6b577"));
  EXPECT_FALSE(object::is_valid_object_id("../a16c9bf84b3068bc2206d88a6b5776"));
}

TEST(FileHash, PlainAndDos2Unix) {
  cairn::testing::TempDir dir;
  env::PosixEnv e;
  cairn::testing::write_file(dir / "crlf.txt", "a\r\nb\r\n");
  auto plain = object::hash_file(&e, dir / "crlf.txt", HashMode::md5);
  auto legacy = object::hash_file(&e, dir / "crlf.txt", HashMode::dos2unix);
  ASSERT_TRUE(plain && legacy);
  EXPECT_EQ(plain->md5, md5_hex("a\r\nb\r\n"));
  EXPECT_EQ(legacy->md5, md5_hex("a\nb\n"));
  // Binary content is never converted.
  std::string bin("\0\r\n\x01", 4);
  cairn::testing::write_file(dir / "bin", bin);
  EXPECT_EQ(object::hash_file(&e, dir / "bin", HashMode::dos2unix)->md5, md5_hex(bin));
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(FileHash, Dos2UnixIsPerMebibyteChunk) {
  // A CRLF split across the 1 MiB boundary is kept, as DVC does.
  std::string data(1 << 20, 'a');
  data[(1 << 20) - 1] = '\r';
  data += "\nrest\r\n";
  cairn::testing::TempDir dir;
  env::PosixEnv e;
  cairn::testing::write_file(dir / "f", data);
  std::string expected_input = data.substr(0, 1 << 20) + "\nrest\n";
  EXPECT_EQ(object::hash_file(&e, dir / "f", HashMode::dos2unix)->md5, md5_hex(expected_input));
  EXPECT_EQ(hash_bytes(data, HashMode::dos2unix), md5_hex(expected_input));
}
