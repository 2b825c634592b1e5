#include "cairn/pipeline/params_file.h"

#include <cctype>
#include <charconv>

#include "cairn/pipeline/json_reader.h"
#include "cairn/pipeline/py_value.h"
#include "cairn/pipeline/toml_reader.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {
namespace {

// Python truthiness of a loaded document.
bool falsy(const yaml::Node& n) {
  switch (n.kind()) {
    case yaml::Node::Kind::null:
      return true;
    case yaml::Node::Kind::boolean:
      return !n.as_bool();
    case yaml::Node::Kind::integer:
      return n.as_int() == 0;
    case yaml::Node::Kind::floating:
      return float_value(n) == 0.0;
    case yaml::Node::Kind::string:
      return n.as_string().empty();
    default:
      return n.size() == 0;
  }
}

void flatten_into(const yaml::Node& node, const std::string& prefix,
                  std::vector<std::pair<std::string, const yaml::Node*>>& out) {
  for (const auto& [key, value] : node.entries()) {
    std::string dotted = prefix.empty() ? key : prefix + "." + key;
    if (value.is_map()) {
      if (value.size() > 0) flatten_into(value, dotted, out);
      continue;  // an empty mapping disappears, as in flatten_dict
    }
    out.emplace_back(std::move(dotted), &value);
  }
}

}  // namespace

ParamsFormat params_format_for(std::string_view p) {
  std::string base = path::basename(p);
  auto dot = base.rfind('.');
  // Python's PurePath.suffix: a leading dot alone (".json") is not a suffix.
  if (dot == std::string::npos || dot == 0 || dot + 1 == base.size()) return ParamsFormat::yaml;
  std::string ext;
  for (char c : base.substr(dot))
    ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (ext == ".json") return ParamsFormat::json;
  if (ext == ".toml") return ParamsFormat::toml;
  if (ext == ".py") return ParamsFormat::python;
  return ParamsFormat::yaml;
}

Expected<yaml::Node> parse_params_text(std::string_view text, const std::string& path) {
  Expected<yaml::Node> doc;
  switch (params_format_for(path)) {
    case ParamsFormat::json:
      doc = parse_json(text, path);
      break;
    case ParamsFormat::toml:
      doc = parse_toml(text, path);
      break;
    case ParamsFormat::python:
      return make_error(ErrorCode::invalid_input,
                        path + ": Python params files are not supported by cairn; use YAML, JSON or TOML");
    case ParamsFormat::yaml:
      doc = yaml::parse(text, path);
      break;
  }
  if (!doc) return doc;
  if (falsy(*doc)) return yaml::Node::map();
  return doc;
}

Expected<yaml::Node> load_params_file(env::Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, env->read_file(path));
  return parse_params_text(text, path);
}

const yaml::Node* lookup_dotted(const yaml::Node& root, std::string_view dotted) {
  const yaml::Node* node = &root;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = dotted.find('.', start);
    std::string_view part = dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    if (node->is_map()) {
      node = node->find(part);
    } else if (node->is_seq()) {
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (part.empty() || ec != std::errc() || end != part.data() + part.size() || index >= node->size())
        return nullptr;
      node = &node->items()[index];
    } else {
      return nullptr;
    }
    if (!node) return nullptr;
    if (dot == std::string_view::npos) return node;
    start = dot + 1;
  }
}

std::vector<std::pair<std::string, const yaml::Node*>> flatten(const yaml::Node& node) {
  std::vector<std::pair<std::string, const yaml::Node*>> out;
  if (node.is_map()) flatten_into(node, "", out);
  return out;
}

}  // namespace cairn::pipeline
