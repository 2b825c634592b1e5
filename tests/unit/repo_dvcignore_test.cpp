#include "cairn/repo/dvcignore.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "test_util.h"

namespace cairn::repo {
namespace {

nlohmann::json load_vectors() {
  std::ifstream in(std::string(CAIRN_TEST_DATA_DIR) + "/ignore/ignore_vectors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

// Vectors from data/ignore/gen_ignore_vectors.py (DVC 3.67.1's DvcIgnoreFilter on disk).
TEST(IgnoreVectors, MatchDvc) {
  auto groups = load_vectors();
  std::size_t checked = 0;
  for (const auto& g : groups) {
    cairn::testing::TempDir dir;
    for (const auto& [rel, text] : g["files"].items()) {
      cairn::testing::write_file(dir / rel, text.get<std::string>());
    }
    for (const auto& sub : g["subrepos"]) {
      std::filesystem::create_directories(dir / (sub.get<std::string>() + "/.dvc"));
    }
    SCOPED_TRACE("files: " + g["files"].dump());
    if (g.value("error", false)) {
      IgnoreRules rules(env::default_env(), dir.path());
      EXPECT_FALSE(rules.load_dir("").has_value());
      continue;
    }
    for (const auto& c : g["cases"]) {
      // A fresh filter per query, as the generator does.
      IgnoreRules rules(env::default_env(), dir.path());
      std::string path = c[0];
      bool is_dir = c[1];
      EXPECT_EQ(rules.is_ignored(path, is_dir), c[2].get<bool>()) << "path=" << path << " is_dir=" << is_dir;
      EXPECT_TRUE(rules.status().has_value());
      ++checked;
    }
  }
  EXPECT_GT(checked, 5000u);
}

TEST(IgnoreRules, BuiltinsWithoutFilesystem) {
  IgnoreRules rules(nullptr, "/nonexistent");
  EXPECT_TRUE(rules.is_ignored(".git", false));
  EXPECT_TRUE(rules.is_ignored("a/.git/config", false));
  EXPECT_TRUE(rules.is_ignored(".dvc", true));
  EXPECT_FALSE(rules.is_ignored(".dvc", false));
  EXPECT_TRUE(rules.is_ignored(".dvc/config", false));
  EXPECT_TRUE(rules.is_ignored("x/.hg/y", false));
  EXPECT_FALSE(rules.is_ignored(".hg", false));
  EXPECT_FALSE(rules.is_ignored("data/file", false));
  EXPECT_FALSE(rules.is_ignored("", true));
  EXPECT_FALSE(rules.has_user_patterns());
}

TEST(IgnoreRules, AddPatternsNestedAndNegation) {
  IgnoreRules rules(nullptr, "/r");
  ASSERT_TRUE(rules.add_patterns("", {"*.log", "# comment", "", "build/"}).has_value());
  ASSERT_TRUE(rules.add_patterns("sub", {"!keep.log", "/only_here"}).has_value());
  EXPECT_TRUE(rules.is_ignored("x.log", false));
  EXPECT_TRUE(rules.is_ignored("a/x.log", false));
  EXPECT_TRUE(rules.is_ignored("sub/x.log", false));
  EXPECT_FALSE(rules.is_ignored("sub/keep.log", false));
  EXPECT_TRUE(rules.is_ignored("keep.log", false));
  EXPECT_TRUE(rules.is_ignored("sub/only_here", false));
  EXPECT_FALSE(rules.is_ignored("only_here", false));
  EXPECT_FALSE(rules.is_ignored("sub/a/only_here", false));
  EXPECT_TRUE(rules.is_ignored("build", true));
  EXPECT_FALSE(rules.is_ignored("build", false));
  EXPECT_TRUE(rules.is_ignored("build/x", false));
  EXPECT_TRUE(rules.has_user_patterns());
}

TEST(IgnoreRules, InvalidPatternReportsFileAndLine) {
  IgnoreRules rules(nullptr, "/r");
  auto st = rules.add_patterns("", {"ok", "bad\\"}, ".dvcignore");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(st.error().message().rfind(".dvcignore:2: ", 0), 0u) << st.error().message();
}

TEST(IgnoreRules, LazyLoadingIsThreadSafe) {
  cairn::testing::TempDir dir;
  cairn::testing::write_file(dir / ".dvcignore", "*.tmp\n");
  for (int d = 0; d < 20; ++d) {
    cairn::testing::write_file(dir / ("d" + std::to_string(d) + "/.dvcignore"), "!keep.tmp\n");
  }
  IgnoreRules rules(env::default_env(), dir.path());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string d = "d" + std::to_string((i + t) % 20);
        if (!rules.is_ignored(d + "/x.tmp", false)) ++wrong;
        if (rules.is_ignored(d + "/keep.tmp", false)) ++wrong;
        if (rules.is_ignored(d + "/x.txt", false)) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_TRUE(rules.status().has_value());
}

TEST(IgnoreRules, SpeedOfHundredThousandQueries) {
  IgnoreRules rules(nullptr, "/r");
  ASSERT_TRUE(rules
                  .add_patterns("", {"*.log", "node_modules/", "/build", "**/tmp/**", "!a.log", "data/*.csv",
                                     "[Tt]humbs.db", "*.py[cod]"})
                  .has_value());
  auto start = std::chrono::steady_clock::now();
  int ignored = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string p = "src/module" + std::to_string(i % 100) + "/sub/file" + std::to_string(i) +
                    (i % 7 == 0 ? ".log" : ".txt");
    ignored += rules.is_ignored(p, false);
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(ignored, 0);
  EXPECT_LT(ms, 5000) << "100k queries took " << ms << " ms";
  std::cerr << "100k is_ignored calls with 8 patterns: " << ms << " ms\n";
  start = std::chrono::steady_clock::now();
  IgnoreRules plain(nullptr, "/r");
  for (int i = 0; i < 100000; ++i) {
    ignored += plain.is_ignored("src/module/sub/file" + std::to_string(i), false);
  }
  ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "100k is_ignored calls, built-ins only: " << ms << " ms\n";
}

}  // namespace
}  // namespace cairn::repo
