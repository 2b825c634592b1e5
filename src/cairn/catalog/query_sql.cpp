#include "cairn/catalog/query_sql.h"

namespace cairn::catalog {
namespace {

bool is_text(const Scalar& s) { return std::holds_alternative<std::string>(s); }
bool is_null(const Scalar& s) { return std::holds_alternative<std::monostate>(s); }

class Compiler {
 public:
  Compiler(SqlDialect d, int first) : m_dialect(d), m_next(first) {}

  SqlWhere take() { return {std::move(m_sql), std::move(m_params), m_uses_values}; }

  void node(const QueryNode& n) {
    switch (n.kind) {
      case NodeKind::comparison:
        comparison(n.comparison);
        return;
      case NodeKind::all_of:
        if (n.children.empty()) return out("1 = 1");
        return join(n.children, " AND ");
      case NodeKind::any_of:
        if (n.children.empty()) return out("1 = 0");
        return join(n.children, " OR ");
      case NodeKind::none_of:
        out("NOT ");
        if (n.children.empty()) return out("(1 = 0)");
        return join(n.children, " OR ");
    }
  }

 private:
  bool pg() const { return m_dialect == SqlDialect::postgres; }
  void out(std::string_view s) { m_sql += s; }

  void join(const std::vector<QueryNode>& children, std::string_view sep) {
    out("(");
    for (size_t i = 0; i < children.size(); ++i) {
      if (i) out(sep);
      node(children[i]);
    }
    out(")");
  }

  // Appends a placeholder bound to s.
  void param(Scalar s) {
    if (auto* b = std::get_if<bool>(&s)) s = std::int64_t(*b ? 1 : 0);
    m_params.push_back(std::move(s));
    if (pg()) {
      m_sql += "$" + std::to_string(m_next++);
    } else {
      m_sql += "?";
    }
  }

  static std::string_view sql_op(CompareOp op) {
    switch (op) {
      case CompareOp::eq: return " = ";
      case CompareOp::ne: return " <> ";
      case CompareOp::gt: return " > ";
      case CompareOp::gte: return " >= ";
      case CompareOp::lt: return " < ";
      case CompareOp::lte: return " <= ";
      default: return " = ";
    }
  }

  void comparison(const Comparison& c) {
    if (c.field.storage == FieldStorage::column) return column(c);
    return values(c);
  }

  // ---- fixed columns of the artifacts table. Every predicate is two-valued (never SQL NULL
  // for a missing value), so NOT (...) is its exact complement, as in Mongo.
  void column(const Comparison& c) {
    std::string col = "a." + std::string(c.field.column);
    switch (c.op) {
      case CompareOp::eq:
        if (is_null(c.values[0])) return out("(" + col + " IS NULL)");
        out("(" + col + " IS NOT NULL AND " + col + " = ");
        param(c.values[0]);
        return out(")");
      case CompareOp::ne:
        if (is_null(c.values[0])) return out("(" + col + " IS NOT NULL)");
        out("(" + col + " IS NULL OR " + col + " <> ");
        param(c.values[0]);
        return out(")");
      case CompareOp::gt:
      case CompareOp::gte:
      case CompareOp::lt:
      case CompareOp::lte:
        out("(" + col + " IS NOT NULL AND " + col + std::string(sql_op(c.op)));
        param(c.values[0]);
        return out(")");
      case CompareOp::in:
        return column_in(col, c.values);
      case CompareOp::nin:
        out("NOT ");
        return column_in(col, c.values);
      case CompareOp::regex:
        out("(" + col + " IS NOT NULL AND " + col + (pg() ? " ~ " : " REGEXP "));
        param(c.values[0]);
        return out(")");
      case CompareOp::exists:
        return out("(" + col + (c.exists ? " IS NOT NULL)" : " IS NULL)"));
    }
  }

  // Null-safe membership: never yields SQL NULL, so NOT of it is the complement.
  void column_in(const std::string& col, const std::vector<Scalar>& values) {
    bool with_null = false;
    std::vector<const Scalar*> vals;
    for (const auto& v : values) (is_null(v) ? with_null = true : (vals.push_back(&v), true));
    out("(");
    if (vals.empty()) {
      out("1 = 0");
    } else {
      out("(" + col + " IS NOT NULL AND " + col + " IN (");
      for (size_t i = 0; i < vals.size(); ++i) {
        if (i) out(", ");
        param(*vals[i]);
      }
      out("))");
    }
    if (with_null) out(" OR " + col + " IS NULL");
    out(")");
  }

  // ---- multi-valued fields in artifact_values (any element matches)
  void subquery_open(const std::string& path) {
    m_uses_values = true;
    if (!pg() && path == "argv") {
      // SQLite keeps no value rows for argv (several per record, rarely queried): the
      // elements come from the stored record JSON, one json_each row per element.
      out("a.seq IN (SELECT r.seq FROM artifact_records r, json_each(r.record, '$.argv') v WHERE 1 = 1");
      return;
    }
    out("a.seq IN (SELECT v.seq FROM artifact_values v WHERE ");
    // PostgreSQL indexes every path but argv (a partial index); this constant term is what
    // lets the planner prove a bound path is covered by it (also in a generic plan). SQLite
    // has no argv rows at all.
    if (pg() && path != "argv") out("v.path <> 'argv' AND ");
    out("v.path = ");
    param(path);
  }

  void path_present(const std::string& path, bool present) {
    out(present ? "(" : "(NOT ");
    subquery_open(path);
    out("))");
  }

  // "AND <predicate on v for one value>" (value must not be null)
  void value_predicate(CompareOp op, const Scalar& v) {
    bool text = is_text(v);
    if (op == CompareOp::regex) {
      out(pg() ? " AND v.value ~ " : " AND typeof(v.value) = 'text' AND v.value REGEXP ");
      return param(v);
    }
    std::string_view sop = sql_op(op == CompareOp::ne ? CompareOp::eq : op);
    if (pg()) {
      out(text ? " AND v.value COLLATE \"C\"" : " AND v.num");
    } else if (op == CompareOp::eq || op == CompareOp::ne) {
      out(" AND v.value");
    } else {
      out(text ? " AND typeof(v.value) = 'text' AND v.value" : " AND typeof(v.value) IN ('integer', 'real') AND v.value");
    }
    out(sop);
    param(v);
  }

  void values_in(const Comparison& c) {
    bool with_null = false;
    std::vector<const Scalar*> texts, nums;
    for (const auto& v : c.values) {
      if (is_null(v)) with_null = true;
      else (is_text(v) ? texts : nums).push_back(&v);
    }
    out("(");
    if (texts.empty() && nums.empty()) {
      out("1 = 0");
    } else {
      subquery_open(c.field.path);
      auto list = [&](std::string_view col, const std::vector<const Scalar*>& vals) {
        out(col);
        out(" IN (");
        for (size_t i = 0; i < vals.size(); ++i) {
          if (i) out(", ");
          param(*vals[i]);
        }
        out(")");
      };
      if (!pg()) {
        std::vector<const Scalar*> all = texts;
        all.insert(all.end(), nums.begin(), nums.end());
        list(" AND v.value", all);
      } else {
        out(" AND (");
        if (!texts.empty()) list("v.value", texts);
        if (!texts.empty() && !nums.empty()) out(" OR ");
        if (!nums.empty()) list("v.num", nums);
        out(")");
      }
      out(")");
    }
    if (with_null) {
      out(" OR ");
      path_present(c.field.path, false);
    }
    out(")");
  }

  void values(const Comparison& c) {
    switch (c.op) {
      case CompareOp::exists:
        return path_present(c.field.path, c.exists);
      case CompareOp::in:
        return values_in(c);
      case CompareOp::nin:
        out("NOT ");
        return values_in(c);
      case CompareOp::eq:
      case CompareOp::ne:
        if (is_null(c.values[0])) return path_present(c.field.path, c.op == CompareOp::ne);
        [[fallthrough]];
      default:
        out(c.op == CompareOp::ne ? "(NOT " : "(");
        subquery_open(c.field.path);
        value_predicate(c.op, c.values[0]);
        out("))");
    }
  }

  SqlDialect m_dialect;
  int m_next;
  std::string m_sql;
  std::vector<Scalar> m_params;
  bool m_uses_values = false;
};

}  // namespace

SqlWhere compile_where(const Query& query, SqlDialect dialect, int first_param) {
  Compiler c(dialect, first_param);
  c.node(query.root);
  return c.take();
}

}  // namespace cairn::catalog
