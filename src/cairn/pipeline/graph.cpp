#include "cairn/pipeline/graph.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <optional>

namespace cairn::pipeline {

namespace {

struct OutRef {
  std::size_t stage;
  std::size_t out;
  std::size_t order;  // insertion order
};

// Outputs by repository-relative path, with the prefix queries of DVC's outs trie.
class OutsTrie {
 public:
  const OutRef* exact(const std::string& p) const {
    auto it = m_map.find(p);
    return it == m_map.end() ? nullptr : &it->second;
  }
  // Outputs strictly below `p`, in insertion order.
  std::vector<const OutRef*> below(const std::string& p) const {
    std::vector<const OutRef*> out;
    std::string prefix = p.empty() ? std::string() : p + "/";
    for (auto it = m_map.lower_bound(prefix); it != m_map.end() && it->first.starts_with(prefix); ++it)
      if (it->first != p) out.push_back(&it->second);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->order < b->order; });
    return out;
  }
  // Outputs that are `p` or a parent directory of it, shortest first.
  std::vector<const OutRef*> prefixes(const std::string& p) const {
    std::vector<const OutRef*> out;
    std::size_t pos = 0;
    while (true) {
      auto slash = p.find('/', pos);
      std::string head = p.substr(0, slash);
      if (auto* r = exact(head)) out.push_back(r);
      if (slash == std::string::npos) break;
      pos = slash + 1;
    }
    return out;
  }
  void insert(const std::string& p, OutRef ref) { m_map.emplace(p, ref); }

 private:
  std::map<std::string, OutRef> m_map;
};

std::string shown(const std::string& repo_rel, const std::string& cwd_rel) { return rel_from(repo_rel, cwd_rel); }

bool is_external(const std::string& def_path) { return def_path.find("://") != std::string::npos; }

}  // namespace

std::size_t StageGraph::index_of(const Stage* s) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i] == s) return i;
  return nodes.size();
}

std::vector<std::size_t> StageGraph::upstream(std::size_t start) const {
  std::vector<bool> seen(nodes.size(), false);
  std::vector<std::size_t> out, stack{start};
  seen[start] = true;
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    for (auto m : successors[n])
      if (!seen[m]) {
        seen[m] = true;
        out.push_back(m);
        stack.push_back(m);
      }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::size_t> StageGraph::downstream(std::size_t start) const {
  std::vector<std::vector<std::size_t>> preds(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (auto j : successors[i]) preds[j].push_back(i);
  std::vector<bool> seen(nodes.size(), false);
  std::vector<std::size_t> out, stack{start};
  seen[start] = true;
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    for (auto m : preds[n])
      if (!seen[m]) {
        seen[m] = true;
        out.push_back(m);
        stack.push_back(m);
      }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::size_t> StageGraph::postorder_from(const std::vector<std::size_t>& from,
                                                    const std::vector<bool>* member) const {
  std::vector<bool> seen(nodes.size(), false);
  std::vector<std::size_t> out;
  for (auto root : from) {
    if (seen[root] || (member && !(*member)[root])) continue;
    // Iterative DFS emitting a node after all its successors.
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};
    seen[root] = true;
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (next < successors[n].size()) {
        auto m = successors[n][next++];
        if (!seen[m] && (!member || (*member)[m])) {
          seen[m] = true;
          stack.push_back({m, 0});
        }
      } else {
        out.push_back(n);
        stack.pop_back();
      }
    }
  }
  return out;
}

std::vector<std::size_t> StageGraph::postorder() const {
  std::vector<std::size_t> all(nodes.size());
  std::iota(all.begin(), all.end(), 0);
  return postorder_from(all);
}

std::vector<std::vector<std::size_t>> StageGraph::components() const {
  std::vector<std::size_t> parent(nodes.size());
  std::iota(parent.begin(), parent.end(), 0);
  std::function<std::size_t(std::size_t)> find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (auto j : successors[i]) {
      auto a = find(i), b = find(j);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  std::map<std::size_t, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < nodes.size(); ++i) groups[find(i)].push_back(i);
  std::vector<std::vector<std::size_t>> out;
  for (auto& [root, members] : groups) out.push_back(std::move(members));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return out;
}

Expected<StageGraph> build_graph(const std::vector<const Stage*>& stages, const std::string& cwd_rel,
                                 const Stage* adding) {
  StageGraph g;
  g.nodes = stages;
  g.successors.assign(stages.size(), {});
  auto address = [&](std::size_t i) { return stage_address(*stages[i], cwd_rel); };

  OutsTrie trie;
  std::size_t order = 0;
  for (std::size_t si = 0; si < stages.size(); ++si) {
    const Stage& s = *stages[si];
    for (std::size_t oi = 0; oi < s.outs.size(); ++oi) {
      const StageOut& o = s.outs[oi];
      if (is_external(o.def_path)) continue;
      if (const OutRef* dup = trie.exact(o.path)) {
        std::string out_text = shown(o.path, cwd_rel);
        std::optional<std::size_t> single;
        if (dup->stage == si) single = si;
        else if (stages[si] == adding) single = dup->stage;
        else if (stages[dup->stage] == adding) single = si;
        if (single)
          return make_error(ErrorCode::invalid_input,
                            "output '" + out_text + "' is already specified in stage: '" + address(*single) +
                                "'.\nUse `dvc remove " + address(*single) + "` to stop tracking the overlapping output.");
        return make_error(ErrorCode::invalid_input, "output '" + out_text + "' is specified in:\n\t- " + address(si) +
                                                        "\n\t- " + address(dup->stage) +
                                                        "\nUse `dvc remove` with any of the above targets to stop "
                                                        "tracking the overlapping output.");
      }
      const StageOut* parent = nullptr;
      const StageOut* overlapping = nullptr;
      std::size_t parent_stage = 0, overlapping_stage = 0;
      auto below = trie.below(o.path);
      if (!below.empty()) {
        parent = &o;
        parent_stage = si;
        overlapping = &stages[below.front()->stage]->outs[below.front()->out];
        overlapping_stage = below.front()->stage;
      } else {
        auto pre = trie.prefixes(o.path);
        if (!pre.empty()) {
          parent = &stages[pre.front()->stage]->outs[pre.front()->out];
          parent_stage = pre.front()->stage;
          overlapping = &o;
          overlapping_stage = si;
        }
      }
      if (parent && overlapping)
        return make_error(ErrorCode::invalid_input,
                          "The output paths:\n'" + shown(parent->path, cwd_rel) + "'('" + address(parent_stage) +
                              "')\n'" + shown(overlapping->path, cwd_rel) + "'('" + address(overlapping_stage) +
                              "')\noverlap and are thus in the same tracked directory.\nTo keep reproducibility, "
                              "outputs should be in separate tracked directories or tracked individually.");
      trie.insert(o.path, OutRef{si, oi, order++});
    }
  }
  for (std::size_t si = 0; si < stages.size(); ++si) {
    auto pre = trie.prefixes(stages[si]->file);
    if (!pre.empty())
      return make_error(ErrorCode::invalid_input,
                        "stage: '" + address(si) + "' is within an output '" +
                            shown(stages[pre.front()->stage]->outs[pre.front()->out].path, cwd_rel) +
                            "' of another stage");
  }
  for (std::size_t si = 0; si < stages.size(); ++si) {
    const Stage& s = *stages[si];
    std::vector<std::string> dep_paths;
    for (const auto& d : s.deps)
      if (!is_external(d.def_path)) dep_paths.push_back(d.path);
    for (const auto& p : s.params) dep_paths.push_back(p.path);
    auto& succ = g.successors[si];
    for (const auto& dp : dep_paths) {
      auto overlapping = trie.prefixes(dp);
      for (auto* r : trie.below(dp)) overlapping.push_back(r);
      for (auto* r : overlapping)
        if (std::find(succ.begin(), succ.end(), r->stage) == succ.end()) succ.push_back(r->stage);
    }
  }
  // Cycle check: DFS in node order; the first back edge closes a cycle.
  std::vector<int> color(stages.size(), 0);  // 0 new, 1 on stack, 2 done
  for (std::size_t root = 0; root < stages.size(); ++root) {
    if (color[root]) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};
    color[root] = 1;
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (next < g.successors[n].size()) {
        auto m = g.successors[n][next++];
        if (color[m] == 1) {
          std::vector<std::size_t> cycle;
          bool in = false;
          for (const auto& [node, _] : stack) {
            if (node == m) in = true;
            if (in) cycle.push_back(node);
          }
          std::string names;
          for (std::size_t i = 0; i < cycle.size(); ++i) names += (i ? ", " : "") + address(cycle[i]);
          return make_error(ErrorCode::invalid_input,
                            std::string("Same item(s) are defined as both a dependency and an output in ") +
                                (cycle.size() == 1 ? "stage" : "stages") + ": " + names + ".");
        }
        if (color[m] == 0) {
          color[m] = 1;
          stack.push_back({m, 0});
        }
      } else {
        color[n] = 2;
        stack.pop_back();
      }
    }
  }
  return g;
}

OutsGraph build_outs_graph(const StageGraph& graph) {
  OutsGraph og;
  std::map<std::string, std::size_t> by_path;
  for (const Stage* s : graph.nodes)
    for (std::size_t i = 0; i < s->outs.size(); ++i) {
      by_path[s->outs[i].path] = og.nodes.size();
      og.nodes.push_back({s, i});
    }
  og.successors.assign(og.nodes.size(), {});
  auto overlapping = [&](const std::string& dep) {
    std::vector<std::size_t> out;
    std::size_t pos = 0;
    while (true) {
      auto slash = dep.find('/', pos);
      auto it = by_path.find(dep.substr(0, slash));
      if (it != by_path.end()) out.push_back(it->second);
      if (slash == std::string::npos) break;
      pos = slash + 1;
    }
    std::vector<std::size_t> below;
    std::string prefix = dep + "/";
    for (auto it = by_path.lower_bound(prefix); it != by_path.end() && it->first.starts_with(prefix); ++it)
      below.push_back(it->second);
    std::sort(below.begin(), below.end());
    out.insert(out.end(), below.begin(), below.end());
    return out;
  };
  std::size_t base = 0;
  for (const Stage* s : graph.nodes) {
    std::vector<std::string> deps;
    for (const auto& d : s->deps)
      if (!is_external(d.def_path)) deps.push_back(d.path);
    for (const auto& p : s->params) deps.push_back(p.path);
    for (const auto& d : deps)
      for (auto target : overlapping(d))
        for (std::size_t i = 0; i < s->outs.size(); ++i) {
          auto& succ = og.successors[base + i];
          if (std::find(succ.begin(), succ.end(), target) == succ.end()) succ.push_back(target);
        }
    base += s->outs.size();
  }
  return og;
}

}  // namespace cairn::pipeline
