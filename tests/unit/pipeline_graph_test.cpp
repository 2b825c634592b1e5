// Stage graph: edges by path (incl. deps inside output dirs and dirs containing outputs),
// DVC's output checks (duplicate, overlapping, stage file inside an output), cycles naming the
// stages, postorder, components; plus the dag renderers against DVC's own output.
#include <gtest/gtest.h>

#include "cairn/pipeline/dag.h"
#include "cairn/pipeline/graph.h"

using namespace cairn;
using namespace cairn::pipeline;

namespace {

Stage make(const std::string& name, std::vector<std::string> deps, std::vector<std::string> outs,
           const std::string& file = "dvc.yaml") {
  Stage s;
  s.name = name;
  s.file = file;
  s.cmd = yaml::Node::string("run");
  for (auto& d : deps) s.deps.push_back({d, d});
  for (auto& o : outs) {
    StageOut out;
    out.def_path = o;
    out.path = o;
    s.outs.push_back(out);
  }
  return s;
}

std::vector<const Stage*> ptrs(const std::vector<Stage>& v) {
  std::vector<const Stage*> out;
  for (const auto& s : v) out.push_back(&s);
  return out;
}

}  // namespace

TEST(PipelineGraph, EdgesFollowOverlappingPaths) {
  std::vector<Stage> st = {make("prep", {"raw"}, {"data"}),         make("feat", {"data/part"}, {"feats"}),
                           make("train", {"feats", "data"}, {"model"}), make("ra", {}, {"res/a"}),
                           make("rb", {}, {"res/b"}),                   make("all", {"res"}, {"report"})};
  auto g = build_graph(ptrs(st), "");
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ(g->successors[0], (std::vector<std::size_t>{}));
  EXPECT_EQ(g->successors[1], (std::vector<std::size_t>{0}));  // dep inside an output dir
  EXPECT_EQ(g->successors[2], (std::vector<std::size_t>{1, 0}));
  EXPECT_EQ(g->successors[5], (std::vector<std::size_t>{3, 4}));  // dir containing outputs
  EXPECT_EQ(g->postorder(), (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(g->postorder_from({5}), (std::vector<std::size_t>{3, 4, 5}));
  EXPECT_EQ(g->upstream(2), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(g->downstream(0), (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(g->components().size(), 2u);
}

TEST(PipelineGraph, DuplicateOutputs) {
  std::vector<Stage> st = {make("a", {}, {"x"}), make("b", {}, {"x"})};
  auto g = build_graph(ptrs(st), "");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(),
            "output 'x' is specified in:\n\t- b\n\t- a\nUse `dvc remove` with any of the above targets to stop "
            "tracking the overlapping output.");
  // stage add names only the other stage.
  g = build_graph(ptrs(st), "", &st[1]);
  EXPECT_EQ(g.error().message(),
            "output 'x' is already specified in stage: 'a'.\nUse `dvc remove a` to stop tracking the overlapping "
            "output.");
}

TEST(PipelineGraph, OverlappingOutputs) {
  std::vector<Stage> st = {make("a", {}, {"x"}), make("b", {}, {"x/y"})};
  auto g = build_graph(ptrs(st), "");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(),
            "The output paths:\n'x'('a')\n'x/y'('b')\noverlap and are thus in the same tracked directory.\nTo keep "
            "reproducibility, outputs should be in separate tracked directories or tracked individually.");
  std::vector<Stage> rev = {make("b", {}, {"x/y"}), make("a", {}, {"x"})};
  g = build_graph(ptrs(rev), "sub");
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message().find("'../x'('../dvc.yaml:a')\n'../x/y'('../dvc.yaml:b')"), std::string::npos);
  // A .dvc-tracked output overlapping a stage output.
  Stage dvcfile = make("", {}, {"x/z"}, "x.dvc");
  dvcfile.kind = StageKind::dvc_file;
  std::vector<Stage> mixed = {make("a", {}, {"x"}), dvcfile};
  g = build_graph(ptrs(mixed), "");
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message().find("'x/z'('x.dvc')"), std::string::npos);
}

TEST(PipelineGraph, StageFileInsideAnOutput) {
  std::vector<Stage> st = {make("a", {}, {"sub"}), make("b", {}, {"y"}, "sub/dvc.yaml")};
  auto g = build_graph(ptrs(st), "");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(), "stage: 'sub/dvc.yaml:b' is within an output 'sub' of another stage");
}

TEST(PipelineGraph, CyclesNameTheStages) {
  std::vector<Stage> st = {make("a", {"y"}, {"x"}), make("b", {"x"}, {"y"}), make("c", {}, {"z"})};
  auto g = build_graph(ptrs(st), "");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(), "Same item(s) are defined as both a dependency and an output in stages: a, b.");
  std::vector<Stage> self = {make("a", {"x/in"}, {"x"})};
  g = build_graph(ptrs(self), "");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(), "Same item(s) are defined as both a dependency and an output in stage: a.");
}

TEST(PipelineGraph, OutsGraph) {
  std::vector<Stage> st = {make("prep", {"raw"}, {"data"}), make("train", {"data"}, {"model", "m.json"})};
  auto g = build_graph(ptrs(st), "");
  ASSERT_TRUE(g);
  OutsGraph og = build_outs_graph(*g);
  ASSERT_EQ(og.nodes.size(), 3u);
  EXPECT_EQ(og.successors[1], (std::vector<std::size_t>{0}));
  EXPECT_EQ(og.successors[2], (std::vector<std::size_t>{0}));
}

TEST(PipelineDag, AsciiMatchesDvc) {
  // `dvc dag` on: prep(raw.dvc) -> feat -> train(feat, prep) -> eval(train, feat); other.
  std::vector<std::string> nodes = {"prep", "feat", "train", "eval", "raw.dvc"};
  std::vector<std::pair<std::size_t, std::size_t>> edges = {{0, 4}, {1, 0}, {2, 1}, {2, 0}, {3, 2}, {3, 1}};
  std::string expected =
      "       +---------+         \n"
      "       | raw.dvc |         \n"
      "       +---------+         \n"
      "            *              \n"
      "            *              \n"
      "            *              \n"
      "        +------+           \n"
      "        | prep |           \n"
      "        +------+           \n"
      "        *       **         \n"
      "      **          *        \n"
      "     *             *       \n"
      "+------+            *      \n"
      "| feat |*           *      \n"
      "+------+ ***        *      \n"
      "    *       **      *      \n"
      "    *         ***   *      \n"
      "    *            ** *      \n"
      "    *           +-------+  \n"
      "     **         | train |  \n"
      "       *        +-------+  \n"
      "        *       **         \n"
      "         **    *           \n"
      "           *  *            \n"
      "        +------+           \n"
      "        | eval |           \n"
      "        +------+           ";
  EXPECT_EQ(draw_ascii(nodes, edges), expected);
  EXPECT_EQ(draw_ascii({"other"}, {}), "+-------+  \n| other |  \n+-------+  ");
}

TEST(PipelineDag, DotAndMermaidMatchDvc) {
  DagGraph g;
  g.nodes = {"prep", "feat", "train", "eval", "other", "raw.dvc"};
  g.successors = {{5}, {0}, {1, 0}, {2, 1}, {}, {}};
  EXPECT_EQ(render_dot(g),
            "strict digraph {\n\"prep\";\n\"feat\";\n\"train\";\n\"eval\";\n\"other\";\n\"raw.dvc\";\n"
            "\"prep\" -> \"feat\";\n\"prep\" -> \"train\";\n\"feat\" -> \"train\";\n\"feat\" -> \"eval\";\n"
            "\"train\" -> \"eval\";\n\"raw.dvc\" -> \"prep\";\n}\n");
  EXPECT_EQ(render_mermaid(g, false),
            "flowchart TD\n\tnode1[\"eval\"]\n\tnode2[\"feat\"]\n\tnode3[\"prep\"]\n\tnode4[\"raw.dvc\"]\n"
            "\tnode5[\"train\"]\n\tnode2-->node1\n\tnode2-->node5\n\tnode3-->node2\n\tnode3-->node5\n"
            "\tnode4-->node3\n\tnode5-->node1\n\tnode6[\"other\"]");
  EXPECT_TRUE(render_mermaid(g, true).starts_with("```mermaid\nflowchart TD\n"));
  EXPECT_TRUE(render_mermaid(g, true).ends_with("\n```"));
}
