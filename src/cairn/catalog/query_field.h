// QueryField: the whitelist of paths a query may name, and how each is stored.
//
// Contract: resolve_query_field maps a user path ("username", "labels.datatype",
// "labels.infos.fold", "based_on", ...) to a QueryField or returns ErrorCode::invalid_input.
// The fixed labels (labels.datatype, .ticket, .project, .dataset, .description) are columns
// so that (user, label, time) queries are index lookups. Column fields carry the fixed column name (a compile-time constant, never user text);
// multi-valued fields carry the user path as *data* (a bound parameter selecting rows of the
// artifact_values side table, see record_index.h).
#pragma once

#include <string>
#include <string_view>

#include "cairn/util/error.h"

namespace cairn::catalog {

enum class FieldStorage { column, values_table };
enum class FieldType { text, integer, time, boolean, any };

struct QueryField {
  std::string path;           // as the user wrote it
  FieldStorage storage = FieldStorage::column;
  FieldType type = FieldType::any;
  std::string_view column;    // for FieldStorage::column: a constant from the whitelist
};

Expected<QueryField> resolve_query_field(std::string_view path);

}  // namespace cairn::catalog
