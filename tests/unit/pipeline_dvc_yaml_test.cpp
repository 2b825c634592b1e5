// dvc.yaml loading: schema checks, stage model, params grouping, foreach/matrix expansion with
// DVC's names, vars files, params.yaml interpolation and DVC's error texts.
#include <gtest/gtest.h>

#include "cairn/env/posix_env.h"
#include "cairn/pipeline/dvc_yaml.h"
#include "cairn/pipeline/py_value.h"
#include "test_util.h"

using namespace cairn;
using namespace cairn::pipeline;
using cairn::testing::TempDir;
using cairn::testing::write_file;

namespace {

struct Fixture {
  TempDir dir;
  env::PosixEnv env;
  LoadOptions opts() {
    LoadOptions o;
    o.env = &env;
    o.root = dir.path();
    o.cwd = dir.path();
    return o;
  }
  Expected<PipelineFile> load(const std::string& yaml, const std::string& rel = "dvc.yaml") {
    write_file(dir / rel, yaml);
    return load_pipeline_file(opts(), dir / rel);
  }
};

std::vector<std::string> names(const PipelineFile& f) {
  std::vector<std::string> out;
  for (const auto& s : f.stages) out.push_back(s.name);
  return out;
}

std::string cmd_of(const PipelineFile& f, const std::string& name) {
  const Stage* s = f.find(name);
  return s ? s->cmd.as_string() : "<missing>";
}

}  // namespace

TEST(PipelineDvcYaml, LoadsStagesWithAllFields) {
  Fixture fx;
  auto f = fx.load(R"(stages:
  prep:
    desc: prepare
    cmd:
    - echo one
    - echo two
    wdir: src
    deps:
    - ../data
    - x.py
    params:
    - lr
    - train.epochs
    - p2.yaml:
      - a
    - p3.toml:
    outs:
    - out
    - model.pkl:
        cache: false
        persist: true
        remote: r
        push: false
        desc: the model
    metrics:
    - m.json:
        cache: false
    plots:
    - p.csv:
        x: step
    frozen: true
    always_changed: true
    meta: {owner: me}
)");
  ASSERT_TRUE(f) << f.error().message();
  ASSERT_EQ(f->stages.size(), 1u);
  const Stage& s = f->stages[0];
  EXPECT_EQ(s.name, "prep");
  EXPECT_EQ(s.wdir, "src");
  EXPECT_TRUE(s.cmd.is_seq());
  ASSERT_EQ(s.deps.size(), 2u);
  EXPECT_EQ(s.deps[0].def_path, "../data");
  EXPECT_EQ(s.deps[0].path, "data");
  EXPECT_EQ(s.deps[1].path, "src/x.py");
  ASSERT_EQ(s.params.size(), 3u);
  EXPECT_EQ(s.params[0].def_path, "params.yaml");
  EXPECT_EQ(s.params[0].path, "src/params.yaml");
  EXPECT_EQ(s.params[0].keys, (std::vector<std::string>{"lr", "train.epochs"}));
  EXPECT_EQ(s.params[1].def_path, "p2.yaml");
  EXPECT_TRUE(s.params[2].whole_file());
  ASSERT_EQ(s.outs.size(), 4u);
  EXPECT_EQ(s.outs[0].path, "src/out");
  EXPECT_FALSE(s.outs[1].cache);
  EXPECT_TRUE(s.outs[1].persist);
  EXPECT_FALSE(s.outs[1].push);
  EXPECT_EQ(*s.outs[1].remote, "r");
  EXPECT_EQ(s.outs[2].kind, OutKind::metric);
  EXPECT_EQ(s.outs[3].kind, OutKind::plot);
  EXPECT_TRUE(s.outs[3].plot_props.contains("x"));
  EXPECT_TRUE(s.frozen);
  EXPECT_TRUE(s.always_changed);
  EXPECT_EQ(*s.desc, "prepare");
  EXPECT_TRUE(s.meta.is_map());
  EXPECT_FALSE(s.parametrized);
}

TEST(PipelineDvcYaml, WholeFileParamsWinOverKeys) {
  Fixture fx;
  auto f = fx.load("stages:\n  a:\n    cmd: x\n    params:\n    - lr\n    - params.yaml:\n    - p.yaml: [k]\n");
  ASSERT_TRUE(f) << f.error().message();
  const auto& p = f->stages[0].params;
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].def_path, "params.yaml");
  EXPECT_TRUE(p[0].whole_file());
}

TEST(PipelineDvcYaml, ForeachAndMatrixNamesAndValues) {
  Fixture fx;
  auto f = fx.load(R"(vars:
  - models: [cnn, rnn]
    cfg:
      lr: 0.1
      flag: true
      name: "a b"
stages:
  simple:
    foreach: [1, 2.5, true, x]
    do:
      cmd: echo ${item}
  comp:
    foreach: [[1, 2], {a: 1}]
    do:
      cmd: echo comp
  dict:
    foreach:
      us: {n: 1}
      eu: {n: 2}
    do:
      cmd: echo ${key} ${item.n}
  mat:
    matrix:
      model: ${models}
      feat: [f1, f2]
      opt: [{x: 1}, true]
    cmd: echo ${item.model} ${key}
  args:
    cmd: python t.py ${cfg}
)");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(names(*f), (std::vector<std::string>{
                           "simple@1", "simple@2.5", "simple@true", "simple@x", "comp@0", "comp@1", "dict@us",
                           "dict@eu", "mat@cnn-f1-opt0", "mat@cnn-f1-true", "mat@cnn-f2-opt0", "mat@cnn-f2-true",
                           "mat@rnn-f1-opt0", "mat@rnn-f1-true", "mat@rnn-f2-opt0", "mat@rnn-f2-true", "args"}));
  // Commands as `dvc repro` recorded them in dvc.lock.
  EXPECT_EQ(cmd_of(*f, "simple@2.5"), "echo 2.5");
  EXPECT_EQ(cmd_of(*f, "simple@true"), "echo true");
  EXPECT_EQ(cmd_of(*f, "dict@eu"), "echo eu 2");
  EXPECT_EQ(cmd_of(*f, "mat@rnn-f2-true"), "echo rnn rnn-f2-true");
  EXPECT_EQ(cmd_of(*f, "args"), "python t.py --lr 0.1 --flag --name 'a b'");
  EXPECT_EQ(*f->find("dict@us")->generated_from, "dict");
  EXPECT_TRUE(f->find("dict@us")->parametrized);
  EXPECT_TRUE(f->find("args")->parametrized);
  EXPECT_EQ(f->group_names, (std::vector<std::string>{"simple", "comp", "dict", "mat"}));
}

TEST(PipelineDvcYaml, ParamsYamlAndVarsFilesFeedInterpolation) {
  Fixture fx;
  write_file(fx.dir / "params.yaml", "lr: 0.01\ntrain: {epochs: 5}\n");
  write_file(fx.dir / "extra.yaml", "size: 3\nother: 9\n");
  write_file(fx.dir / "conf.json", "{\"mode\": \"fast\"}");
  auto f = fx.load(R"(vars:
  - extra.yaml:size
  - conf.json
stages:
  t:
    cmd: train --lr ${lr} --epochs ${train.epochs} --size ${size} --mode ${mode}
    outs:
    - model-${size}.pkl
)");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(cmd_of(*f, "t"), "train --lr 0.01 --epochs 5 --size 3 --mode fast");
  EXPECT_EQ(f->stages[0].outs[0].def_path, "model-3.pkl");
  // `other` was not imported.
  auto bad = fx.load("vars:\n  - extra.yaml:size\nstages:\n  t:\n    cmd: ${other}\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "failed to parse 'stages.t.cmd' in 'dvc.yaml': Could not find 'other'");
}

TEST(PipelineDvcYaml, StageVarsAndWdir) {
  Fixture fx;
  write_file(fx.dir / "sub/local.yaml", "k: v\n");
  auto f = fx.load(R"(stages:
  s:
    wdir: sub
    vars:
    - local.yaml
    - inline: 7
    cmd: echo ${k} ${inline}
)");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(cmd_of(*f, "s"), "echo v 7");
  EXPECT_EQ(f->stages[0].wdir, "sub");
}

TEST(PipelineDvcYaml, SchemaErrorsNameFileKeyAndLine) {
  Fixture fx;
  auto e = fx.load("stages:\n  a:\n    cmd: echo a\n    outz: [x]\n");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message(),
            "'./dvc.yaml' validation failed: extra keys not allowed, in stages -> a -> outz, line 4");
  e = fx.load("stages:\n  a:\n    deps: [x]\n");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message(), "'./dvc.yaml' validation failed: required key not provided, in stages -> a -> cmd, line 3");
  e = fx.load("stages:\n  a:\n    cmd: 5\n");
  EXPECT_EQ(e.error().message(), "'./dvc.yaml' validation failed: expected str, in stages -> a -> cmd, line 3");
  e = fx.load("stages:\n  a:\n    cmd: x\n    outs:\n    - x: {cache: 1}\n");
  EXPECT_EQ(e.error().message(),
            "'./dvc.yaml' validation failed: expected bool, in stages -> a -> outs -> 0 -> x -> cache, line 5");
  e = fx.load("stages:\n  a:\n    cmd: x\n    deps: x\n");
  EXPECT_EQ(e.error().message(), "'./dvc.yaml' validation failed: expected a list, in stages -> a -> deps, line 3");
  e = fx.load("stages:\n  a:\n    foreach: [1]\n    do:\n      cmd: x\n    wdir: y\n");
  EXPECT_EQ(e.error().message(), "'./dvc.yaml' validation failed: extra keys not allowed, in stages -> a -> wdir, line 3");
  e = fx.load("- 1\n");
  EXPECT_EQ(e.error().message(), "'./dvc.yaml' validation failed: expected a dictionary.");
  e = fx.load("stages:\n  a:\n    cmd: [x\n");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message().find("dvc.yaml:"), std::string::npos);
}

TEST(PipelineDvcYaml, InterpolationErrorsAsDvcPrintsThem) {
  Fixture fx;
  auto e = fx.load("vars:\n  - foo: {bar: 1}\n    lst: [1, 2]\nstages:\n  a:\n    cmd: echo ${foo..bar}\n");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message(),
            "failed to parse 'stages.a.cmd' in 'dvc.yaml':\n${foo..bar}\n     ^\nParseException: Expected end of "
            "text, found '.'  (at char 5), (line:1, col:6)");
  e = fx.load("vars:\n  - lst: [1, 2]\nstages:\n  a:\n    cmd: echo ${lst}\n");
  EXPECT_EQ(e.error().message(), "failed to parse 'stages.a.cmd' in 'dvc.yaml':\nCannot interpolate data of type 'list'");
  e = fx.load("stages:\n  g:\n    foreach: [1, 2]\n    do:\n      cmd: echo ${nope}\n");
  EXPECT_EQ(e.error().message(), "failed to parse 'stages.g@1.cmd' in 'dvc.yaml': Could not find 'nope'");
  e = fx.load("stages:\n  g:\n    foreach: ${x}\n    do:\n      cmd: echo\n");
  EXPECT_EQ(e.error().message(), "failed to parse 'stages.g.foreach' in 'dvc.yaml': Could not find 'x'");
  e = fx.load("vars:\n  - x: 1\nstages:\n  g:\n    foreach: ${x}\n    do:\n      cmd: echo\n");
  EXPECT_EQ(e.error().message(), "failed to resolve 'stages.g.foreach' in 'dvc.yaml': expected list/dictionary, got int");
  e = fx.load("vars:\n  - ${x}\nstages: {}\n");
  EXPECT_EQ(e.error().message(), "failed to parse 'vars' in 'dvc.yaml': interpolating is not allowed");
  e = fx.load("vars:\n  - missing.yaml\nstages: {}\n");
  EXPECT_EQ(e.error().message(), "failed to parse 'vars' in 'dvc.yaml': 'missing.yaml' does not exist");
  write_file(fx.dir / "params.yaml", "a: 1\n");
  e = fx.load("vars:\n  - a: 2\nstages: {}\n");
  EXPECT_EQ(e.error().message(),
            "failed to parse 'vars' in 'dvc.yaml':\ncannot redefine 'a' from 'vars[0]' as it already exists in "
            "'params.yaml'");
}

TEST(PipelineDvcYaml, NestedDvcYamlPathsAreRelativeToItsDirectory) {
  Fixture fx;
  auto f = fx.load("stages:\n  s:\n    cmd: x\n    deps: [in]\n    outs: [../top]\n", "sub/dvc.yaml");
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f->relpath, "sub/dvc.yaml");
  EXPECT_EQ(f->stages[0].deps[0].path, "sub/in");
  EXPECT_EQ(f->stages[0].outs[0].path, "top");
  EXPECT_EQ(stage_address(f->stages[0], ""), "sub/dvc.yaml:s");
  EXPECT_EQ(stage_address(f->stages[0], "sub"), "s");
  EXPECT_EQ(lock_path_for("/a/sub/dvc.yaml"), "/a/sub/dvc.lock");
}
