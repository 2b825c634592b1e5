// Lineage output formats: JSON, Graphviz dot and Mermaid (contract in artifacts.h).
#include <map>
#include <set>

#include "cairn/catalog/artifacts.h"

namespace cairn::catalog {
namespace {

std::string node_label(const LineageResult& lineage, const std::string& id) {
  for (const auto& n : lineage.nodes)
    if (n.record.artifact_id == id && n.record.name)
      return *n.record.name + "@" + std::to_string(n.record.version) + "\\n" + id;
  return id;
}

std::vector<std::string> all_ids(const LineageResult& lineage) {
  std::vector<std::string> ids{lineage.start};
  std::set<std::string> seen{lineage.start};
  for (const auto& e : lineage.edges)
    for (const auto* id : {&e.parent, &e.child})
      if (seen.insert(*id).second) ids.push_back(*id);
  return ids;
}

std::string dot_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += "\\\"";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

nlohmann::json lineage_to_json(const LineageResult& lineage) {
  nlohmann::json j;
  j["start"] = lineage.start;
  j["direction"] = lineage.direction == LineageDirection::up ? "up" : "down";
  j["edges"] = nlohmann::json::array();
  for (const auto& e : lineage.edges)
    j["edges"].push_back({{"child", e.child}, {"parent", e.parent}, {"depth", e.depth}});
  j["nodes"] = nlohmann::json::array();
  for (const auto& n : lineage.nodes) {
    nlohmann::json node = {{"artifact_id", n.record.artifact_id}, {"depth", n.depth},
                           {"name", n.record.name ? nlohmann::json(*n.record.name) : nlohmann::json(nullptr)},
                           {"version", n.record.version}, {"username", n.record.username},
                           {"creation_time", format_iso_time(n.record.creation_time)}};
    j["nodes"].push_back(std::move(node));
  }
  return j;
}

std::string lineage_to_dot(const LineageResult& lineage) {
  std::string out = "digraph lineage {\n  rankdir=LR;\n";
  for (const auto& id : all_ids(lineage)) {
    out += "  \"" + id + "\" [label=\"" + dot_escape(node_label(lineage, id)) + "\"";
    if (id == lineage.start) out += ", style=bold";
    out += "];\n";
  }
  for (const auto& e : lineage.edges) out += "  \"" + e.parent + "\" -> \"" + e.child + "\";\n";
  out += "}\n";
  return out;
}

std::string lineage_to_mermaid(const LineageResult& lineage) {
  std::map<std::string, std::string> short_id;
  std::string out = "flowchart LR\n";
  int n = 0;
  for (const auto& id : all_ids(lineage)) {
    short_id[id] = "n" + std::to_string(n++);
    std::string label = node_label(lineage, id);
    for (std::size_t p; (p = label.find("\\n")) != std::string::npos;) label.replace(p, 2, "<br/>");
    std::string safe;
    for (char c : label) safe += (c == '"') ? std::string("#quot;") : std::string(1, c);
    out += "  " + short_id[id] + "[\"" + safe + "\"]\n";
  }
  for (const auto& e : lineage.edges) out += "  " + short_id[e.parent] + " --> " + short_id[e.child] + "\n";
  return out;
}

}  // namespace cairn::catalog
