#include "cairn/catalog/catalog.h"

#include <set>

namespace cairn::catalog {

Expected<std::vector<LineageEdge>> Catalog::lineage(std::string_view artifact_id, LineageDirection direction,
                                                    int depth) {
  return walk_lineage(artifact_id, direction, depth,
                      [&](const std::vector<std::string>& frontier) { return direct_links(frontier, direction); });
}

Expected<std::vector<LineageEdge>> walk_lineage(std::string_view artifact_id, LineageDirection direction, int depth,
                                                const LinkSource& direct_links) {
  std::vector<LineageEdge> edges;
  std::set<std::string> seen{std::string(artifact_id)};
  std::set<std::pair<std::string, std::string>> seen_edges;
  std::vector<std::string> frontier{std::string(artifact_id)};
  for (int level = 1; level <= depth && !frontier.empty(); ++level) {
    ASSIGN_OR_RETURN(auto links, direct_links(frontier));
    frontier.clear();
    for (auto& e : links) {
      if (!seen_edges.emplace(e.child, e.parent).second) continue;
      const std::string& next = direction == LineageDirection::up ? e.parent : e.child;
      if (seen.insert(next).second) frontier.push_back(next);
      e.depth = level;
      edges.push_back(std::move(e));
    }
  }
  return edges;
}

}  // namespace cairn::catalog
