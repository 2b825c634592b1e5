// Tests for the artifacts engine (catalog/artifacts.h): settings precedence, the record key
// layout, catalog sync (incremental, rebuild after losing the catalog, unknown format
// versions) and the offline queue.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "cairn/catalog/artifacts.h"
#include "test_util.h"

namespace cairn::catalog {
namespace {

using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;
namespace fs = std::filesystem;

EnvLookup env_map(std::map<std::string, std::string>* vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars->find(std::string(name));
    if (it == vars->end()) return std::nullopt;
    return it->second;
  };
}

TEST(ArtifactSettings, PrecedenceEnvThenRepoThenUserThenDefault) {
  TempDir tmp;
  const std::string repo = tmp / "repo";
  write_file(repo + "/.dvc/config", "");
  fs::create_directories(repo + "/sub");
  std::map<std::string, std::string> vars{{"HOME", tmp / "home"}, {"XDG_CONFIG_HOME", tmp / "xdg"}};
  SettingsContext ctx{nullptr, repo + "/sub", env_map(&vars)};

  auto s = load_settings(ctx);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->catalog_url, "sqlite://" + repo + "/.dvc/tmp/cairn/catalog.db");
  EXPECT_EQ(s->catalog_url_source, SettingSource::default_value);
  EXPECT_EQ(s->root_url, repo + "/.dvc/cache");  // the repository's local cache
  EXPECT_EQ(s->state_dir, repo + "/.dvc/tmp/cairn");

  ASSERT_TRUE(set_setting(ctx, "catalog.url", "sqlite:///user.db", SettingScope::global));
  ASSERT_TRUE(set_setting(ctx, "artifacts.root", "/user-root", SettingScope::global));
  EXPECT_TRUE(fs::exists(tmp / "xdg/cairn/config"));
  s = load_settings(ctx);
  EXPECT_EQ(s->catalog_url, "sqlite:///user.db");
  EXPECT_EQ(s->catalog_url_source, SettingSource::global_file);
  EXPECT_EQ(s->root_url, "/user-root");

  ASSERT_TRUE(set_setting(ctx, "catalog.url", "sqlite:///repo.db", SettingScope::repo));
  ASSERT_TRUE(set_setting(ctx, "artifacts.root", "store/artifacts", SettingScope::repo));
  EXPECT_NE(read_file(repo + "/.cairn/config").find("[catalog]"), std::string::npos);
  EXPECT_FALSE(fs::exists(repo + "/.dvc/config.local"));  // DVC's files untouched
  EXPECT_EQ(read_file(repo + "/.dvc/config"), "");
  s = load_settings(ctx);
  EXPECT_EQ(s->catalog_url, "sqlite:///repo.db");
  EXPECT_EQ(s->catalog_url_source, SettingSource::repo_file);
  EXPECT_EQ(s->root_url, repo + "/store/artifacts");  // relative to the repository root, not cwd

  vars["CAIRN_CATALOG_URL"] = "postgresql://env/db";
  vars["CAIRN_ARTIFACTS_ROOT"] = "s3://bucket/prefix";
  s = load_settings(ctx);
  EXPECT_EQ(s->catalog_url, "postgresql://env/db");
  EXPECT_EQ(s->catalog_url_source, SettingSource::environment);
  EXPECT_EQ(s->root_url, "s3://bucket/prefix");

  vars.erase("CAIRN_CATALOG_URL");
  ASSERT_TRUE(unset_setting(ctx, "catalog.url", SettingScope::repo));
  EXPECT_EQ(load_settings(ctx)->catalog_url, "sqlite:///user.db");
  EXPECT_EQ(get_setting(ctx, "catalog.url", SettingScope::global)->value_or(""), "sqlite:///user.db");

  auto bad = set_setting(ctx, "catalog.nope", "x", SettingScope::global);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::invalid_input);
}

TEST(ArtifactSettings, OutsideARepositoryUsesUserLevelPaths) {
  TempDir tmp;
  fs::create_directories(tmp / "work");
  std::map<std::string, std::string> vars{{"HOME", tmp / "home"}, {"CAIRN_USER", "user-a"}};
  auto s = load_settings(SettingsContext{nullptr, tmp / "work", env_map(&vars)});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_FALSE(s->repo_root);
  EXPECT_EQ(s->catalog_url, "sqlite://" + tmp / "home/.local/share/cairn/catalog.db");
  EXPECT_EQ(s->root_url, tmp / "home/.cache/cairn/artifacts");
  EXPECT_EQ(s->username, "user-a");
  auto repo_scope = set_setting(SettingsContext{nullptr, tmp / "work", env_map(&vars)}, "catalog.url", "x",
                                SettingScope::repo);
  ASSERT_FALSE(repo_scope);
  EXPECT_EQ(repo_scope.error().code(), ErrorCode::not_found);
}

TEST(ArtifactLayout, RecordAndObjectKeys) {
  ArtifactRecord r;
  r.artifact_id = "artifact_0d6c2f4e-8a4b-4c1e-9a53-3b0f1f3e9a10";
  r.username = "user a/../x";
  r.creation_time = *parse_iso_time("2026-01-02T03:04:05.678Z");
  EXPECT_EQ(record_key(r), "artifacts/2026/01/02/user_a_.._x/030405_artifact_0d6c2f4e-8a4b-4c1e-9a53-3b0f1f3e9a10.json");
  r.username = "user-a";
  r.creation_time = *parse_iso_time("2026-12-31T23:59:59.999Z");
  EXPECT_EQ(record_key(r), "artifacts/2026/12/31/user-a/235959_artifact_0d6c2f4e-8a4b-4c1e-9a53-3b0f1f3e9a10.json");
  EXPECT_EQ(object_key("0cc175b9c0f1b6a831c399e269772661"), "files/md5/0c/c175b9c0f1b6a831c399e269772661");
}

LogOptions named(const std::string& name) {
  LogOptions o;
  o.name = name;
  return o;
}

struct Fixture {
  TempDir tmp;
  ArtifactSettings settings;
  Fixture() {
    settings.cwd = tmp / "work";
    fs::create_directories(settings.cwd);
    settings.catalog_url = "sqlite://" + tmp / "catalog.db";
    settings.root_url = tmp / "root";
    settings.local_cache_dir = tmp / "cache";
    settings.state_dir = tmp / "state";
    settings.username = "user-a";
    settings.hostname = "host";
  }
  std::unique_ptr<Artifacts> open() {
    auto a = Artifacts::open(settings);
    EXPECT_TRUE(a) << a.error().message();
    return std::move(*a);
  }
  std::string file(const std::string& rel, const std::string& content) {
    write_file(settings.cwd + "/" + rel, content);
    return settings.cwd + "/" + rel;
  }
};

TEST(ArtifactSync, RebuildsALostCatalogAndIngestsIncrementally) {
  Fixture f;
  std::vector<std::string> ids;
  {
    auto a = f.open();
    for (int i = 0; i < 3; ++i) {
      LogOptions o;
      o.name = "ds";
      auto r = a->log({{f.file("a.txt", "content " + std::to_string(i)), "a.txt"}}, o);
      ASSERT_TRUE(r) << r.error().message();
      EXPECT_EQ(r->record.version, i + 1);
      EXPECT_FALSE(r->queued);
      ids.push_back(r->record.artifact_id);
      EXPECT_TRUE(fs::exists(f.settings.root_url + "/" + r->record_key));
    }
    auto first = a->sync(SyncMode::incremental);
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_EQ(first->ingested, 0u);  // log() already wrote the rows
  }
  fs::remove(f.tmp / "catalog.db");
  auto a = f.open();
  EXPECT_EQ(a->find("", 0)->total, 0);
  auto rebuilt = a->sync(SyncMode::incremental);
  ASSERT_TRUE(rebuilt) << rebuilt.error().message();
  EXPECT_EQ(rebuilt->mode, SyncMode::full);  // fewer rows than at the last sync: the catalog was lost
  EXPECT_EQ(rebuilt->ingested, 3u);
  for (int v = 1; v <= 3; ++v) EXPECT_EQ(a->resolve("ds@" + std::to_string(v))->artifact_id, ids[v - 1]);

  // Another writer's record (same root, other catalog) and a record of a future format.
  ArtifactRecord other;
  other.artifact_id = new_artifact_id();
  other.username = "user-b";
  other.creation_time = now_ms();
  other.files["x.bin"] = {"0cc175b9c0f1b6a831c399e269772661", 1, "u"};
  write_file(f.settings.root_url + "/" + record_key(other), record_to_json(other).dump());
  nlohmann::json future = record_to_json(other);
  future["format_version"] = 99;
  future["artifact_id"] = new_artifact_id();
  const std::string future_key = day_prefix(now_ms()) + "user-c/000000_" + future["artifact_id"].get<std::string>() + ".json";
  write_file(f.settings.root_url + "/" + future_key, future.dump());

  auto inc = a->sync(SyncMode::incremental);
  ASSERT_TRUE(inc) << inc.error().message();
  EXPECT_EQ(inc->mode, SyncMode::incremental);
  EXPECT_EQ(inc->ingested, 1u);
  EXPECT_EQ(inc->skipped, 3u);  // remembered from the previous sync: not read again
  ASSERT_EQ(inc->errors.size(), 1u);
  EXPECT_NE(inc->errors[0].message().find(future_key), std::string::npos);
  EXPECT_NE(inc->errors[0].message().find("99"), std::string::npos);
  EXPECT_TRUE(a->resolve(other.artifact_id));
  EXPECT_EQ(a->find("", 0)->total, 4);
}

TEST(ArtifactLog, CreationTimesStrictlyIncreaseWithinAProcess) {
  Fixture f;
  auto a = f.open();
  TimePoint last{};
  for (int i = 0; i < 20; ++i) {  // far faster than one per millisecond
    auto r = a->log({{f.file("t.txt", std::to_string(i)), "t.txt"}}, LogOptions{});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_GT(r->record.creation_time, last);
    last = r->record.creation_time;
  }
}

TEST(ArtifactRun, JournalReadsBecomeBasedOn) {
  Fixture f;
  auto a = f.open();
  auto input = a->log({{f.file("in.txt", "in"), "in.txt"}}, named("input"));
  ASSERT_TRUE(input);
  auto run = start_run(f.settings, "train");
  ASSERT_TRUE(run) << run.error().message();
  f.settings.run_id = run->run_id;
  f.settings.run_journal = run->journal_path;
  auto in_run = f.open();
  auto got = in_run->materialise("input@latest", f.tmp / "got");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(read_file(f.tmp / "got/in.txt"), "in");
  auto model = in_run->log({{f.file("model.bin", "m"), "model.bin"}}, LogOptions{});
  ASSERT_TRUE(model) << model.error().message();
  EXPECT_EQ(model->record.based_on, std::vector<std::string>{input->record.artifact_id});
  EXPECT_EQ(model->record.run_id, run->run_id);
  EXPECT_EQ(*read_run_journal(run->journal_path), std::vector<std::string>{input->record.artifact_id});
}

TEST(ArtifactOffline, QueuesWhenTheRootIsUnreachableAndPushesLater) {
  Fixture f;
  f.settings.root_url = "s3://bucket/prefix";
  f.settings.root_options = {{"endpointurl", "http://127.0.0.1:1"},  // nothing listens on port 1
                             {"access_key_id", "k"},
                             {"secret_access_key", "s"},
                             {"region", "us-east-1"}};
  auto a = f.open();
  auto r = a->log({{f.file("a.txt", "offline bytes"), "a.txt"}}, named("off"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->queued);
  EXPECT_EQ(*a->queued(), std::vector<std::string>{r->record.artifact_id});
  EXPECT_EQ(a->resolve("off")->artifact_id, r->record.artifact_id);  // the catalog row is there
  // Reads fall back to the local cache.
  auto got = a->materialise(r->record.artifact_id, f.tmp / "got");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(read_file(f.tmp / "got/a.txt"), "offline bytes");
  auto still = a->push_queue();
  ASSERT_FALSE(still);
  EXPECT_EQ(still.error().code(), ErrorCode::unavailable);
  EXPECT_EQ(a->queued()->size(), 1u);  // nothing lost

  // The root comes back (here: a folder); push uploads objects, then the record.
  f.settings.root_url = f.tmp / "root";
  f.settings.root_options.clear();
  auto b = f.open();
  auto pushed = b->push_queue();
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(pushed->artifacts, 1u);
  EXPECT_EQ(pushed->objects, 1u);
  EXPECT_TRUE(b->queued()->empty());
  EXPECT_TRUE(fs::exists(f.tmp / "root" + "/" + record_key(r->record)));
  EXPECT_EQ(read_file(f.tmp / "root/" + object_key(r->record.files.at("a.txt").md5)), "offline bytes");
}

}  // namespace
}  // namespace cairn::catalog
