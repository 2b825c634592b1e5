// dvc.lock: parsing, DVC's key orders, byte-identical round trip, single-entry rewrite that
// keeps the other stages' text, validation.
#include <gtest/gtest.h>

#include "cairn/env/posix_env.h"
#include "cairn/pipeline/lock_file.h"
#include "cairn/pipeline/yaml_splice.h"
#include "test_util.h"

using namespace cairn;
using namespace cairn::pipeline;
using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;

namespace {

// Written by `dvc repro` (DVC 3.67.1).
const char* k_dvc_lock = R"(schema: '2.0'
stages:
  prep:
    cmd: cp a.txt b.txt
    deps:
    - path: a.txt
      hash: md5
      md5: 60b725f10c9c85c70d97880dfe8191b3
      size: 2
    params:
      params.yaml:
        lr: 0.1
        train.epochs: 3
    outs:
    - path: b.txt
      hash: md5
      md5: 60b725f10c9c85c70d97880dfe8191b3
      size: 2
  train:
    cmd: python3 "train it.py"
    deps:
    - path: b.txt
      hash: md5
      md5: 60b725f10c9c85c70d97880dfe8191b3
      size: 2
    params:
      other.yaml:
        x: 5
    outs:
    - path: metrics.json
      hash: md5
      md5: e5f4957673dc0b55d1bf8a8581a167b9
      size: 12
    - path: model
      hash: md5
      md5: 2ed2efb7b04c0f5204c644bc71498b10.dir
      size: 2
      nfiles: 2
)";

}  // namespace

TEST(PipelineLock, ParsesAndDumpsEveryEntryByteIdentically) {
  TempDir dir;
  env::PosixEnv e;
  write_file(dir / "dvc.lock", k_dvc_lock);
  auto lf = load_lock_file(&e, dir / "dvc.lock", "dvc.lock");
  ASSERT_TRUE(lf) << lf.error().message();
  ASSERT_EQ(lf->stages.size(), 2u);
  const LockEntry* train = lf->find("train");
  ASSERT_NE(train, nullptr);
  EXPECT_EQ(train->cmd.as_string(), "python3 \"train it.py\"");
  ASSERT_NE(train->find_out("model"), nullptr);
  EXPECT_EQ(*train->find_out("model")->nfiles, 2u);
  EXPECT_EQ(train->find_params("other.yaml")->find("x")->as_int(), 5);
  yaml::Node doc = yaml::Node::map();
  doc.set("schema", yaml::Node::string("2.0"));
  yaml::Node stages = yaml::Node::map();
  for (const auto& [name, entry] : lf->stages) stages.set(name, dump_lock_entry(entry));
  doc.set("stages", stages);
  EXPECT_EQ(yaml::emit(doc), k_dvc_lock);
}

TEST(PipelineLock, EntryKeyOrderAndSorting) {
  LockEntry e;
  e.cmd = yaml::Node::string("run");
  repo::OutputEntry b;
  b.path = "b";
  b.id = {"0123456789abcdef0123456789abcdef", object::HashName::md5};
  b.size = 5;
  b.isexec = true;
  repo::OutputEntry a = b;
  a.path = "a";
  a.isexec = false;
  e.deps = {b, a};
  e.params.emplace_back("z.yaml", *yaml::parse("k: 1\n", "x"));
  e.params.emplace_back("params.yaml", *yaml::parse("b: 2\na: [1, 2]\n", "x"));
  repo::OutputEntry legacy = a;
  legacy.path = "old";
  legacy.id.name = object::HashName::md5_dos2unix;
  e.outs = {legacy};
  yaml::Node doc = yaml::Node::map();
  doc.set("e", dump_lock_entry(e));
  EXPECT_EQ(yaml::emit(doc), R"(e:
  cmd: run
  deps:
  - path: a
    hash: md5
    md5: 0123456789abcdef0123456789abcdef
    size: 5
  - path: b
    hash: md5
    md5: 0123456789abcdef0123456789abcdef
    size: 5
    isexec: true
  params:
    params.yaml:
      a:
      - 1
      - 2
      b: 2
    z.yaml:
      k: 1
  outs:
  - path: old
    md5: 0123456789abcdef0123456789abcdef
    size: 5
)");
}

TEST(PipelineLock, WritesOneEntryKeepingOtherStagesText) {
  TempDir dir;
  env::PosixEnv e;
  // A hand-edited lock: the other stage's unusual formatting must survive.
  std::string text = std::string(k_dvc_lock);
  text.replace(text.find("    cmd: cp a.txt b.txt"), 23, "    cmd: 'cp a.txt b.txt'  # keep me");
  write_file(dir / "dvc.lock", text);
  auto lf = load_lock_file(&e, dir / "dvc.lock", "dvc.lock");
  ASSERT_TRUE(lf);
  LockEntry changed = *lf->find("train");
  changed.cmd = yaml::Node::string("python3 train.py");
  ASSERT_EQ(*write_lock_entries(&e, dir / "dvc.lock", {{"train", changed}}), repo::Written::yes);
  std::string after = read_file(dir / "dvc.lock");
  EXPECT_NE(after.find("    cmd: 'cp a.txt b.txt'  # keep me\n"), std::string::npos);
  EXPECT_NE(after.find("  train:\n    cmd: python3 train.py\n"), std::string::npos);
  // Same entry again: nothing written.
  ASSERT_EQ(*write_lock_entries(&e, dir / "dvc.lock", {{"train", changed}}), repo::Written::no);
  // A new stage is appended.
  LockEntry fresh;
  fresh.cmd = yaml::Node::string("echo");
  ASSERT_TRUE(write_lock_entries(&e, dir / "dvc.lock", {{"new", fresh}}));
  EXPECT_TRUE(read_file(dir / "dvc.lock").ends_with("      nfiles: 2\n  new:\n    cmd: echo\n"));
}

TEST(PipelineLock, NewFileStartsWithSchema) {
  TempDir dir;
  env::PosixEnv e;
  LockEntry fresh;
  fresh.cmd = yaml::Node::string("echo hi");
  ASSERT_TRUE(write_lock_entries(&e, dir / "dvc.lock", {{"a", fresh}}));
  EXPECT_EQ(read_file(dir / "dvc.lock"), "schema: '2.0'\nstages:\n  a:\n    cmd: echo hi\n");
}

TEST(PipelineLock, RejectsBadSchema) {
  TempDir dir;
  env::PosixEnv e;
  write_file(dir / "dvc.lock", "schema: '1.0'\nstages: {}\n");
  auto lf = load_lock_file(&e, dir / "dvc.lock", "dvc.lock");
  ASSERT_FALSE(lf);
  EXPECT_EQ(lf.error().message(), "'./dvc.lock' validation failed: invalid schema version, in schema, line 1");
  write_file(dir / "dvc.lock", "schema: '2.0'\nstages:\n  a:\n    cmd: x\n    bogus: 1\n");
  lf = load_lock_file(&e, dir / "dvc.lock", "dvc.lock");
  ASSERT_FALSE(lf);
  EXPECT_NE(lf.error().message().find("extra keys not allowed, in stages -> a -> bogus"), std::string::npos);
  // Missing file: empty.
  auto none = load_lock_file(&e, dir / "nope.lock", "nope.lock");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->exists);
}

TEST(PipelineLock, SpliceUpdatesKeysInPlaceKeepingComments) {
  std::string text =
      "# head\nstages:\n  a:  # a\n    cmd: x  # c\n    deps:\n    - d\n    # tail\n  b:\n    cmd: y\nplots:\n- p\n";
  auto doc = *yaml::parse(text, "t");
  yaml::Node value = *yaml::parse("cmd: x\ndeps: [d2]\nouts: [o]\n", "v");
  yaml::Node expected = doc;
  expected.find("stages")->set("a", value);
  auto out = splice_section_entry(text, doc, "stages", "a", value, expected);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "# head\nstages:\n  a:  # a\n    cmd: x  # c\n    deps:\n    - d2\n    # tail\n    outs:\n    - o\n  b:\n"
            "    cmd: y\nplots:\n- p\n");
  // A new entry goes after the last one, before the next top-level key.
  yaml::Node c = *yaml::parse("cmd: z\n", "v");
  expected = doc;
  expected.find("stages")->set("c", c);
  out = splice_section_entry(text, doc, "stages", "c", c, expected);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->ends_with("  b:\n    cmd: y\n  c:\n    cmd: z\nplots:\n- p\n"));
}
