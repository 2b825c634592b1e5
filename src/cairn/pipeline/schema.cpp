#include "cairn/pipeline/schema.h"

#include <functional>
#include <initializer_list>
#include <optional>
#include <vector>

namespace cairn::pipeline {

using yaml::Node;

namespace {

struct Violation {
  std::string message;
  std::vector<std::string> path;
  int line = 0;
};
using Check = std::optional<Violation>;

// Walks a document keeping the key path and the enclosing collections for line numbers.
class Walker {
 public:
  explicit Walker(const Node& doc) { m_chain.push_back(&doc); }

  Check fail(const std::string& message, const Node* at) const {
    Violation v{message, m_path, 0};
    if (at && (at->is_map() || at->is_seq())) v.line = at->line;
    for (auto it = m_chain.rbegin(); v.line == 0 && it != m_chain.rend(); ++it) v.line = (*it)->line;
    return v;
  }
  // Runs `f` with `key` appended to the path and `value` as the current collection.
  Check in(const std::string& key, const Node& value, const std::function<Check(const Node&)>& f) {
    m_path.push_back(key);
    bool coll = value.is_map() || value.is_seq();
    if (coll) m_chain.push_back(&value);
    Check c = f(value);
    if (coll) m_chain.pop_back();
    m_path.pop_back();
    return c;
  }
  // A missing required key: the path names it, the line is the enclosing mapping's.
  Check missing(const std::string& key) {
    m_path.push_back(key);
    Check c = fail("required key not provided", nullptr);
    m_path.pop_back();
    return c;
  }

 private:
  std::vector<std::string> m_path;
  std::vector<const Node*> m_chain;
};

using Validator = std::function<Check(Walker&, const Node&)>;

Validator any_value() {
  return [](Walker&, const Node&) -> Check { return std::nullopt; };
}
Validator str_value() {
  return [](Walker& w, const Node& n) -> Check {
    if (!n.is_string()) return w.fail("expected str", &n);
    return std::nullopt;
  };
}
Validator bool_value() {
  return [](Walker& w, const Node& n) -> Check {
    if (!n.is_bool()) return w.fail("expected bool", &n);
    return std::nullopt;
  };
}
Validator int_value() {
  return [](Walker& w, const Node& n) -> Check {
    if (!n.is_int()) return w.fail("expected int", &n);
    return std::nullopt;
  };
}
Validator dict_value() {
  return [](Walker& w, const Node& n) -> Check {
    if (!n.is_map()) return w.fail("expected a dictionary", &n);
    return std::nullopt;
  };
}
Validator str_or_list() {
  return [](Walker& w, const Node& n) -> Check {
    if (!n.is_string() && !n.is_seq()) return w.fail("expected str", &n);
    return std::nullopt;
  };
}

Validator list_of(Validator item) {
  return [item](Walker& w, const Node& n) -> Check {
    if (!n.is_seq()) return w.fail("expected a list", &n);
    for (std::size_t i = 0; i < n.items().size(); ++i) {
      Check c = w.in(std::to_string(i), n.items()[i], [&](const Node& v) { return item(w, v); });
      if (c) return c;
    }
    return std::nullopt;
  };
}

struct Field {
  std::string key;
  Validator check;
  bool required = false;
};

// A mapping with known keys; extra keys are not allowed.
Validator dict_of(std::vector<Field> fields) {
  return [fields](Walker& w, const Node& n) -> Check {
    if (!n.is_map()) return w.fail("expected a dictionary", &n);
    for (const auto& [key, value] : n.entries()) {
      const Field* f = nullptr;
      for (const auto& candidate : fields)
        if (candidate.key == key) f = &candidate;
      Check c = w.in(key, value, [&](const Node& v) -> Check {
        if (!f) return w.fail("extra keys not allowed", &v);
        return f->check(w, v);
      });
      if (c) return c;
    }
    for (const auto& f : fields)
      if (f.required && !n.contains(f.key)) return w.missing(f.key);
    return std::nullopt;
  };
}

// {str: value}
Validator map_of(Validator value) {
  return [value](Walker& w, const Node& n) -> Check {
    if (!n.is_map()) return w.fail("expected a dictionary", &n);
    for (const auto& [key, v] : n.entries()) {
      Check c = w.in(key, v, [&](const Node& x) { return value(w, x); });
      if (c) return c;
    }
    return std::nullopt;
  };
}

// vol.Any(str, <mapping schema>): a mapping is checked against the schema, anything else
// must be a string.
Validator str_or(Validator mapping) {
  return [mapping](Walker& w, const Node& n) -> Check {
    if (n.is_string()) return std::nullopt;
    if (n.is_map()) return mapping(w, n);
    return w.fail("expected str", &n);
  };
}

std::vector<Field> out_flag_fields() {
  return {{"desc", str_value()},      {"type", str_value()},    {"labels", list_of(str_value())},
          {"meta", any_value()},      {"cache", bool_value()},  {"persist", bool_value()},
          {"checkpoint", bool_value()}, {"remote", str_value()}, {"push", bool_value()}};
}

std::vector<Field> plot_prop_fields() {
  auto f = out_flag_fields();
  for (const char* k : {"template", "x", "y", "x_label", "y_label", "title"}) f.push_back({k, str_value()});
  f.push_back({"header", bool_value()});
  return f;
}

Validator stage_definition() {
  Validator out_item = str_or(map_of(dict_of(out_flag_fields())));
  Validator plot_props = dict_of(plot_prop_fields());
  Validator plot_value = [plot_props](Walker& w, const Node& n) -> Check {
    if (n.is_seq()) return list_of(plot_props)(w, n);
    return plot_props(w, n);
  };
  Validator plot_item = str_or(map_of(plot_value));
  Validator str_or_dict = [](Walker& w, const Node& n) -> Check {
    if (!n.is_string() && !n.is_map()) return w.fail("expected str", &n);
    return std::nullopt;
  };
  return dict_of({
      {"matrix", map_of(str_or_list())},
      {"cmd", str_or_list(), true},
      {"wdir", str_value()},
      {"deps", list_of(str_value())},
      {"params", list_of(str_or_dict)},
      {"vars", list_of(str_or_dict)},
      {"frozen", bool_value()},
      {"meta", any_value()},
      {"desc", str_value()},
      {"always_changed", bool_value()},
      {"outs", list_of(out_item)},
      {"metrics", list_of(out_item)},
      {"plots", list_of(plot_item)},
  });
}

Validator pipeline_stage() {
  Validator definition = stage_definition();
  Validator foreach_in = dict_of({
      {"foreach",
       [](Walker& w, const Node& n) -> Check {
         if (!n.is_map() && !n.is_seq() && !n.is_string()) return w.fail("expected a dictionary", &n);
         return std::nullopt;
       },
       true},
      {"do", definition, true},
  });
  return [definition, foreach_in](Walker& w, const Node& n) -> Check {
    if (n.is_map() && (n.contains("foreach") || n.contains("do"))) return foreach_in(w, n);
    return definition(w, n);
  };
}

Validator dvc_yaml_schema() {
  Validator plot_definition = [](Walker& w, const Node& n) -> Check {
    if (n.is_null()) return std::nullopt;
    return dict_of({{"x", any_value()},
                    {"y", any_value()},
                    {"x_label", str_value()},
                    {"y_label", str_value()},
                    {"title", str_value()},
                    {"template", str_value()}})(w, n);
  };
  Validator artifact = dict_of({{"path", str_value(), true},
                                {"desc", str_value()},
                                {"type", str_value()},
                                {"labels", list_of(str_value())},
                                {"meta", any_value()}});
  Validator str_or_dict = [](Walker& w, const Node& n) -> Check {
    if (!n.is_string() && !n.is_map()) return w.fail("expected str", &n);
    return std::nullopt;
  };
  return dict_of({
      {"datasets", any_value()},
      {"plots", list_of(str_or(map_of(plot_definition)))},
      {"stages", map_of(pipeline_stage())},
      {"vars", list_of(str_or_dict)},
      {"params", list_of(str_value())},
      {"metrics", list_of(str_value())},
      {"artifacts", map_of(artifact)},
  });
}

Validator lock_schema() {
  Validator checksum = [](Walker& w, const Node& n) -> Check {
    if (!n.is_string() && !n.is_null()) return w.fail("expected str", &n);
    return std::nullopt;
  };
  std::vector<Field> data_fields = {
      {"md5", checksum},          {"etag", checksum},       {"checksum", checksum}, {"size", int_value()},
      {"nfiles", int_value()},    {"isexec", bool_value()}, {"version_id", str_value()},
      {"path", str_value(), true}, {"cloud", dict_value()}, {"files", list_of(dict_value())},
      {"hash", str_value()},      {"dataset", dict_value()},
  };
  Validator data = dict_of(data_fields);
  Validator stage = dict_of({
      {"cmd", str_or_list(), true},
      {"deps", list_of(data)},
      {"params", map_of(map_of(any_value()))},
      {"outs", list_of(data)},
  });
  Validator schema_version = [](Walker& w, const Node& n) -> Check {
    if (!n.is_string() || n.as_string() != "2.0") return w.fail("invalid schema version", &n);
    return std::nullopt;
  };
  return dict_of({
      {"schema", schema_version, true},
      {"datasets", any_value()},
      {"stages", map_of(stage)},
  });
}

Status report(const Check& c, const std::string& shown) {
  if (!c) return ok();
  std::string where;
  for (std::size_t i = 0; i < c->path.size(); ++i) where += (i ? " -> " : "") + c->path[i];
  std::string msg = "'" + shown + "' validation failed: " + c->message;
  if (!where.empty()) msg += ", in " + where;
  if (c->line > 0) msg += ", line " + std::to_string(c->line);
  return make_error(ErrorCode::invalid_input, msg);
}

}  // namespace

std::string dvc_shown_path(const std::string& cwd_relpath) {
  if (cwd_relpath.starts_with("/") || cwd_relpath.starts_with("..")) return cwd_relpath;
  return "./" + cwd_relpath;
}

Status validate_dvc_yaml(const Node& doc, const std::string& shown) {
  if (doc.is_null()) return ok();
  if (!doc.is_map()) return make_error(ErrorCode::invalid_input, "'" + shown + "' validation failed: expected a dictionary.");
  Walker w(doc);
  return report(dvc_yaml_schema()(w, doc), shown);
}

Status validate_dvc_lock(const Node& doc, const std::string& shown) {
  if (doc.is_null()) return ok();
  if (!doc.is_map()) return make_error(ErrorCode::invalid_input, "'" + shown + "' validation failed: expected a dictionary.");
  Walker w(doc);
  return report(lock_schema()(w, doc), shown);
}

}  // namespace cairn::pipeline
