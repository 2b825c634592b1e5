#include "cairn/pipeline/dag.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "cairn/pipeline/graph.h"
#include "cairn/pipeline/index.h"
#include "cairn/pipeline/targets.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

namespace {

std::string cwd_rel(repo::Repository& repo) {
  if (!path::is_within(repo.cwd(), repo.root())) return "";
  std::string r = path::relative(repo.cwd(), repo.root());
  return r == "." ? "" : r;
}

// Keeps the nodes in `keep` (node order and edge order preserved).
DagGraph subgraph(const DagGraph& g, const std::vector<bool>& keep) {
  DagGraph out;
  std::vector<std::size_t> map(g.nodes.size(), 0);
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (keep[i]) {
      map[i] = out.nodes.size();
      out.nodes.push_back(g.nodes[i]);
    }
  out.successors.assign(out.nodes.size(), {});
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!keep[i]) continue;
    for (auto j : g.successors[i])
      if (keep[j]) out.successors[map[i]].push_back(map[j]);
  }
  return out;
}

std::size_t find_label(const DagGraph& g, const std::string& label) {
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i] == label) return i;
  return g.nodes.size();
}

// DVC's _filter.
DagGraph filter_graph(const DagGraph& g, const std::vector<std::string>& targets, bool full) {
  if (targets.empty()) return g;
  DagGraph current = g;
  if (!full) {
    std::vector<bool> keep(g.nodes.size(), false);
    for (const auto& t : targets) {
      auto start = find_label(g, t);
      if (start == g.nodes.size()) continue;
      std::vector<std::size_t> stack{start};
      keep[start] = true;
      while (!stack.empty()) {
        auto n = stack.back();
        stack.pop_back();
        for (auto m : g.successors[n])
          if (!keep[m]) {
            keep[m] = true;
            stack.push_back(m);
          }
      }
    }
    current = subgraph(g, keep);
  }
  std::vector<std::vector<std::size_t>> undirected(current.nodes.size());
  for (std::size_t i = 0; i < current.nodes.size(); ++i)
    for (auto j : current.successors[i]) {
      undirected[i].push_back(j);
      undirected[j].push_back(i);
    }
  std::vector<bool> keep(current.nodes.size(), false);
  for (const auto& t : targets) {
    auto start = find_label(current, t);
    if (start == current.nodes.size()) continue;
    std::vector<std::size_t> stack{start};
    keep[start] = true;
    while (!stack.empty()) {
      auto n = stack.back();
      stack.pop_back();
      for (auto m : undirected[n])
        if (!keep[m]) {
          keep[m] = true;
          stack.push_back(m);
        }
    }
  }
  return subgraph(current, keep);
}

}  // namespace

Expected<DagGraph> build_dag(repo::Repository& repo, const DagOptions& options) {
  ASSIGN_OR_RETURN(Index index, collect_index(repo));
  std::string cwd = cwd_rel(repo);
  std::vector<TargetStage> selected;
  if (options.target) {
    ASSIGN_OR_RETURN(selected, resolve_targets(repo, index, {*options.target}));
  }
  std::vector<const Stage*> stages;
  for (const auto& s : index.stages) stages.push_back(&s);
  ASSIGN_OR_RETURN(StageGraph graph, build_graph(stages, cwd));
  DagGraph dag;
  std::vector<std::string> targets;
  if (!options.outs) {
    for (const Stage* s : graph.nodes) dag.nodes.push_back(stage_address(*s, cwd));
    dag.successors = graph.successors;
    for (const auto& t : selected) targets.push_back(stage_address(index.stages[t.stage], cwd));
  } else {
    OutsGraph og = build_outs_graph(graph);
    for (const auto& n : og.nodes) dag.nodes.push_back(rel_from(n.stage->outs[n.out].path, cwd));
    dag.successors = og.successors;
    for (const auto& t : selected) {
      const Stage& s = index.stages[t.stage];
      for (const auto& o : s.outs)
        if (!t.filter.repo_rel || path::is_within("/r/" + o.path, "/r/" + *t.filter.repo_rel) ||
            path::is_within("/r/" + *t.filter.repo_rel, "/r/" + o.path))
          targets.push_back(rel_from(o.path, cwd));
    }
  }
  return filter_graph(dag, targets, options.full);
}

std::vector<std::vector<std::size_t>> dag_components(const DagGraph& g) {
  std::vector<std::size_t> parent(g.nodes.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::function<std::size_t(std::size_t)> find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    for (auto j : g.successors[i]) {
      auto a = find(i), b = find(j);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  std::map<std::size_t, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) groups[find(i)].push_back(i);
  std::vector<std::vector<std::size_t>> out;
  for (auto& [r, m] : groups) out.push_back(std::move(m));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return out;
}

std::string render_dot(const DagGraph& g) {
  auto quote = [](const std::string& label) {
    if (!label.empty() && label.front() == '"' && label.back() == '"') return label;
    return "\"" + label + "\"";
  };
  std::string out = "strict digraph {\n";
  for (const auto& n : g.nodes) out += quote(n) + ";\n";
  // Edges of the reversed graph: for each node, the stages depending on it in G's edge order.
  std::vector<std::vector<std::size_t>> reversed(g.nodes.size());
  for (std::size_t u = 0; u < g.nodes.size(); ++u)
    for (auto v : g.successors[u]) reversed[v].push_back(u);
  for (std::size_t n = 0; n < g.nodes.size(); ++n)
    for (auto u : reversed[n]) out += quote(g.nodes[n]) + " -> " + quote(g.nodes[u]) + ";\n";
  out += "}\n";
  return out;
}

std::string render_mermaid(const DagGraph& g, bool markdown) {
  std::string out = "flowchart TD";
  std::size_t total = 0;
  for (const auto& comp : dag_components(g)) {
    std::vector<std::string> names;
    for (auto i : comp) names.push_back(g.nodes[i]);
    std::sort(names.begin(), names.end());
    std::map<std::string, std::string> ids;
    for (const auto& n : names) {
      std::string id = "node" + std::to_string(++total);
      out += "\n\t" + id + "[\"" + n + "\"]";
      ids[n] = id;
    }
    std::vector<std::pair<std::string, std::string>> edges;
    for (auto i : comp)
      for (auto j : g.successors[i]) edges.emplace_back(g.nodes[j], g.nodes[i]);
    std::sort(edges.begin(), edges.end());
    for (const auto& [a, b] : edges) out += "\n\t" + ids[a] + "-->" + ids[b];
  }
  if (markdown) return "```mermaid\n" + out + "\n```";
  return out;
}

std::string render_ascii(const DagGraph& g) {
  std::string out;
  bool first = true;
  for (const auto& comp : dag_components(g)) {
    std::map<std::size_t, std::size_t> local;
    std::vector<std::string> vertices;
    for (auto i : comp) {
      local[i] = vertices.size();
      vertices.push_back(g.nodes[i]);
    }
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    for (auto i : comp)
      for (auto j : g.successors[i]) edges.emplace_back(local[i], local[j]);
    if (!first) out += "\n";
    first = false;
    out += draw_ascii(vertices, edges);
  }
  return out;
}

}  // namespace cairn::pipeline
