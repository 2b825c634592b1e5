#include "cairn/repo/remote_config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace cairn::repo {
namespace {

using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;

// A repository at <tmp>/repo with empty .dvc/config and system/global dirs beside it.
struct Fixture {
  TempDir tmp;
  std::string root = tmp / "repo";
  ConfigDirs dirs{tmp / "system", tmp / "global", tmp / "home"};
  Config config;
  Fixture() {
    std::filesystem::create_directories(root + "/sub");
    std::filesystem::create_directories(tmp / "home");
    write_file(root + "/.dvc/config", "");
    reload();
  }
  void reload() {
    auto c = Config::load(env::default_env(), root + "/.dvc", /*validate=*/false, dirs);
    ASSERT_TRUE(c.has_value()) << c.error().message();
    config = std::move(*c);
  }
  std::string repo_file() { return read_file(root + "/.dvc/config"); }
  std::string local_file() { return read_file(root + "/.dvc/config.local"); }
  std::string global_file() { return read_file(tmp / "global/config"); }
  std::string system_file() { return read_file(tmp / "system/config"); }
  bool local_exists() { return std::filesystem::exists(root + "/.dvc/config.local"); }
};

constexpr auto k_repo = ConfigLevel::repo;
constexpr auto k_local = ConfigLevel::local;
constexpr auto k_global = ConfigLevel::global;
constexpr auto k_system = ConfigLevel::system;

std::string message(const Status& st) {
  return st ? std::string("ok") : st.error().message();
}

TEST(RemoteConfig, AddWritesDvcBytesWithPathsRelativeToTheConfigFile) {
  Fixture f;
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "Store", "../store", false, false, f.root + "/sub")),
            "ok");
  EXPECT_EQ(f.repo_file(), "['remote \"store\"']\n    url = ../store\n");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "s3r", "s3://bucket/p", true, false, f.root)), "ok");
  EXPECT_EQ(f.repo_file(),
            "[core]\n    remote = s3r\n['remote \"store\"']\n    url = ../store\n['remote \"s3r\"']\n"
            "    url = s3://bucket/p\n");
  ASSERT_EQ(message(add_remote(f.config, k_global, "g", "rel", false, false, f.root)), "ok");
  EXPECT_EQ(f.global_file(), "['remote \"g\"']\n    url = ../repo/rel\n");
  ASSERT_EQ(message(add_remote(f.config, k_local, "home", "~/x", false, false, f.root)), "ok");
  EXPECT_EQ(f.local_file(), "['remote \"home\"']\n    url = ~/x\n");
}

TEST(RemoteConfig, AddExistingNeedsForceAndForceReplacesTheSection) {
  Fixture f;
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "r", "/a", false, false, f.root)), "ok");
  ASSERT_EQ(message(modify_remote(f.config, std::nullopt, "r", "jobs", "4", false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "b", "/b", false, false, f.root)), "ok");
  EXPECT_EQ(message(add_remote(f.config, std::nullopt, "R", "/c", false, false, f.root)),
            "config file error: remote 'r' already exists. Use `-f|--force` to overwrite it.");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "r", "/c", false, true, f.root)), "ok");
  EXPECT_EQ(f.repo_file(), "['remote \"r\"']\n    url = /c\n['remote \"b\"']\n    url = /b\n");
}

TEST(RemoteConfig, ModifyValidatesOptionsByScheme) {
  Fixture f;
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "loc", "/l", false, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "s3", "s3://b/p", false, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "web", "http://h/p", false, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "ref", "remote://s3/sub", false, false, f.root)),
            "ok");
  struct Case {
    const char* name;
    const char* option;
    const char* value;
    const char* error;  // nullptr: accepted
  };
  const Case cases[] = {
      {"loc", "jobs", "8", nullptr},
      {"loc", "jobs", "0", "value must be at least 1 for dictionary value @ data['remote']['loc']['jobs']"},
      {"loc", "jobs", "x", "expected int for dictionary value @ data['remote']['loc']['jobs']"},
      {"loc", "type", "copy, symlink", nullptr},
      {"loc", "type", "copy,nope",
       "Unsupported cache type(s): nope for dictionary value @ data['remote']['loc']['type']"},
      {"loc", "shared", "Group", nullptr},
      {"loc", "region", "eu", "extra keys not allowed @ data['remote']['loc']['region']"},
      {"loc", "Jobs", "1", "extra keys not allowed @ data['remote']['loc']['Jobs']"},
      {"s3", "region", "eu", nullptr},
      {"s3", "use_ssl", "FALSE", nullptr},
      {"s3", "use_ssl", "no",
       "expected true or false for dictionary value @ data['remote']['s3']['use_ssl']"},
      {"s3", "cache_regions", "true",
       "expected bool for dictionary value @ data['remote']['s3']['cache_regions']"},
      {"s3", "ssl_verify", "/ca.pem", nullptr},
      {"web", "auth", "DIGEST", nullptr},
      {"web", "auth", "x",
       "expected one of basic, digest, custom for dictionary value @ data['remote']['web']['auth']"},
      {"web", "read_timeout", "2.5", nullptr},
      {"web", "read_timeout", "-0.5",
       "value must be at least 0 for dictionary value @ data['remote']['web']['read_timeout']"},
      {"web", "read_timeout", "1_0.5", nullptr},
      {"web", "read_timeout", "nan",
       "value must be at least 0 for dictionary value @ data['remote']['web']['read_timeout']"},
      {"web", "read_timeout", "1e",
       "expected float for dictionary value @ data['remote']['web']['read_timeout']"},
      {"ref", "whatever", "1", nullptr},
      {"s3", "url", "ftp://h/x", "Unsupported URL type ftp:// for dictionary value @ data['remote']['s3']"},
      {"s3", "url", "s3://[::1]/x", nullptr},
      {"s3", "url", "s3://[1.2.3.4]/x", "not a valid value for dictionary value @ data['remote']['s3']"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name) + "." + c.option + "=" + c.value);
    std::string before = f.repo_file();
    Status st = modify_remote(f.config, std::nullopt, c.name, c.option, c.value, false, f.root);
    if (c.error) {
      EXPECT_EQ(message(st), std::string("config file error: ") + c.error);
      EXPECT_EQ(f.repo_file(), before);
    } else {
      EXPECT_EQ(message(st), "ok");
    }
  }
}

TEST(RemoteConfig, ModifyWithoutValueAndUnset) {
  Fixture f;
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "r", "/a", false, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "ref", "remote://r/x", false, false, f.root)), "ok");
  EXPECT_EQ(message(modify_remote(f.config, std::nullopt, "r", "jobs", std::nullopt, false, f.root)),
            "config file error: expected int for dictionary value @ data['remote']['r']['jobs']");
  Status st = modify_remote(f.config, std::nullopt, "r", "url", std::nullopt, false, f.root);
  ASSERT_FALSE(st);
  EXPECT_TRUE(is_unexpected_error(st.error()));
  EXPECT_EQ(st.error().message(), "unexpected error - expected string or bytes-like object, got 'NoneType'");
  ASSERT_EQ(message(modify_remote(f.config, std::nullopt, "ref", "opt", std::nullopt, false, f.root)), "ok");
  EXPECT_NE(f.repo_file().find("    opt = None\n"), std::string::npos);
  // unset: a missing option is fine; at a level without the remote it leaves an empty section
  ASSERT_EQ(message(modify_remote(f.config, std::nullopt, "r", "nothing", std::nullopt, true, f.root)), "ok");
  ASSERT_EQ(message(modify_remote(f.config, k_local, "r", "jobs", std::nullopt, true, f.root)), "ok");
  EXPECT_EQ(f.local_file(), "['remote \"r\"']\n");
  EXPECT_EQ(message(modify_remote(f.config, k_global, "r", "jobs", "1", false, f.root)),
            "config file error: remote 'r' doesn't exist.");
  // a path option from a subdirectory, at the local level
  ASSERT_EQ(message(modify_remote(f.config, k_local, "r", "url", "x", false, f.root + "/sub")), "ok");
  EXPECT_EQ(f.local_file(), "['remote \"r\"']\n    url = ../sub/x\n");
}

TEST(RemoteConfig, RemoveDropsMatchingDefaultsFromLocalDownToTheLevel) {
  Fixture f;
  for (auto level : {k_system, k_global, k_repo}) {
    ASSERT_EQ(message(add_remote(f.config, level, "r", "/x", true, false, f.root)), "ok");
  }
  ASSERT_EQ(message(remove_remote(f.config, k_global, "R")), "ok");
  EXPECT_EQ(f.global_file(), "\n");
  EXPECT_EQ(f.repo_file(), "['remote \"r\"']\n    url = /x\n");
  EXPECT_EQ(f.local_file(), "\n");  // DVC rewrites (creates) every level it walks
  EXPECT_EQ(f.system_file(), "[core]\n    remote = r\n['remote \"r\"']\n    url = /x\n");
  EXPECT_EQ(message(remove_remote(f.config, k_global, "r")), "config file error: remote 'r' doesn't exist.");
  ASSERT_EQ(message(remove_remote(f.config, std::nullopt, "r")), "ok");
  EXPECT_EQ(f.repo_file(), "\n");
}

TEST(RemoteConfig, RenameMovesTheSectionAndRenamesDefaults) {
  Fixture f;
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "old", "../s", true, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "keep", "/k", false, false, f.root)), "ok");
  ASSERT_EQ(message(set_default_remote(f.config, k_local, "old")), "ok");
  ASSERT_EQ(message(add_remote(f.config, k_global, "g", "/g", false, false, f.root)), "ok");
  EXPECT_EQ(message(rename_remote(f.config, std::nullopt, "old", "g")),
            "config file error: Rename failed. Remote name 'g' already exists.");
  EXPECT_EQ(message(rename_remote(f.config, std::nullopt, "nope", "x")),
            "config file error: remote 'nope' doesn't exist.");
  ASSERT_EQ(message(rename_remote(f.config, std::nullopt, "OLD", "New")), "ok");
  EXPECT_EQ(
      f.repo_file(),
      "[core]\n    remote = New\n['remote \"keep\"']\n    url = /k\n['remote \"New\"']\n    url = ../../s\n");
  EXPECT_EQ(f.local_file(), "[core]\n    remote = New\n");
  // DVC reads the section back lower-cased
  auto list = list_remotes(f.config, std::nullopt);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->entries.size(), 3u);
  EXPECT_EQ(list->entries[2].name, "new");
  EXPECT_EQ(list->entries[2].url, f.tmp / "s");
  EXPECT_FALSE(list->entries[2].is_default);  // core.remote is "New"
}

TEST(RemoteConfig, DefaultGetSetUnset) {
  Fixture f;
  auto def = get_default_remote(f.config, std::nullopt);
  ASSERT_TRUE(def);
  EXPECT_FALSE(*def);
  ASSERT_EQ(message(add_remote(f.config, k_local, "l", "/l", false, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, k_system, "s", "/s", false, false, f.root)), "ok");
  EXPECT_EQ(message(set_default_remote(f.config, std::nullopt, "nope")),
            "config file error: default remote must be present in remote list.");
  ASSERT_EQ(message(set_default_remote(f.config, std::nullopt, "L")), "ok");  // merged includes local
  EXPECT_EQ(f.repo_file(), "[core]\n    remote = l\n");
  EXPECT_EQ(message(set_default_remote(f.config, k_repo, "l")),
            "config file error: default remote must be present in remote list.");
  EXPECT_EQ(message(set_default_remote(f.config, k_system, "x")), "unexpected error - 'remote'");
  ASSERT_EQ(message(set_default_remote(f.config, k_system, "s")), "ok");
  def = get_default_remote(f.config, k_system);
  ASSERT_TRUE(def && *def);
  EXPECT_EQ(**def, "s");
  ASSERT_EQ(message(unset_default_remote(f.config, std::nullopt)), "ok");
  EXPECT_EQ(f.repo_file(), "\n");
  def = get_default_remote(f.config, std::nullopt);
  ASSERT_TRUE(def && *def);
  EXPECT_EQ(**def, "s");
}

TEST(RemoteConfig, ListMergesLevelsAndStopsAtARemoteWithoutUrl) {
  Fixture f;
  ASSERT_EQ(message(add_remote(f.config, k_global, "a", "/ga", false, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "b", "rel", true, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, k_local, "a", "/la", false, false, f.root)), "ok");
  auto list = list_remotes(f.config, std::nullopt);
  ASSERT_TRUE(list);
  EXPECT_FALSE(list->error);
  ASSERT_EQ(list->entries.size(), 2u);
  EXPECT_EQ(list->entries[0].name, "a");
  EXPECT_EQ(list->entries[0].url, "/la");
  EXPECT_EQ(list->entries[1].url, f.root + "/rel");
  EXPECT_TRUE(list->entries[1].is_default);
  write_file(f.root + "/.dvc/config.local", "[remote \"b\"]\n    jobs = 2\n[remote \"c\"]\n    jobs = 1\n");
  f.reload();
  list = list_remotes(f.config, k_local);
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->entries.empty());
  ASSERT_TRUE(list->error);
  EXPECT_EQ(list->error->message(), "unexpected error - 'url'");
  list = list_remotes(f.config, std::nullopt);
  ASSERT_TRUE(list && list->error);
  EXPECT_EQ(list->entries.size(), 2u);  // a and b print before c fails
}

TEST(RemoteConfig, EditsFailAfterWriteWhenAHigherLevelIsInvalid) {
  Fixture f;
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "r", "/x", false, false, f.root)), "ok");
  ASSERT_EQ(message(modify_remote(f.config, k_local, "r", "jobs", "3", false, f.root)), "ok");
  EXPECT_EQ(message(remove_remote(f.config, std::nullopt, "r")),
            "config file error: expected 'url' for dictionary value @ data['remote']['r']");
  EXPECT_EQ(f.repo_file(), "\n");  // written before the reload failed
}

TEST(RemoteConfig, OutsideARepository) {
  TempDir tmp;
  auto c = Config::load(env::default_env(), std::nullopt, false, ConfigDirs{tmp / "s", tmp / "g", tmp / "h"});
  ASSERT_TRUE(c);
  EXPECT_EQ(message(add_remote(*c, std::nullopt, "r", "/x", false, false, tmp.path())),
            "config file error: Not inside a DVC repo");
  auto list = list_remotes(*c, k_local);
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().message(), "unexpected error - 'local'");
  ASSERT_EQ(message(add_remote(*c, k_global, "r", "/x", false, false, tmp.path())), "ok");
  // the global level is written, then the walk reaches the local level
  EXPECT_EQ(message(remove_remote(*c, k_global, "r")), "config file error: Not inside a DVC repo");
  EXPECT_EQ(read_file(tmp / "g/config"), "\n");
}

TEST(RemoteConfig, ValidateRemoteSection) {
  using Entries = std::vector<std::pair<std::string, IniValue>>;
  EXPECT_EQ(message(validate_remote_section("r", Entries{{"jobs", IniValue("1")}})),
            "config file error: expected 'url' for dictionary value @ data['remote']['r']");
  EXPECT_EQ(message(validate_remote_section("r", Entries{{"url", IniValue("Bogus://x/y")}})),
            "config file error: Unsupported URL type bogus:// for dictionary value @ data['remote']['r']");
  // no netloc, or not a urlsplit scheme: local
  EXPECT_EQ(message(validate_remote_section(
                "r", Entries{{"url", IniValue("bogus:///y")}, {"jobs", IniValue("1")}})),
            "ok");
  EXPECT_EQ(message(validate_remote_section(
                "r", Entries{{"url", IniValue("my_s://h/y")}, {"shared", IniValue("group")}})),
            "ok");
  EXPECT_EQ(message(validate_remote_section("it's",
                                            Entries{{"url", IniValue("gs://b")}, {"region", IniValue("x")}})),
            "config file error: extra keys not allowed @ data['remote'][\"it's\"]['region']");
  EXPECT_EQ(message(validate_remote_section("r", Entries{{"url", IniValue("ssh://h/p")},
                                                         {"port", IniValue("22")},
                                                         {"type", IniValue::make_list({"copy", "hardlink"})},
                                                         {"jobs", IniValue::make_list({"1"})}})),
            "config file error: expected int for dictionary value @ data['remote']['r']['jobs']");
  EXPECT_EQ(message(validate_remote_section("r", Entries{{"url", IniValue("s3://[v1.x]/p")}})), "ok");
  EXPECT_EQ(message(validate_remote_section("r", Entries{{"url", IniValue("s3://]x/p")}})),
            "config file error: not a valid value for dictionary value @ data['remote']['r']");
}

TEST(RemoteConfig, ResolveRemote) {
  Fixture f;
  auto none = resolve_remote(f.config, f.root, "", "push");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(), "config file error: no remote specified in " + f.root +
                                        ". Create a default remote with\n"
                                        "    dvc remote add -d <remote name> <remote url>");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "base", "../store", false, false, f.root)), "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "s3", "s3://bucket/p", false, false, f.root)), "ok");
  ASSERT_EQ(message(modify_remote(f.config, std::nullopt, "s3", "region", "eu", false, f.root)), "ok");
  ASSERT_EQ(message(modify_remote(f.config, k_local, "s3", "secret_access_key", "SECRET", false, f.root)),
            "ok");
  ASSERT_EQ(message(modify_remote(f.config, std::nullopt, "s3", "credentialpath", "creds", false, f.root)),
            "ok");
  ASSERT_EQ(message(add_remote(f.config, std::nullopt, "ref", "remote://s3/sub/dir", false, false, f.root)),
            "ok");
  ASSERT_EQ(message(modify_remote(f.config, std::nullopt, "ref", "region", "us", false, f.root)), "ok");
  none = resolve_remote(f.config, f.root, "", "push");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(), "config file error: no remote specified in " + f.root +
                                        ". Setup default remote with\n    dvc remote default <remote name>\n"
                                        "or use:\n    dvc push -r <remote name>");
  auto missing = resolve_remote(f.config, f.root, "Nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
  EXPECT_EQ(missing.error().message(), "config file error: remote 'Nope' doesn't exist");

  auto base = resolve_remote(f.config, f.root, "BASE");
  ASSERT_TRUE(base) << base.error().message();
  EXPECT_EQ(base->name, "base");
  EXPECT_EQ(base->url, f.tmp / "store");
  EXPECT_TRUE(base->options.empty());

  auto s3 = resolve_remote(f.config, f.root, "s3");
  ASSERT_TRUE(s3);
  EXPECT_EQ(s3->url, "s3://bucket/p");
  EXPECT_EQ(s3->options.at("region"), "eu");
  EXPECT_EQ(s3->options.at("secret_access_key"), "SECRET");
  EXPECT_EQ(s3->options.at("credentialpath"), f.root + "/creds");

  ASSERT_EQ(message(set_default_remote(f.config, std::nullopt, "ref")), "ok");
  ASSERT_EQ(message(f.config.set(k_repo, "core", "checksum_jobs", "3", f.root)), "ok");
  auto ref = resolve_remote(f.config, f.root, "");
  ASSERT_TRUE(ref) << ref.error().message();
  EXPECT_EQ(ref->name, "ref");
  EXPECT_EQ(ref->url, "s3://bucket/p/sub/dir");
  EXPECT_EQ(ref->options.at("region"), "us");
  EXPECT_EQ(ref->options.at("secret_access_key"), "SECRET");
  EXPECT_EQ(ref->options.at("checksum_jobs"), "3");
}

}  // namespace
}  // namespace cairn::repo
