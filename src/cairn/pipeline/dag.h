// `dag`: the pipeline graph as text — DVC's `dvc dag` (dvc/commands/dag.py).
//
// build_dag() takes the repository's stage graph (graph.h; its checks apply) or, with `outs`,
// the output graph, labels nodes with DVC's names (stage addressing / output paths relative to
// the cwd) and, with a target, keeps the target and what it depends on (everything connected
// to it with `full`), like DVC's _filter. Renderers:
//  - render_dot: pydot's `strict digraph {` with every node quoted, then the edges of the
//    reversed graph (dependency -> dependent), DVC's order;
//  - render_mermaid: `flowchart TD`, per connected pipeline its nodes sorted by name as
//    `nodeN["name"]` then its edges sorted (`nodeA-->nodeB`), optionally in a ```mermaid block;
//  - render_ascii: the boxes-and-stars drawing of dvc/dagascii.py — a port of grandalf's
//    Sugiyama layout (ranking, crossing reduction, Brandes-Köpf placement, line routing) so
//    the bytes match DVC's, pipelines one after the other. (grandalf orders long edges by a
//    Python set of objects; cairn uses edge order, which is what DVC shows whenever at most
//    one long edge crosses a layer.)
// Each renderer returns the text without the final newline DVC's ui.write adds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cairn/repo/repository.h"
#include "cairn/util/error.h"

namespace cairn::pipeline {

struct DagGraph {
  std::vector<std::string> nodes;                  // labels, graph node order
  std::vector<std::vector<std::size_t>> successors;  // node -> what it depends on (DVC's edges)
};

struct DagOptions {
  std::optional<std::string> target;
  bool outs = false;
  bool full = false;
};

Expected<DagGraph> build_dag(repo::Repository& repo, const DagOptions& options);

// Weakly connected components (node indices in node order), ordered by their first node.
std::vector<std::vector<std::size_t>> dag_components(const DagGraph& graph);

std::string render_dot(const DagGraph& graph);
std::string render_mermaid(const DagGraph& graph, bool markdown);
std::string render_ascii(const DagGraph& graph);

// One connected drawing (exposed for tests): vertices and edges (from, to) as DVC passes them
// to dagascii.draw.
std::string draw_ascii(const std::vector<std::string>& vertices,
                       const std::vector<std::pair<std::size_t, std::size_t>>& edges);

}  // namespace cairn::pipeline
