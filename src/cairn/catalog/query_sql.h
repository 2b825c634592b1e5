// Compiles a Query AST into a parameterised SQL WHERE clause for one SQL dialect.
//
// Contract: the returned sql text contains only constant fragments from this compiler and
// fixed column names from the field whitelist; every user key (label path) and every user
// value is a placeholder whose value is in `params`, in order. The clause refers to the
// artifacts table as `a` and to the side table artifact_values (seq, path, value[, num]) as
// described in record_index.h. SQLite placeholders are '?'; PostgreSQL's are $N numbered from
// first_param. Never fails: the AST was validated by parse_query.
#pragma once

#include <string>
#include <vector>

#include "cairn/catalog/query.h"

namespace cairn::catalog {

enum class SqlDialect { sqlite, postgres };

struct SqlWhere {
  std::string sql;
  std::vector<Scalar> params;  // bool is bound as integer 0/1
  // The clause reads artifact_values (a subquery per multi-valued or free-form field), so
  // every match costs a lookup of its artifacts row: worth computing the matches only once.
  bool uses_values = false;
};

SqlWhere compile_where(const Query& query, SqlDialect dialect, int first_param = 1);

}  // namespace cairn::catalog
