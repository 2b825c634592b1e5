#include "cairn/pipeline/py_value.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "cairn/util/py_json.h"

namespace cairn::pipeline {

using yaml::Node;

double float_value(const Node& node) {
  std::string text;
  for (char c : node.as_string())
    if (c != '_') text.push_back(c);
  std::string lower;
  for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == ".inf" || lower == "+.inf") return std::numeric_limits<double>::infinity();
  if (lower == "-.inf") return -std::numeric_limits<double>::infinity();
  if (lower == ".nan") return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(text.c_str(), nullptr);
}

std::string py_str(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::null: return "None";
    case Node::Kind::boolean: return n.as_bool() ? "true" : "false";
    case Node::Kind::integer: return std::to_string(n.as_int());
    case Node::Kind::floating: {
      double v = float_value(n);
      if (std::isnan(v)) return "nan";
      if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
      return pyjson::float_repr(v);
    }
    case Node::Kind::string: return n.as_string();
    default: return {};
  }
}

namespace {
bool is_number(const Node& n) { return n.is_bool() || n.is_int() || n.is_float(); }
}  // namespace

bool py_equal(const Node& a, const Node& b) {
  if (is_number(a) && is_number(b)) {
    if (a.is_float() || b.is_float()) {
      auto num = [](const Node& n) -> double {
        if (n.is_float()) return float_value(n);
        if (n.is_bool()) return n.as_bool() ? 1.0 : 0.0;
        return static_cast<double>(n.as_int());
      };
      return num(a) == num(b);
    }
    auto num = [](const Node& n) -> std::int64_t { return n.is_bool() ? (n.as_bool() ? 1 : 0) : n.as_int(); };
    return num(a) == num(b);
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Node::Kind::null: return true;
    case Node::Kind::string: return a.as_string() == b.as_string();
    case Node::Kind::sequence: {
      if (a.items().size() != b.items().size()) return false;
      for (std::size_t i = 0; i < a.items().size(); ++i)
        if (!py_equal(a.items()[i], b.items()[i])) return false;
      return true;
    }
    case Node::Kind::mapping: {
      if (a.entries().size() != b.entries().size()) return false;
      for (const auto& [k, v] : a.entries()) {
        const Node* other = b.find(k);
        if (!other || !py_equal(v, *other)) return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace cairn::pipeline
