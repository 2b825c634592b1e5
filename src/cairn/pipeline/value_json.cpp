#include "cairn/pipeline/value_json.h"

#include "cairn/pipeline/py_value.h"

namespace cairn::pipeline {
namespace {

nlohmann::ordered_json error_json(const LoadError& e) {
  return {{"type", e.type}, {"msg", e.msg}};
}

}  // namespace

nlohmann::ordered_json node_to_json(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Node::Kind::null:
      return nullptr;
    case yaml::Node::Kind::boolean:
      return node.as_bool();
    case yaml::Node::Kind::integer:
      return node.as_int();
    case yaml::Node::Kind::floating:
      return float_value(node);
    case yaml::Node::Kind::string:
      return node.as_string();
    case yaml::Node::Kind::sequence: {
      auto arr = nlohmann::ordered_json::array();
      for (const auto& item : node.items()) arr.push_back(node_to_json(item));
      return arr;
    }
    case yaml::Node::Kind::mapping: {
      auto obj = nlohmann::ordered_json::object();
      for (const auto& [k, v] : node.entries()) obj[k] = node_to_json(v);
      return obj;
    }
  }
  return nullptr;
}

nlohmann::ordered_json diff_json(const std::vector<FileDiff>& diff) {
  auto out = nlohmann::ordered_json::object();
  for (const auto& file : diff) {
    auto changes = nlohmann::ordered_json::object();
    for (const auto& c : file.changes) {
      nlohmann::ordered_json entry = {{"old", node_to_json(c.old_value)}, {"new", node_to_json(c.new_value)}};
      if (c.diff) entry["diff"] = node_to_json(*c.diff);
      changes[c.key] = std::move(entry);
    }
    out[file.path] = std::move(changes);
  }
  return out;
}

nlohmann::ordered_json show_json(const std::vector<std::pair<std::string, RevData>>& revs) {
  auto out = nlohmann::ordered_json::object();
  for (const auto& [rev, data] : revs) {
    if (data.error) {
      out[rev] = {{"error", error_json(*data.error)}};
      continue;
    }
    auto files = nlohmann::ordered_json::object();
    for (const auto& f : data.files) {
      if (f.error)
        files[f.path] = {{"error", error_json(*f.error)}};
      else
        files[f.path] = {{"data", f.data ? node_to_json(*f.data) : nlohmann::ordered_json::object()}};
    }
    out[rev] = {{"data", std::move(files)}};
  }
  return out;
}

}  // namespace cairn::pipeline
