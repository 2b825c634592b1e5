#include "cairn/catalog/query.h"

#include "cairn/catalog/iso_time.h"
#include "cairn/catalog/regex_check.h"

namespace cairn::catalog {
namespace {

using nlohmann::json;

std::unexpected<Error> query_error(std::string_view path, std::string_view op, std::string_view what) {
  std::string msg = "query: ";
  if (!op.empty()) msg += std::string(op) + " ";
  if (!path.empty()) msg += (op.empty() ? "at '" : "on '") + std::string(path) + "': ";
  msg += what;
  return make_error(ErrorCode::invalid_input, std::move(msg));
}

std::string describe(const json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return std::string(v.type_name()) + " " + s;
}

struct OpSpec {
  std::string_view name;
  CompareOp op;
};
constexpr OpSpec kOps[] = {{"$eq", CompareOp::eq},   {"$ne", CompareOp::ne},       {"$gt", CompareOp::gt},
                           {"$gte", CompareOp::gte}, {"$lt", CompareOp::lt},       {"$lte", CompareOp::lte},
                           {"$in", CompareOp::in},   {"$nin", CompareOp::nin},     {"$regex", CompareOp::regex},
                           {"$exists", CompareOp::exists}};

bool is_range(CompareOp op) {
  return op == CompareOp::gt || op == CompareOp::gte || op == CompareOp::lt || op == CompareOp::lte;
}

// Converts one literal for `field` under `op`, enforcing the field's type.
Expected<Scalar> convert(const QueryField& field, std::string_view op_name, CompareOp op, const json& v) {
  auto mismatch = [&](std::string_view expected) {
    return query_error(field.path, op_name, "expected " + std::string(expected) + ", got " + describe(v));
  };
  if (v.is_null()) {
    if (op == CompareOp::eq || op == CompareOp::ne || op == CompareOp::in || op == CompareOp::nin)
      return Scalar(std::monostate{});
    return mismatch("a value");
  }
  switch (field.type) {
    case FieldType::text:
      if (!v.is_string()) return mismatch("a string");
      return Scalar(v.get<std::string>());
    case FieldType::integer:
      if (!v.is_number_integer()) return mismatch("an integer");
      return Scalar(v.get<std::int64_t>());
    case FieldType::time:
      if (v.is_number_integer()) return Scalar(v.get<std::int64_t>());
      if (v.is_string()) {
        auto t = parse_iso_time(v.get<std::string>());
        if (!t) return mismatch("an ISO-8601 time such as 2024-05-01T12:00:00Z");
        return Scalar(static_cast<std::int64_t>(t->time_since_epoch().count()));
      }
      return mismatch("an ISO-8601 time such as 2024-05-01T12:00:00Z");
    case FieldType::boolean:
      if (!v.is_boolean() || is_range(op)) return mismatch("true or false");
      return Scalar(v.get<bool>());
    case FieldType::any:
      if (v.is_string()) return Scalar(v.get<std::string>());
      if (v.is_number_integer()) return Scalar(v.get<std::int64_t>());
      if (v.is_number_float()) return Scalar(v.get<double>());
      if (v.is_boolean() && !is_range(op)) return Scalar(v.get<bool>());
      return mismatch("a string, number or boolean");
  }
  return mismatch("a value");
}

QueryNode leaf(Comparison c) {
  QueryNode n;
  n.kind = NodeKind::comparison;
  n.comparison = std::move(c);
  return n;
}

Expected<QueryNode> parse_filter(const json& filter, std::string_view where);

Expected<QueryNode> parse_operators(const QueryField& field, const json& ops);

Expected<QueryNode> parse_operator(const QueryField& field, const std::string& name, const json& arg) {
  if (name == "$not") {
    QueryNode inner;
    if (arg.is_string()) {  // {"$not": "regex"}
      ASSIGN_OR_RETURN(inner, parse_operator(field, "$regex", arg));
    } else if (arg.is_object() && !arg.empty()) {
      ASSIGN_OR_RETURN(inner, parse_operators(field, arg));
    } else {
      return query_error(field.path, "$not", "expected an object of operators, got " + describe(arg));
    }
    QueryNode n;
    n.kind = NodeKind::none_of;
    n.children.push_back(std::move(inner));
    return n;
  }
  const OpSpec* spec = nullptr;
  for (const auto& s : kOps)
    if (s.name == name) spec = &s;
  if (!spec) return query_error(field.path, name, "unknown operator (known: $eq $ne $gt $gte $lt $lte $in $nin $regex $exists $not)");
  Comparison c{field, spec->op, {}, true};
  switch (spec->op) {
    case CompareOp::exists:
      if (!arg.is_boolean()) return query_error(field.path, name, "expected true or false, got " + describe(arg));
      c.exists = arg.get<bool>();
      break;
    case CompareOp::in:
    case CompareOp::nin:
      if (!arg.is_array()) return query_error(field.path, name, "expected a list, got " + describe(arg));
      for (const auto& e : arg) {
        ASSIGN_OR_RETURN(auto s, convert(field, name, spec->op, e));
        c.values.push_back(std::move(s));
      }
      break;
    case CompareOp::regex: {
      if (field.type != FieldType::text && field.type != FieldType::any)
        return query_error(field.path, name, "only applies to text fields");
      if (!arg.is_string()) return query_error(field.path, name, "expected a pattern string, got " + describe(arg));
      auto pattern = arg.get<std::string>();
      if (auto why = check_regex(pattern)) return query_error(field.path, name, "invalid regex '" + pattern + "': " + *why);
      c.values.emplace_back(std::move(pattern));
      break;
    }
    default: {
      ASSIGN_OR_RETURN(auto s, convert(field, name, spec->op, arg));
      c.values.push_back(std::move(s));
    }
  }
  return leaf(std::move(c));
}

Expected<QueryNode> parse_operators(const QueryField& field, const json& ops) {
  QueryNode all;
  all.kind = NodeKind::all_of;
  for (const auto& [name, arg] : ops.items()) {
    if (name.empty() || name[0] != '$')
      return query_error(field.path, name, "cannot mix operators and plain keys in one object");
    ASSIGN_OR_RETURN(auto n, parse_operator(field, name, arg));
    all.children.push_back(std::move(n));
  }
  if (all.children.size() == 1) return std::move(all.children.front());
  return all;
}

bool has_operator_key(const json& v) {
  if (!v.is_object()) return false;
  for (const auto& [k, _] : v.items())
    if (!k.empty() && k[0] == '$') return true;
  return false;
}

Expected<QueryNode> parse_field(const std::string& path, const json& v) {
  auto field = resolve_query_field(path);
  if (!field) return std::unexpected(field.error());
  if (has_operator_key(v)) return parse_operators(*field, v);
  if (v.is_object() || v.is_array())
    return query_error(path, "$eq", "expected a scalar or an object of operators, got " + describe(v));
  ASSIGN_OR_RETURN(auto s, convert(*field, "$eq", CompareOp::eq, v));
  return leaf(Comparison{*field, CompareOp::eq, {std::move(s)}, true});
}

Expected<QueryNode> parse_logical(const std::string& op, const json& v) {
  QueryNode n;
  if (op == "$not") {
    if (!v.is_object()) return query_error("", "$not", "expected a filter object, got " + describe(v));
    ASSIGN_OR_RETURN(auto inner, parse_filter(v, op));
    n.kind = NodeKind::none_of;
    n.children.push_back(std::move(inner));
    return n;
  }
  n.kind = op == "$and" ? NodeKind::all_of : op == "$or" ? NodeKind::any_of : NodeKind::none_of;
  if (!v.is_array() || v.empty()) return query_error("", op, "expected a non-empty list of filters, got " + describe(v));
  for (const auto& f : v) {
    if (!f.is_object()) return query_error("", op, "expected a filter object, got " + describe(f));
    ASSIGN_OR_RETURN(auto child, parse_filter(f, op));
    n.children.push_back(std::move(child));
  }
  return n;
}

Expected<QueryNode> parse_filter(const json& filter, std::string_view where) {
  if (!filter.is_object()) return query_error("", where, "a filter must be a JSON object, got " + describe(filter));
  QueryNode all;
  all.kind = NodeKind::all_of;
  for (const auto& [key, v] : filter.items()) {
    if (!key.empty() && key[0] == '$') {
      if (key != "$and" && key != "$or" && key != "$nor" && key != "$not")
        return query_error("", key, "unknown operator at the top of a filter (known: $and $or $nor $not)");
      ASSIGN_OR_RETURN(auto n, parse_logical(key, v));
      all.children.push_back(std::move(n));
    } else {
      ASSIGN_OR_RETURN(auto n, parse_field(key, v));
      all.children.push_back(std::move(n));
    }
  }
  if (all.children.size() == 1) return std::move(all.children.front());
  return all;
}

}  // namespace

std::string_view compare_op_name(CompareOp op) {
  for (const auto& s : kOps)
    if (s.op == op) return s.name;
  return "?";
}

Expected<Query> parse_query(const json& filter) {
  ASSIGN_OR_RETURN(auto root, parse_filter(filter, ""));
  return Query{std::move(root)};
}

Expected<Query> parse_query_text(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Query{};
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return make_error(ErrorCode::invalid_input, "query: malformed JSON: " + std::string(text.substr(0, 80)));
  return parse_query(j);
}

}  // namespace cairn::catalog
