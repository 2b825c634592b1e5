// Tests for `params diff` / `metrics show|diff` building blocks: which files a revision's
// dvc.yaml files name (params_metrics_files.h), loading them (rev_data.h) from the workspace and
// from a git commit (git_tree_env.h), DVC's value diff (value_diff.h), its tables
// (compare_table.h, util/text_table.h) and JSON shapes (value_json.h). Expected texts are what
// DVC 3.67.1 prints for the same data.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "cairn/env/env.h"
#include "cairn/pipeline/compare_table.h"
#include "cairn/pipeline/git_tree_env.h"
#include "cairn/pipeline/params_file.h"
#include "cairn/pipeline/params_metrics_files.h"
#include "cairn/pipeline/py_format.h"
#include "cairn/pipeline/rev_data.h"
#include "cairn/pipeline/value_diff.h"
#include "cairn/pipeline/value_json.h"
#include "cairn/util/text_table.h"
#include "test_util.h"

namespace cairn::pipeline {
namespace {

using yaml::Node;

RevData rev_of(std::vector<std::pair<std::string, std::string>> files) {
  RevData r;
  for (const auto& [path, text] : files) {
    auto doc = parse_params_text(text, path);
    EXPECT_TRUE(doc) << path;
    r.files.push_back({path, doc ? std::optional<Node>(*doc) : std::nullopt, std::nullopt});
  }
  return r;
}

std::string render(const TextTable& t, TableStyle s = TableStyle::plain) {
  return render_table(t, s);
}

TEST(TextTable, PlainAndMarkdownLikeTabulate) {
  TextTable t{{"Path", "acc", "n"}, {{"m.json", "0.91235", "100"}, {"top.yaml", "-", "1"}}};
  EXPECT_EQ(render(t),
            "Path      acc      n\n"
            "m.json    0.91235  100\n"
            "top.yaml  -        1\n");
  EXPECT_EQ(render(t, TableStyle::markdown),
            "| Path     | acc     | n   |\n"
            "|----------|---------|-----|\n"
            "| m.json   | 0.91235 | 100 |\n"
            "| top.yaml | -       | 1   |\n\n");
  TextTable empty{{"Path", "Param", "HEAD", "workspace"}, {}};
  EXPECT_EQ(render(empty), "");
  EXPECT_EQ(render(empty, TableStyle::markdown),
            "| Path   | Param   | HEAD   | workspace   |\n|--------|---------|--------|-------------|\n\n");
  // Cells are stripped; wide characters take two columns; line breaks make extra lines.
  TextTable w{{"k", "v"}, {{"  \xe6\x97\xa5\xe6\x9c\xac ", "a\nbb"}, {"x", "y"}}};
  EXPECT_EQ(render(w), "k     v\n\xe6\x97\xa5\xe6\x9c\xac  a\n      bb\nx     y\n");
  EXPECT_EQ(display_width("caf\xc3\xa9"), 4);
  // wcswidth is -1 for text with control characters; tabulate then pads one more than the width.
  EXPECT_EQ(display_width("a\tb"), -1);
  TextTable tab{{"k", "v"}, {{"a\tb", "x"}, {"long value", "y"}}};
  EXPECT_EQ(render(tab), "k           v\na\tb             x\nlong value  y\n");
  EXPECT_EQ(render(tab, TableStyle::markdown),
            "| k          | v   |\n|------------|-----|\n| a\tb            | x   |\n| long value | y   |\n\n");
}

TEST(TextTable, CsvLikePythonCsvWriter) {
  TextTable t{{"Path", "a,b"}, {{"m.json", "say \"hi\""}, {"x", "two\nlines"}}};
  EXPECT_EQ(render_csv(t), "Path,\"a,b\"\r\nm.json,\"say \"\"hi\"\"\"\r\nx,\"two\nlines\"\r\n");
}

TEST(ValueDiff, ChangesLikeDvc) {
  RevData old_rev =
      rev_of({{"params.yaml",
               "lr: 0.001\nepochs: 10\nname: model\nnested:\n  a: 1\n  b: [1, 2, x]\n  c: {d: 0.5, e: null}\n"
               "flag: true\n"}});
  RevData new_rev = rev_of({{"params.yaml",
                             "lr: 0.0001\nepochs: 10\nname: model2\nnested:\n  a: 1.0\n  b: [1, 2, y]\n"
                             "  c: {d: 0.25, f: new}\nflag: false\n"}});
  auto diff = diff_revisions(old_rev, new_rev, Unchanged::hide);
  ASSERT_EQ(diff.size(), 1u);
  std::vector<std::string> keys;
  for (const auto& c : diff[0].changes) keys.push_back(c.key);
  // nested.a (1 == 1.0) and nested.c.e (null == missing) are unchanged.
  EXPECT_EQ(keys, (std::vector<std::string>{"flag", "lr", "name", "nested.b", "nested.c.d", "nested.c.f"}));
  DiffTableOptions t;
  t.title = "Param";
  t.changes = ShowChanges::no;
  EXPECT_EQ(render(diff_table(diff, t)),
            "Path         Param       HEAD         workspace\n"
            "params.yaml  flag        True         False\n"
            "params.yaml  lr          0.001        0.0001\n"
            "params.yaml  name        model        model2\n"
            "params.yaml  nested.b    [1, 2, 'x']  [1, 2, 'y']\n"
            "params.yaml  nested.c.d  0.5          0.25\n"
            "params.yaml  nested.c.f  -            new\n");
  auto all = diff_revisions(old_rev, new_rev, Unchanged::show);
  EXPECT_EQ(all[0].changes.size(), 9u);
  EXPECT_EQ(
      diff_json(diff).dump(),
      R"({"params.yaml":{"flag":{"old":true,"new":false,"diff":-1},"lr":{"old":0.001,"new":0.0001,"diff":-0.0009},)"
      R"("name":{"old":"model","new":"model2"},"nested.b":{"old":"[1, 2, 'x']","new":"[1, 2, 'y']"},)"
      R"("nested.c.d":{"old":0.5,"new":0.25,"diff":-0.25},"nested.c.f":{"old":null,"new":"new"}}})");
}

TEST(ValueDiff, MetricsTableWithRounding) {
  RevData old_rev = rev_of(
      {{"m.json",
        R"({"acc": 0.912345678, "loss": 1.5, "n": 100, "nested": {"f1": 0.3333333333, "s": "str", "b": true}})"}});
  RevData new_rev =
      rev_of({{"m.json",
               R"({"acc": 0.95, "loss": 1, "nested": {"f1": 0.5, "s": "str2", "b": false}, "extra": 7})"}});
  auto diff = diff_revisions(old_rev, new_rev, Unchanged::hide);
  DiffTableOptions t;
  t.title = "Metric";
  t.precision = 5;
  t.rounding = Rounding::round_digits;
  EXPECT_EQ(render(diff_table(diff, t)),
            "Path    Metric     HEAD     workspace    Change\n"
            "m.json  acc        0.91235  0.95         0.03765\n"
            "m.json  extra      -        7            -\n"
            "m.json  loss       1.5      1            -0.5\n"
            "m.json  n          100      -            -\n"
            "m.json  nested.b   True     False        -1\n"
            "m.json  nested.f1  0.33333  0.5          0.16667\n"
            "m.json  nested.s   str      str2         -\n");
  t.precision = 2;
  t.path = ShowPath::no;
  t.a_rev = "b1";
  t.b_rev = "main";
  auto table = diff_table(diff, t);
  EXPECT_EQ(table.headers, (std::vector<std::string>{"Metric", "b1", "main", "Change"}));
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"acc", "0.91", "0.95", "0.04"}));
}

TEST(ValueDiff, SameRevisionNamesShareOneColumnLikeDvc) {
  RevData r = rev_of({{"m.yaml", "a: 1\nb: 2\n"}});
  auto diff = diff_revisions(r, r, Unchanged::show);
  DiffTableOptions t;
  t.title = "Metric";
  t.a_rev = t.b_rev = "HEAD";
  // DVC: TabularData's columns dict holds one "HEAD" column filled with old, new, old, new...
  EXPECT_EQ(render(diff_table(diff, t)),
            "Path    Metric    HEAD    HEAD    Change\n"
            "m.yaml  a         1       1       0\n"
            "m.yaml  b         1       1       0\n");
}

TEST(ValueDiff, NonMappingSidesAndMissingFiles) {
  RevData scalar = rev_of({{"s.json", "0.5"}});
  RevData mapping = rev_of({{"s.json", R"({"a": 1})"}});
  RevData none;
  auto d1 = diff_revisions(scalar, mapping, Unchanged::hide);
  ASSERT_EQ(d1.size(), 1u);
  EXPECT_EQ(d1[0].changes[0].key, "a");
  EXPECT_EQ(d1[0].changes[0].old_value.as_string(), "unable to parse");
  auto d2 = diff_revisions(scalar, rev_of({{"s.json", "0.75"}}), Unchanged::hide);
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2[0].changes[0].key, "");
  auto d3 = diff_revisions(none, mapping, Unchanged::hide);
  ASSERT_EQ(d3.size(), 1u);
  EXPECT_TRUE(d3[0].changes[0].old_value.is_null());
  EXPECT_FALSE(d3[0].changes[0].diff);
}

TEST(MetricsTable, RowsPerRevisionAndFile) {
  RevData ws = rev_of({{"m.json", R"({"acc": 0.912345678, "nested": {"f1": 0.3333333333}})"},
                       {"top.yaml", "auc: 0.87654321\nsteps: 1000\n"}});
  ws.files.push_back({"bad.json", std::nullopt, LoadError{"JSONFileCorruptedError", "x"}});
  std::vector<std::pair<std::string, RevData>> revs{{"", ws}};
  EXPECT_EQ(render(metrics_table(revs, ShowRevision::no, 5, Rounding::round_digits)),
            "Path      acc      auc      nested.f1    steps\n"
            "m.json    0.91235  -        0.33333      -\n"
            "top.yaml  -        0.87654  -            1000\n"
            "bad.json  -        -        -            -\n");
  revs = {{"workspace", ws}, {"main", rev_of({{"m.json", "{\"acc\": 1}"}})}};
  auto t = metrics_table(revs, ShowRevision::yes, 5, Rounding::round_digits);
  EXPECT_EQ(t.headers[0], "Revision");
  EXPECT_EQ(t.rows.back(), (std::vector<std::string>{"main", "m.json", "1", "-", "-", "-"}));
  EXPECT_EQ(
      show_json(revs).dump(),
      R"({"workspace":{"data":{"m.json":{"data":{"acc":0.912345678,"nested":{"f1":0.3333333333}}},)"
      R"("top.yaml":{"data":{"auc":0.87654321,"steps":1000}},)"
      R"("bad.json":{"error":{"type":"JSONFileCorruptedError","msg":"x"}}}},"main":{"data":{"m.json":{"data":{"acc":1}}}}})");
}

class RepoFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    root = dir.path();
    testing::write_file(dir / "dvc.yaml",
                        "stages:\n"
                        "  train:\n"
                        "    cmd: python train.py\n"
                        "    params:\n"
                        "    - lr\n"
                        "    - nested.c\n"
                        "    - cfg.json:\n"
                        "      - opt\n"
                        "    metrics:\n"
                        "    - m.json:\n"
                        "        cache: false\n"
                        "    - m.json\n"
                        "  sub:\n"
                        "    cmd: echo\n"
                        "    wdir: sub\n"
                        "    params:\n"
                        "    - k\n"
                        "    - extra.toml:\n"
                        "    metrics:\n"
                        "    - scores\n"
                        "  loop:\n"
                        "    foreach: [1, 2]\n"
                        "    do:\n"
                        "      cmd: echo ${item}\n"
                        "      metrics:\n"
                        "      - loop${item}.json\n"
                        "metrics:\n"
                        "- top.yaml\n"
                        "- missing.json\n"
                        "params:\n"
                        "- global.yaml\n");
    testing::write_file(dir / "params.yaml", "lr: 0.001\nepochs: 10\nnested:\n  a: 1\n  c: {d: 0.5}\n");
    testing::write_file(dir / "cfg.json", R"({"opt": {"x": 1.23456789, "y": [1, 2]}, "other": 3})");
    testing::write_file(dir / "global.yaml", "g: 1\n");
    testing::write_file(dir / "sub/params.yaml", "k: 1\nunused: 2\n");
    testing::write_file(dir / "sub/extra.toml", "[t]\nv = 1e-3\n");
    testing::write_file(dir / "sub/scores/a.json",
                        R"({"f1": 0.5, "per_class": [1, 2], "none": null, "empty": {}})");
    testing::write_file(dir / "sub/scores/b.yaml", "f1: 0.25\n");
    testing::write_file(dir / "m.json", "{\"acc\": ");
    testing::write_file(dir / "top.yaml", "auc: 0.87654321\n");
    testing::write_file(dir / "nested/dvc.yaml", "metrics:\n- ../top.yaml\n- n.json\n");
    testing::write_file(dir / "nested/n.json", "{\"n\": 1}");
    testing::write_file(dir / "ignored/dvc.yaml", "metrics:\n- i.json\n");
    testing::write_file(dir / ".dvcignore", "ignored\n");
  }
  testing::TempDir dir;
  std::string root;
};

TEST_F(RepoFixture, CollectsParamsAndMetricsFiles) {
  auto files = collect_params_metrics_files(env::default_env(), root, root);
  ASSERT_TRUE(files) << files.error().message();
  ASSERT_EQ(files->params.size(), 5u);
  EXPECT_EQ(files->params[0].path, "params.yaml");
  EXPECT_TRUE(files->params[0].keys.empty());  // tracked whole because it exists at the root
  EXPECT_EQ(files->params[1].path, "cfg.json");
  EXPECT_EQ(files->params[1].keys, (std::vector<std::string>{"opt"}));
  EXPECT_EQ(files->params[2].path, "sub/params.yaml");
  EXPECT_EQ(files->params[2].keys, (std::vector<std::string>{"k"}));
  EXPECT_EQ(files->params[3].path, "sub/extra.toml");
  EXPECT_TRUE(files->params[3].keys.empty());
  EXPECT_EQ(files->params[4].path, "global.yaml");
  // --deps: the stages' deps only, params.yaml with its keys
  ASSERT_EQ(files->stage_params.size(), 4u);
  EXPECT_EQ(files->stage_params[0].path, "params.yaml");
  EXPECT_EQ(files->stage_params[0].keys, (std::vector<std::string>{"lr", "nested.c"}));
  // foreach stages are expanded (loop@1, loop@2); nested/dvc.yaml's ../top.yaml is a duplicate
  EXPECT_EQ(files->metrics, (std::vector<std::string>{"m.json", "sub/scores", "loop1.json", "loop2.json",
                                                      "top.yaml", "missing.json", "nested/n.json"}));
}

TEST_F(RepoFixture, LoadsWorkspaceLikeDvc) {
  RevView ws{env::default_env(), root};
  RevData params = load_params(ws, std::nullopt, root);
  ASSERT_FALSE(params.error);
  ASSERT_EQ(params.files.size(), 5u);
  EXPECT_EQ(py::repr(*params.files[1].data), "{'opt': {'x': 1.23456789, 'y': [1, 2]}}");
  EXPECT_EQ(py::repr(*params.files[2].data), "{'k': 1}");
  EXPECT_EQ(py::repr(*params.files[3].data), "{'t': {'v': 0.001}}");

  RevData metrics = load_metrics(ws, std::nullopt, root + "/sub");
  ASSERT_FALSE(metrics.error) << metrics.error->msg;
  ASSERT_EQ(metrics.files.size(), 8u);
  EXPECT_EQ(metrics.files[0].path, "m.json");
  ASSERT_TRUE(metrics.files[0].error);
  EXPECT_EQ(metrics.files[0].error->type, "JSONFileCorruptedError");
  // relative to the process cwd, from the DVC filesystem path "/m.json"
  std::string up;  // "/m.json" relative to the cwd: one "../" per component of the cwd
  for (char c : root + "/sub")
    if (c == '/') up += "../";
  EXPECT_EQ(metrics.files[0].error->msg,
            "unable to read: '" + up + "m.json', JSON file structure is corrupted");
  EXPECT_EQ(metrics.files[1].path, "sub/scores/a.json");
  EXPECT_EQ(py::repr(*metrics.files[1].data), "{'f1': 0.5}");  // lists, nulls, empty maps dropped
  EXPECT_EQ(metrics.files[2].path, "sub/scores/b.yaml");
  EXPECT_EQ(metrics.files[6].path, "missing.json");
  EXPECT_EQ(metrics.files[6].error->type, "FileNotFoundError");
  EXPECT_EQ(metrics.files[6].error->msg, "[Errno 2] No such file or directory: 'missing.json'");
  EXPECT_TRUE(metrics.has_errors());

  RevData targeted = load_metrics(ws, std::vector<std::string>{"top.yaml", "./top.yaml", "sub/scores"}, root);
  ASSERT_EQ(targeted.files.size(), 3u);
  EXPECT_FALSE(targeted.has_errors());
}

TEST_F(RepoFixture, ABrokenDvcYamlFailsTheRevisionLikeDvc) {
  RevView ws{env::default_env(), root};
  testing::write_file(dir / "nested/dvc.yaml", "stages:\n  a:\n    cmd: [\n");
  RevData r = load_metrics(ws, std::nullopt, root);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->type, "YAMLSyntaxError");
  EXPECT_EQ(r.error->msg, "unable to read: 'nested/dvc.yaml', YAML file structure is corrupted");
  testing::write_file(dir / "nested/dvc.yaml", "stages:\n  a:\n    cmd: echo\n    unknown: 1\n");
  r = load_params(ws, std::nullopt, root);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->type, "YAMLValidationError");
  EXPECT_EQ(r.error->msg, "'./nested/dvc.yaml' validation failed");
  // Targets do not need the dvc.yaml files.
  EXPECT_FALSE(load_metrics(ws, std::vector<std::string>{"top.yaml"}, root).has_errors());
}

TEST_F(RepoFixture, ReadsACommitThroughGitTreeEnv) {
  std::string q = "cd '" + root + "' && ";
  ASSERT_EQ(std::system((q + "git init -q . && git add -A && git -c user.name=t -c user.email=t@t "
                             "-c commit.gpgsign=false commit -qm c1 >/dev/null")
                            .c_str()),
            0);
  testing::write_file(dir / "params.yaml", "lr: 0.5\n");  // workspace change, not committed
  auto git = repo::GitRepo::open(root);
  ASSERT_TRUE(git) << git.error().message();
  auto head = (*git)->resolve("HEAD");
  ASSERT_TRUE(head);
  auto tree = GitTreeEnv::open(git->get(), *head);
  ASSERT_TRUE(tree) << tree.error().message();
  RevView view{tree->get(), (*git)->workdir()};
  auto doc = load_params_file(tree->get(), (*git)->workdir() + "/params.yaml");
  ASSERT_TRUE(doc);
  EXPECT_EQ(py::repr(*lookup_dotted(*doc, "lr")), "0.001");
  auto st = (*tree)->stat((*git)->workdir() + "/sub/scores", env::Follow::yes);
  ASSERT_TRUE(st && *st);
  EXPECT_EQ((*st)->type, env::FileType::directory);
  EXPECT_FALSE(*(*tree)->stat((*git)->workdir() + "/nope", env::Follow::yes));
  EXPECT_FALSE((*tree)->open_write((*git)->workdir() + "/x", 0644));
  auto files = collect_params_metrics_files(tree->get(), (*git)->workdir(), (*git)->workdir());
  ASSERT_TRUE(files) << files.error().message();
  EXPECT_EQ(files->metrics.size(), 7u);  // .dvcignore of the commit applies too
  RevData params = load_params(view, std::nullopt, (*git)->workdir());
  EXPECT_EQ(py::repr(*params.files[0].data),
            "{'lr': 0.001, 'epochs': 10, 'nested': {'a': 1, 'c': {'d': 0.5}}}");
}

}  // namespace
}  // namespace cairn::pipeline
