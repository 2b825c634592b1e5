// `${}` interpolation: expression grammar, selection, to_str, merge and reserved-key rules.
#include <gtest/gtest.h>

#include "cairn/pipeline/interpolate.h"
#include "cairn/pipeline/py_value.h"

using namespace cairn;
using namespace cairn::pipeline;
using yaml::Node;

namespace {

Node parse(const std::string& text) { return *yaml::parse(text, "test.yaml"); }

Context context_of(const std::string& text) {
  Context ctx;
  EXPECT_TRUE(ctx.merge_inline(parse(text), "vars[0]"));
  return ctx;
}

std::string resolve_text(const Context& ctx, const std::string& s, const std::string& key = "cmd") {
  auto r = ctx.resolve(Node::string(s), key, false, ParsingConfig{});
  if (!r) return "ERR:" + r.error().message;
  return r->is_scalar() ? py_str(*r) : "<collection>";
}

}  // namespace

TEST(PipelineInterpolate, FindsMatchesAndSkipsEscapes) {
  auto m = find_interpolations("a ${x} b \\${y} ${z.w}");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].inner, "x");
  EXPECT_EQ(m[1].inner, "z.w");
  EXPECT_TRUE(find_interpolations("${unterminated").empty());
  EXPECT_TRUE(find_interpolations("${a\n}").empty());
}

TEST(PipelineInterpolate, ExpressionGrammarAndPyparsingErrors) {
  EXPECT_EQ(*parse_expression("a.b[0].c"), "a.b.0.c");
  EXPECT_EQ(*parse_expression(" foo "), " foo ");
  auto bad = parse_expression("foo..bar");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ResolveIssue::Kind::parse);
  EXPECT_EQ(bad.error().message,
            "${foo..bar}\n     ^\nParseException: Expected end of text, found '.'  (at char 5), (line:1, col:6)");
  auto empty = parse_expression("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message,
            "${}\n  ^\nParseException: Expected !W:(.[]), found '}'  (at char 2), (line:1, col:3)");
  EXPECT_EQ(parse_expression("a[b]c").error().message,
            "${a[b]c}\n      ^\nParseException: Expected end of text, found 'c'  (at char 6), (line:1, col:7)");
}

TEST(PipelineInterpolate, ResolvesScalarsWithDvcToStr) {
  Context ctx = context_of("lr: 0.1\nsmall: 1e-5\nflag: true\nnothing: null\nn: 3\nname: x\nlist: [1, 2]\n");
  EXPECT_EQ(resolve_text(ctx, "lr=${lr} ${small} ${flag} ${nothing} ${n} ${name}"), "lr=0.1 1e-05 true None 3 x");
  EXPECT_EQ(resolve_text(ctx, "${list[1]} ${list.0}"), "2 1");
  // An exact match keeps the value's type.
  auto exact = ctx.resolve(Node::string("${flag}"), "frozen", false, {});
  ASSERT_TRUE(exact);
  EXPECT_TRUE(exact->is_bool());
  // Escaped interpolation is unescaped.
  EXPECT_EQ(resolve_text(ctx, "a \\${lr} ${n}"), "a ${lr} 3");
}

TEST(PipelineInterpolate, MissingKeysAndCollections) {
  Context ctx = context_of("foo: {bar: 1}\nlst: [1, 2]\n");
  EXPECT_EQ(resolve_text(ctx, "echo ${missing}"), "ERR:Could not find 'missing'");
  EXPECT_EQ(resolve_text(ctx, "echo ${foo.bar.baz}"), "ERR:Could not find 'foo.bar.baz'");
  EXPECT_EQ(resolve_text(ctx, "echo ${lst}"), "ERR:Cannot interpolate data of type 'list'");
  EXPECT_EQ(resolve_text(ctx, "${lst[5]}"), "ERR:Could not find 'lst.5'");
  // foreach may take collections.
  auto list = ctx.resolve(Node::string("${lst}"), "foreach", false, {});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->is_seq());
}

TEST(PipelineInterpolate, DictIntoCmdBecomesArguments) {
  Context ctx = context_of("cfg:\n  lr: 0.1\n  flag: true\n  off: false\n  name: a b\n  nested: {x: 1}\n  list: [1, a b]\n");
  EXPECT_EQ(resolve_text(ctx, "python t.py ${cfg}"),
            "python t.py --lr 0.1 --flag --name 'a b' --nested.x 1 --list 1 'a b'");
  ParsingConfig cfg{BoolStyle::boolean_optional, ListStyle::append};
  auto r = ctx.resolve(Node::string("t ${cfg}"), "cmd", false, cfg);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->as_string(), "t --lr 0.1 --flag --no-off --name 'a b' --nested.x 1 --list 1 --list 'a b'");
  EXPECT_EQ(resolve_text(ctx, "t ${cfg}", "deps"), "ERR:Cannot interpolate data of type 'dict'");
}

TEST(PipelineInterpolate, MergeConflictsNameBothSources) {
  Context ctx;
  ASSERT_TRUE(ctx.merge_inline(parse("a: {b: 1}\n"), "params.yaml"));
  ASSERT_TRUE(ctx.merge_inline(parse("a: {c: 2}\n"), "vars[0]"));  // dicts merge
  auto clash = ctx.merge_inline(parse("a: {b: 3}\n"), "vars[1]");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().message, "cannot redefine 'a.b' from 'vars[1]' as it already exists in 'params.yaml'");
}

TEST(PipelineInterpolate, ReservedKeysDuringIteration) {
  Context ctx;
  auto saved = ctx.set_temporarily({{"item", Node::integer(1)}});
  auto r = ctx.merge_inline(parse("item: 2\n"), "build@1.vars[0]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "attempted to modify reserved key 'item'");
  ctx.restore(std::move(saved));
  EXPECT_FALSE(ctx.contains("item"));
  EXPECT_TRUE(ctx.merge_inline(parse("item: 2\n"), "vars[0]"));
}

TEST(PipelineInterpolate, VarsFilesWithKeysAndPartialLoads) {
  Context ctx;
  VarsLoader loader = [](const std::string& p) -> Expected<std::optional<Node>> {
    if (p == "p.yaml") return std::optional<Node>(*yaml::parse("a: 1\nb: 2\n", p));
    return std::optional<Node>();
  };
  ASSERT_TRUE(ctx.merge_file("p.yaml:a", "", loader));
  EXPECT_TRUE(ctx.contains("a"));
  EXPECT_FALSE(ctx.contains("b"));
  auto again = ctx.merge_file("p.yaml", "", loader);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "cannot load 'p.yaml' as it's partially loaded already");
  auto missing_key = ctx.merge_file("p.yaml:zz", "", loader);
  ASSERT_FALSE(missing_key);
  EXPECT_EQ(missing_key.error().message, "could not find 'zz' in 'p.yaml'");
  auto missing = ctx.merge_file("nope.yaml", "", loader);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "'nope.yaml' does not exist");
}

TEST(PipelineInterpolate, PythonEquality) {
  EXPECT_TRUE(py_equal(Node::integer(1), Node::floating("1.0")));
  EXPECT_TRUE(py_equal(Node::boolean(true), Node::integer(1)));
  EXPECT_FALSE(py_equal(Node::floating(".nan"), Node::floating(".nan")));
  EXPECT_TRUE(py_equal(parse("{a: 1, b: [1, 2]}"), parse("{b: [1, 2.0], a: 1}")));
  EXPECT_FALSE(py_equal(parse("[1, 2]"), parse("[2, 1]")));
  EXPECT_FALSE(py_equal(Node::string("1"), Node::integer(1)));
  EXPECT_EQ(py_str(Node::floating("1e3")), "1000.0");
  EXPECT_EQ(py_str(Node::floating(".inf")), "inf");
}
