// DVC's stage md5; see stage_md5.h.
#include "cairn/repo/stage_md5.h"

#include <array>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cairn/util/md5.h"
#include "cairn/util/py_json.h"

namespace cairn::repo {

namespace {

constexpr std::array<std::string_view, 11> k_excluded = {
    "desc", "type", "labels", "meta", "locked", "frozen", "metric", "persist", "isexec", "size", "nfiles"};

bool excluded(std::string_view key) {
  for (auto k : k_excluded)
    if (k == key) return true;
  return false;
}

nlohmann::json to_json(const yaml::Node& n) {
  switch (n.kind()) {
    case yaml::Node::Kind::null:
      return nullptr;
    case yaml::Node::Kind::boolean:
      return n.as_bool();
    case yaml::Node::Kind::integer:
      return n.as_int();
    case yaml::Node::Kind::floating:
      return std::strtod(n.as_string().c_str(), nullptr);
    case yaml::Node::Kind::string:
      return n.as_string();
    case yaml::Node::Kind::sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : n.items()) arr.push_back(to_json(item));
      return arr;
    }
    case yaml::Node::Kind::mapping: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& [key, value] : n.entries())
        if (!excluded(key)) obj[key] = to_json(value);
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

std::string stage_md5(const yaml::Node& dumped_stage) {
  nlohmann::json d = nlohmann::json::object();
  for (const auto& [key, value] : dumped_stage.entries()) {
    if (key == "md5" || key == "meta" || key == "desc") continue;
    if (key == "wdir" && value.is_string() && value.as_string() == ".") continue;
    if (excluded(key)) continue;
    d[key] = to_json(value);
  }
  return md5_hex(pyjson::dumps_sorted(d));
}

}  // namespace cairn::repo
