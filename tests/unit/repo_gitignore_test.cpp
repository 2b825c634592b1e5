#include "cairn/repo/gitignore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"

namespace cairn::repo {
namespace {

using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;

nlohmann::json vectors() {
  std::ifstream in(std::string(CAIRN_TEST_DATA_DIR) + "/ignore/gitignore_vectors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

// data/ignore/gen_gitignore_vectors.py: pathspec 1.1.1 escape as used by scmrepo.
TEST(Gitignore, EscapingMatchesPathspec) {
  auto v = vectors();
  ASSERT_GT(v["escapes"].size(), 10u);
  for (const auto& e : v["escapes"]) {
    EXPECT_EQ(gitignore_entry_for(e["name"].get<std::string>()), e["entry"].get<std::string>());
  }
}

TEST(Gitignore, AppendMatchesScmrepo) {
  auto v = vectors();
  for (const auto& a : v["appends"]) {
    TempDir dir;
    std::string before = a["before"];
    if (!before.empty()) write_file(dir / ".gitignore", before);
    auto changed = add_gitignore_entry(env::default_env(), dir.path(), "new");
    ASSERT_TRUE(changed.has_value()) << changed.error().message();
    EXPECT_TRUE(*changed);
    EXPECT_EQ(read_file(dir / ".gitignore"), a["after"].get<std::string>());
  }
}

TEST(Gitignore, AddIsIdempotentAndUsesParentDirectory) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data");
  auto r = add_gitignore_entry(env::default_env(), dir.path(), "data/my [file]*");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(*r);
  EXPECT_EQ(read_file(dir / "data/.gitignore"), "/my \\[file\\]\\*\n");
  r = add_gitignore_entry(env::default_env(), dir.path(), "data/my [file]*");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(*r);
  EXPECT_EQ(read_file(dir / "data/.gitignore"), "/my \\[file\\]\\*\n");
  r = add_gitignore_entry(env::default_env(), dir.path(), "top");
  EXPECT_EQ(read_file(dir / ".gitignore"), "/top\n");
}

TEST(Gitignore, RemoveDeletesLineAndEmptyFile) {
  TempDir dir;
  write_file(dir / ".gitignore", "/a\n/b\n  /c  \n");
  auto r = remove_gitignore_entry(env::default_env(), dir.path(), "c");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(*r);
  EXPECT_EQ(read_file(dir / ".gitignore"), "/a\n/b\n");
  r = remove_gitignore_entry(env::default_env(), dir.path(), "zzz");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(*r);
  ASSERT_TRUE(remove_gitignore_entry(env::default_env(), dir.path(), "a").has_value());
  ASSERT_TRUE(remove_gitignore_entry(env::default_env(), dir.path(), "b").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir / ".gitignore"));
  r = remove_gitignore_entry(env::default_env(), dir.path(), "b");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(*r);
  // Escaped entries are removed too (DVC compares the unescaped form and leaves them).
  write_file(dir / "d/.gitignore", "/x\\*\n/y\n");
  ASSERT_TRUE(remove_gitignore_entry(env::default_env(), dir.path(), "d/x*").has_value());
  EXPECT_EQ(read_file(dir / "d/.gitignore"), "/y\n");
}

}  // namespace
}  // namespace cairn::repo
