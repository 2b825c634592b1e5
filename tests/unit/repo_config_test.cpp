#include "cairn/repo/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cairn/repo/root.h"
#include "test_util.h"

namespace cairn::repo {
namespace {

using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

std::string path_cwd(const std::string& root, const std::string& rel) {
  return rel.empty() ? root : root + "/" + rel;
}

struct Fixture {
  TempDir tmp;
  std::string root = tmp / "repo";
  std::string home = tmp / "home";
  ConfigDirs dirs{tmp / "system", tmp / "global", tmp / "home"};
  Fixture() {
    std::filesystem::create_directories(root + "/sub");
    std::filesystem::create_directories(root + "/.dvc");
    std::filesystem::create_directories(home);
    write_file(root + "/.dvc/config", "");
  }
  Config load(bool validate = false) {
    auto c = Config::load(env::default_env(), root + "/.dvc", validate, dirs);
    EXPECT_TRUE(c.has_value()) << c.error().message();
    return std::move(*c);
  }
  std::string sub(const std::string& s) {
    return replace_all(replace_all(s, "{root}", root), "{home}", home);
  }
};

// data/config/gen_config_vectors.py: the real `dvc config` run step by step.
TEST(ConfigVectors, StepsMatchDvc) {
  std::ifstream in(std::string(CAIRN_TEST_DATA_DIR) + "/config/config_steps.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto data = nlohmann::json::parse(ss.str());
  Fixture f;
  for (const auto& step : data["steps"]) {
    SCOPED_TRACE(step.dump());
    Config config = f.load();
    ConfigLevel level = step["level"] == "local" ? ConfigLevel::local : ConfigLevel::repo;
    std::string section = step["section"], key = step["key"];
    std::string cwd = path_cwd(f.root, step["cwd"]);
    Status st = step["value"].is_null()
                    ? config.unset(level, section, key)
                    : config.set(level, section, key, step["value"].get<std::string>(), cwd);
    if (step["rc"] == 0) {
      EXPECT_TRUE(st.has_value()) << st.error().message();
    } else {
      ASSERT_FALSE(st.has_value());
      EXPECT_EQ("ERROR: configuration error - " + st.error().message(),
                f.sub(step["error"].get<std::string>()));
    }
    EXPECT_EQ(read_file(f.root + "/.dvc/config"), step["config"].get<std::string>());
    if (step["config_local"].is_null()) {
      EXPECT_FALSE(std::filesystem::exists(f.root + "/.dvc/config.local"));
    } else {
      EXPECT_EQ(read_file(f.root + "/.dvc/config.local"), step["config_local"].get<std::string>());
    }
  }
  Config config = f.load();
  for (const auto& g : data["gets"]) {
    auto v = config.get(g["section"].get<std::string>(), g["key"].get<std::string>());
    EXPECT_EQ(v ? *v + "\n" : std::string(), f.sub(g["stdout"])) << g.dump();
  }
  std::string listed;
  for (auto level : config.levels()) {
    for (const auto& [k, v] : config.list(level)) listed += k + "=" + v + "\n";
  }
  EXPECT_EQ(listed, f.sub(data["list"]));
}

TEST(Config, MergesLevelsKeyByKey) {
  Fixture f;
  write_file(f.tmp / "global/config", "[core]\n    autostage = true\n    remote = g\n");
  write_file(f.root + "/.dvc/config", "[core]\nremote = r\n[cache]\ntype = hardlink, symlink\n");
  write_file(f.root + "/.dvc/config.local", "[core]\nremote = l\n");
  Config c = f.load(true);
  EXPECT_EQ(c.get("core", "remote"), "l");
  EXPECT_EQ(c.origin("core", "remote"), ConfigLevel::local);
  EXPECT_EQ(c.get(ConfigLevel::repo, "core", "remote"), "r");
  EXPECT_EQ(c.get("core", "autostage"), "true");
  auto b = c.get_bool("core", "autostage");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*b, std::optional<bool>(true));
  EXPECT_EQ(*c.get_bool("core", "no_scm"), std::nullopt);
  auto types = c.cache_types();
  ASSERT_TRUE(types.has_value());
  EXPECT_EQ(*types, (std::vector<std::string>{"hardlink", "symlink"}));
  EXPECT_EQ(c.cache_dir(), f.root + "/.dvc/cache");
}

TEST(Config, DefaultsAndRelativeCacheDir) {
  Fixture f;
  Config c = f.load(true);
  EXPECT_EQ(*c.cache_types(), (std::vector<std::string>{"reflink", "copy"}));
  write_file(f.root + "/.dvc/config", "[cache]\n    dir = ../../shared/cache/\n");
  c = f.load(true);
  EXPECT_EQ(c.cache_dir(), f.tmp / "shared/cache");
  write_file(f.tmp / "global/config", "[cache]\n    dir = gcache\n");
  write_file(f.root + "/.dvc/config", "");
  c = f.load(true);
  EXPECT_EQ(c.cache_dir(), f.tmp / "global/gcache");
}

TEST(Config, ValidationOnLoad) {
  Fixture f;
  write_file(f.root + "/.dvc/config", "[core]\n    bogus = 1\n");
  auto c = Config::load(env::default_env(), f.root + "/.dvc", true, f.dirs);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "config file error: extra keys not allowed @ data['core']['bogus']");
  write_file(f.root + "/.dvc/config", "[core]\n    bogus\n");
  c = Config::load(env::default_env(), f.root + "/.dvc", false, f.dirs);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(),
            "config file error: " + f.root +
                "/.dvc/config:2: Invalid line ('    bogus') (matched as neither section nor "
                "keyword)");
}

TEST(Config, OutsideRepo) {
  Fixture f;
  auto c = Config::load(env::default_env(), std::nullopt, true, f.dirs);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->levels().size(), 2u);
  EXPECT_EQ(c->cache_dir(), "");
  auto st = c->set(ConfigLevel::repo, "core", "autostage", "true", "/");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().message(), "config file error: Not inside a DVC repo");
  ASSERT_TRUE(c->set(ConfigLevel::global, "core", "autostage", "true", "/").has_value());
  EXPECT_EQ(read_file(f.tmp / "global/config"), "[core]\n    autostage = true\n");
}

TEST(Root, FindRepoWalksUp) {
  Fixture f;
  auto r = find_repo(env::default_env(), f.root + "/sub");
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->root, f.root);
  EXPECT_EQ(r->dvc_dir, f.root + "/.dvc");
  auto none = find_repo(env::default_env(), f.tmp.path());
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::not_found);
  EXPECT_EQ(
      none.error().message().rfind("you are not inside of a DVC repository (checked up to mount point '", 0),
      0u)
      << none.error().message();
  std::filesystem::create_directories(f.root + "/.git");
  auto g = find_git_root(env::default_env(), f.root + "/sub");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(*g, f.root);
}

}  // namespace
}  // namespace cairn::repo
