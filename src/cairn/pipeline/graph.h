// StageGraph: the dependency graph over stages (DVC's repo/graph.py build_graph and
// repo/trie.py build_outs_trie).
//
// Nodes are stages in collection order. An edge A -> B means "A depends on B": a dep (or
// params file) of A is an output of B, lies inside an output directory of B, or contains an
// output of B. build_graph() first checks the outputs, in stage order, and fails with DVC's
// message on the first problem:
//  - the same output path in two stages (or twice in one): "output 'x' is specified in:\n\t- b
//    \n\t- a\nUse `dvc remove` with any of the above targets to stop tracking the overlapping
//    output." (one stage: "output 'x' is already specified in stage: 'a'. ...");
//  - an output inside another output: "The output paths:\n'x'('a')\n'x/y'('b')\noverlap and
//    are thus in the same tracked directory.\n...";
//  - a dvc.yaml/.dvc file inside an output: "stage: 'a' is within an output 'x' of another
//    stage";
//  - a cycle: "Same item(s) are defined as both a dependency and an output in stages: a, b."
//    (the stages of the first cycle found, in cycle order).
// Paths in messages are relative to the cwd and stages use their DVC addressing. All errors are
// ErrorCode::invalid_input.
#pragma once

#include <string>
#include <vector>

#include "cairn/pipeline/stage.h"
#include "cairn/util/error.h"

namespace cairn::pipeline {

struct StageGraph {
  std::vector<const Stage*> nodes;
  // successors[i]: indices of the stages node i depends on, in DVC's edge insertion order.
  std::vector<std::vector<std::size_t>> successors;

  std::size_t index_of(const Stage* s) const;
  // Every stage `i` depends on, directly or not (not including i).
  std::vector<std::size_t> upstream(std::size_t i) const;
  // Every stage that depends on `i`, directly or not.
  std::vector<std::size_t> downstream(std::size_t i) const;
  // Dependencies before dependents: networkx's dfs_postorder_nodes over all nodes in order.
  std::vector<std::size_t> postorder() const;
  // Postorder restricted to `from` and what it depends on (repro's order for targets).
  // With `member`, only nodes n with member[n] are visited (roots and successors alike).
  std::vector<std::size_t> postorder_from(const std::vector<std::size_t>& from,
                                         const std::vector<bool>* member = nullptr) const;
  // Weakly connected components, each listing node indices in node order; components ordered
  // by their first node (networkx weakly_connected_components + subgraph).
  std::vector<std::vector<std::size_t>> components() const;
};

// `cwd_rel`: the cwd relative to the root ("" = root), for messages. `adding`: a stage being
// added by `stage add`; a duplicate output between it and another stage names only the other
// one ("output 'x' is already specified in stage: 'a'.\nUse `dvc remove a` to ...").
Expected<StageGraph> build_graph(const std::vector<const Stage*>& stages, const std::string& cwd_rel,
                                 const Stage* adding = nullptr);

// The output graph of `dag --outs`: nodes are outputs (stage, out index) in stage order; an edge
// from each output of a stage to each output its deps overlap.
struct OutsGraph {
  struct Node {
    const Stage* stage;
    std::size_t out;
  };
  std::vector<Node> nodes;
  std::vector<std::vector<std::size_t>> successors;
};
OutsGraph build_outs_graph(const StageGraph& graph);

}  // namespace cairn::pipeline
