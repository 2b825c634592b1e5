// Change detection in a real repository: compute_stage_state + write_lock_entry make a stage
// clean; then each kind of change (dep, param, cmd, deleted out, not in cache, frozen,
// always_changed, callback) shows as DVC shows it. Also stage add's dvc.yaml bytes and checks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "cairn/pipeline/index.h"
#include "cairn/pipeline/stage_add.h"
#include "cairn/pipeline/stage_state.h"
#include "cairn/pipeline/status.h"
#include "cairn/repo/init.h"
#include "test_util.h"

using namespace cairn;
using namespace cairn::pipeline;
using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;
namespace fs = std::filesystem;

namespace {

class PipelineRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp / "global");
    fs::create_directories(tmp / "system");
    ::setenv("DVC_GLOBAL_CONFIG_DIR", (tmp / "global").c_str(), 1);
    ::setenv("DVC_SYSTEM_CONFIG_DIR", (tmp / "system").c_str(), 1);
    root = tmp / "repo";
    fs::create_directories(root);
    repo::InitOptions io;
    io.no_scm = repo::NoScm::yes;
    ASSERT_TRUE(repo::init(env::default_env(), root, io).has_value());
  }

  std::unique_ptr<repo::Repository> open() {
    auto r = repo::Repository::open(env::default_env(), root);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return std::move(*r);
  }

  // Records every pipeline stage's current state in dvc.lock (what repro does after running).
  void lock_all() {
    auto r = open();
    auto index = collect_index(*r);
    ASSERT_TRUE(index) << index.error().message();
    for (const auto& s : index->stages) {
      if (s.kind != StageKind::pipeline) continue;
      auto st = compute_stage_state(*r, s, repo::Insert::yes);
      ASSERT_TRUE(st) << st.error().message();
      ASSERT_TRUE(write_lock_entry(*r, s, *st));
    }
  }

  std::string status_json_text(std::vector<std::string> targets = {}) {
    auto r = open();
    auto st = status(*r, targets, 2);
    if (!st) return "ERROR: " + st.error().message();
    return pipeline::status_json(*st).dump();
  }

  TempDir tmpdir;
  fs::path tmp = tmpdir.path();
  std::string root;
};

}  // namespace

TEST_F(PipelineRepo, CleanAfterLockThenEachChangeIsReported) {
  write_file(root + "/params.yaml", "lr: 0.1\ntrain:\n  epochs: 3\n  layers: [1, 2]\n");
  write_file(root + "/a.txt", "a\n");
  write_file(root + "/b.txt", "a\n");
  write_file(root + "/model/w.bin", "w");
  write_file(root + "/m.json", "{}");
  write_file(root + "/dvc.yaml", R"(stages:
  prep:
    cmd: cp a.txt b.txt
    deps: [a.txt]
    params: [lr, train]
    outs: [b.txt]
  train:
    cmd: python train.py
    deps: [b.txt]
    outs: [model]
    metrics:
    - m.json:
        cache: false
)");
  EXPECT_EQ(status_json_text(),
            R"({"prep":[{"changed deps":{"a.txt":"modified","params.yaml":"new"}},{"changed outs":{"b.txt":"modified"}}],"train":[{"changed deps":{"b.txt":"modified"}},{"changed outs":{"model":"modified","m.json":"modified"}}]})");
  lock_all();
  EXPECT_EQ(status_json_text(), "{}");
  std::string lock = read_file(root + "/dvc.lock");
  EXPECT_TRUE(lock.starts_with("schema: '2.0'\nstages:\n  prep:\n    cmd: cp a.txt b.txt\n    deps:\n    - path: a.txt\n"
                               "      hash: md5\n      md5: 60b725f10c9c85c70d97880dfe8191b3\n      size: 2\n"
                               "    params:\n      params.yaml:\n        lr: 0.1\n        train:\n          epochs: 3\n"))
      << lock;
  EXPECT_NE(lock.find("      nfiles: 1\n"), std::string::npos);

  // Same values written differently are not a change (1 == 1.0); a changed value is.
  write_file(root + "/params.yaml", "lr: 0.1\ntrain:\n  epochs: 3.0\n  layers: [1, 2]\n");
  EXPECT_EQ(status_json_text(), "{}");
  write_file(root + "/params.yaml", "lr: 0.2\ntrain:\n  epochs: 3\n  layers: [1, 2]\n");
  EXPECT_EQ(status_json_text(), R"({"prep":[{"changed deps":{"params.yaml":{"lr":"modified"}}}]})");
  write_file(root + "/params.yaml", "train:\n  epochs: 3\n  layers: [1, 2]\n");
  EXPECT_EQ(status_json_text(), R"({"prep":[{"changed deps":{"params.yaml":{"lr":"deleted"}}}]})");
  write_file(root + "/params.yaml", "lr: 0.1\ntrain:\n  epochs: 3\n  layers: [1, 2]\n");

  // A changed dep, a deleted output, a changed command.
  write_file(root + "/a.txt", "changed\n");
  fs::remove(root + "/m.json");
  std::string yaml = read_file(root + "/dvc.yaml");
  yaml.replace(yaml.find("python train.py"), 15, "python train2.py");
  write_file(root + "/dvc.yaml", yaml);
  EXPECT_EQ(status_json_text(),
            R"({"prep":[{"changed deps":{"a.txt":"modified"}}],"train":[{"changed outs":{"m.json":"deleted"}},"changed command"]})");
  // Targets: a stage name, an output path.
  EXPECT_EQ(status_json_text({"train"}), R"({"train":[{"changed outs":{"m.json":"deleted"}},"changed command"]})");
  EXPECT_EQ(status_json_text({"model"}), R"({"train":["changed command"]})");
  EXPECT_EQ(status_json_text({"nope"}),
            "ERROR: 'nope' does not exist as an output or a stage name in 'dvc.yaml': Stage 'nope' not found inside "
            "'dvc.yaml' file");
}

TEST_F(PipelineRepo, NotInCacheFrozenAlwaysChangedCallback) {
  write_file(root + "/in.txt", "in\n");
  write_file(root + "/out.txt", "out\n");
  write_file(root + "/dvc.yaml", R"(stages:
  s:
    cmd: make
    deps: [in.txt]
    outs: [out.txt]
  cb:
    cmd: echo callback
  always:
    cmd: echo
    deps: [in.txt]
    always_changed: true
)");
  lock_all();
  EXPECT_EQ(status_json_text(), R"({"cb":["always changed"],"always":["always changed"]})");
  // Remove the object from the cache.
  for (auto& e : fs::recursive_directory_iterator(root + "/.dvc/cache")) {
    if (e.is_regular_file()) {
      fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add);
      fs::permissions(e.path().parent_path(), fs::perms::owner_all, fs::perm_options::add);
    }
  }
  fs::remove_all(root + "/.dvc/cache");
  EXPECT_EQ(status_json_text({"s"}), R"({"s":[{"changed outs":{"out.txt":"not in cache"}}]})");
  // Frozen: deps are not reported.
  write_file(root + "/in.txt", "changed\n");
  std::string yaml = read_file(root + "/dvc.yaml");
  yaml.replace(yaml.find("    outs: [out.txt]\n"), 19, "    outs: [out.txt]\n    frozen: true\n");
  write_file(root + "/dvc.yaml", yaml);
  auto r = open();
  auto st = status(*r, {"s"}, 1);
  ASSERT_TRUE(st);
  EXPECT_EQ(status_json(*st).dump(), R"({"s":[{"changed outs":{"out.txt":"not in cache"}}]})");
  ASSERT_EQ(st->warnings.size(), 1u);
  EXPECT_EQ(st->warnings[0], "stage: 's' is frozen. Its dependencies are not going to be shown in the status output.");
}

TEST_F(PipelineRepo, ComputeStateReportsMissingThings) {
  write_file(root + "/params.yaml", "a: 1\n");
  write_file(root + "/dvc.yaml", "stages:\n  s:\n    cmd: x\n    deps: [nope]\n  p:\n    cmd: x\n    params: [a, b, c]\n");
  auto r = open();
  auto index = collect_index(*r);
  ASSERT_TRUE(index);
  auto s = compute_stage_state(*r, index->stages[0]);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "dependency 'nope' does not exist");
  auto p = compute_stage_state(*r, index->stages[1]);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message(), "Parameters 'b, c' are missing from 'params.yaml'.");
}

TEST_F(PipelineRepo, StageAddWritesDvcBytesAndChecks) {
  auto r = open();
  StageAddOptions o;
  o.name = "x";
  o.command = {"echo", "a b", "x\"y", ""};
  o.deps = {"./a", "b"};
  o.outs = {"c/"};
  o.outs_no_cache = {"with space"};
  o.metrics = {"m.json"};
  o.plots_no_cache = {"p.csv"};
  o.outs_persist_no_cache = {"pp"};
  o.params = {"a,b", "p2.yaml:z,y", "p3.yaml:", "c"};
  o.always_changed = true;
  o.desc = "my stage";
  auto res = stage_add(*r, o);
  ASSERT_TRUE(res) << res.error().message();
  // `dvc stage add` wrote exactly this.
  EXPECT_EQ(read_file(root + "/dvc.yaml"), R"(stages:
  x:
    desc: my stage
    cmd: echo "a b" x"y ""
    deps:
    - ./a
    - b
    params:
    - a
    - b
    - c
    - p2.yaml:
      - y
      - z
    - p3.yaml:
    outs:
    - c/
    - pp:
        cache: false
        persist: true
    - with space:
        cache: false
    metrics:
    - m.json
    plots:
    - p.csv:
        cache: false
    always_changed: true
)");
  EXPECT_EQ(read_file(root + "/.gitignore"), "/m.json\n/c\n");
  EXPECT_EQ(res->address, "x");
  EXPECT_EQ(res->files_to_track, (std::vector<std::string>{".gitignore", "dvc.yaml"}));

  auto again = stage_add(*r, o);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "Stage 'x' already exists in 'dvc.yaml'. Use '--force' to overwrite.");
  StageAddOptions dup;
  dup.name = "y";
  dup.command = {"echo"};
  dup.outs = {"c"};
  auto d = stage_add(*r, dup);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message(),
            "output 'c' is already specified in stage: 'x'.\nUse `dvc remove x` to stop tracking the overlapping output.");
  dup.outs = {"c/inner"};
  d = stage_add(*r, dup);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message().find("'c'('x')\n'c/inner'('y')\noverlap"), std::string::npos);
  dup.outs = {"q"};
  dup.deps = {"q"};
  d = stage_add(*r, dup);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message(), "'" + root + "/q' is specified as an output and as a dependency.");
  dup.deps = {};
  dup.outs = {"q", "q"};
  d = stage_add(*r, dup);
  EXPECT_EQ(d.error().message(), "file '" + root + "/q' is specified more than once.");
  dup.outs = {};
  dup.name = "a.b";
  EXPECT_EQ(stage_add(*r, dup).error().message(), "Stage name cannot contain punctuation characters.");
  dup.name = "z";
  dup.wdir = "nope";
  EXPECT_EQ(stage_add(*r, dup).error().message(), "stage working dir '" + root + "/nope' does not exist");
  dup.wdir.reset();
  dup.command = {};
  EXPECT_EQ(stage_add(*r, dup).error().message(), "command is not specified");
}

TEST(PipelineStageAdd, JoinsCommandsLikeDvc) {
  EXPECT_EQ(join_command({"python train.py"}), "python train.py");
  EXPECT_EQ(join_command({"echo", "a b", "x\"y z", ""}), "echo \"a b\" x\"y z \"\"");
  EXPECT_EQ(join_command({}), "");
}
