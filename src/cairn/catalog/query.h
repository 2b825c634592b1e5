// Query: a Mongo-style JSON filter over artifact records, parsed and validated into an AST.
//
// Contract: parse_query accepts a JSON object whose keys are field paths or $and/$or/$not/$nor
// and whose values are either a literal (implicit $eq) or an object of operators
// ($eq $ne $gt $gte $lt $lte $in $nin $regex $exists $not). Every path is resolved against a
// fixed whitelist (query_field.h): top-level columns, array fields (based_on, file_relpaths,
// argv) and free-form label paths (labels.<key>[.<key>...]). A scalar compared to an array field
// matches when any element matches; $ne/$nin match when no element matches. Times are ISO-8601
// strings (or integer milliseconds) compared as instants. Regexes are ECMAScript syntax and are
// compiled here so a bad one is reported before any SQL runs. Every failure is one
// ErrorCode::invalid_input error naming the path and the operator. The AST holds only typed
// values; nothing in it is ever spliced into SQL text (see query_sql.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/catalog/query_field.h"
#include "cairn/util/error.h"

namespace cairn::catalog {

// A literal after validation: null, bool, integer, real or text. Times are integers (ms).
using Scalar = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

enum class CompareOp { eq, ne, gt, gte, lt, lte, in, nin, regex, exists };
std::string_view compare_op_name(CompareOp op);

struct Comparison {
  QueryField field;
  CompareOp op = CompareOp::eq;
  std::vector<Scalar> values;  // one for most ops, any number for $in/$nin, none for $exists
  bool exists = true;          // for $exists
};

enum class NodeKind { all_of, any_of, none_of, comparison };

// all_of with no children matches everything; any_of with no children matches nothing.
struct QueryNode {
  NodeKind kind = NodeKind::all_of;
  std::vector<QueryNode> children;
  Comparison comparison;  // when kind == comparison
};

struct Query {
  QueryNode root;  // empty all_of = match every record
};

Expected<Query> parse_query(const nlohmann::json& filter);
// Parses JSON text first; empty or blank text is the match-all query.
Expected<Query> parse_query_text(std::string_view text);

}  // namespace cairn::catalog
