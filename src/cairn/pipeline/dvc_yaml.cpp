#include "cairn/pipeline/dvc_yaml.h"

#include <map>

#include "cairn/pipeline/params_file.h"
#include "cairn/pipeline/py_value.h"
#include "cairn/pipeline/schema.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

using yaml::Node;

namespace {

constexpr const char* k_default_params = "params.yaml";

std::string type_name(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::null: return "NoneType";
    case Node::Kind::boolean: return "bool";
    case Node::Kind::integer: return "int";
    case Node::Kind::floating: return "float";
    case Node::Kind::string: return "str";
    case Node::Kind::sequence: return "list";
    case Node::Kind::mapping: return "dict";
  }
  return "object";
}

bool truthy(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::null: return false;
    case Node::Kind::boolean: return n.as_bool();
    case Node::Kind::integer: return n.as_int() != 0;
    case Node::Kind::floating: return float_value(n) != 0.0;
    case Node::Kind::string: return !n.as_string().empty();
    default: return n.size() > 0;
  }
}

// Repository-relative normalized path of `def_path` written relative to `base` (repo-relative).
std::string repo_path(const std::string& root, const std::string& base, const std::string& def_path) {
  std::string dir = base.empty() ? root : root + "/" + base;
  std::string abs = path::normalize(path::join(dir, def_path));
  std::string rel = path::relative(abs, root);
  return rel == "." ? "" : rel;
}

// One dvc.yaml being resolved (DVC's DataResolver).
class Resolver {
 public:
  Resolver(const LoadOptions& options, PipelineFile& file) : m_opts(options), m_file(file) {
    std::string dir_abs = path::parent(file.path);
    m_wdir = path::relative(dir_abs, options.cwd);
    if (m_wdir == ".") m_wdir.clear();
    if (m_wdir.starts_with("/")) m_wdir = dir_abs;  // not below the cwd: keep it absolute
    m_relpath = path::normalize(path::join(m_wdir, "dvc.yaml"));
    m_loader = [this](const std::string& p) -> Expected<std::optional<Node>> {
      std::string abs = path::absolute(p, m_opts.cwd);
      ASSIGN_OR_RETURN(auto st, m_opts.env->stat(abs, env::Follow::yes));
      if (!st) return std::optional<Node>();
      if (st->type == env::FileType::directory)
        return make_error(ErrorCode::invalid_input, "'" + p + "' is a directory");
      ASSIGN_OR_RETURN(Node n, load_params_file(m_opts.env, abs));
      return std::optional<Node>(std::move(n));
    };
  }

  Status run() {
    const Node& doc = m_file.raw;
    const Node* vars = doc.find("vars");
    if (vars) {
      TRY_STATUS(no_interpolation(*vars, "vars"));
    }
    {
      std::string to_import = path::absolute(path::join(m_wdir, k_default_params), m_opts.cwd);
      ASSIGN_OR_RETURN(bool exists, m_opts.env->exists(to_import));
      if (exists) {
        auto r = m_ctx.merge_file(k_default_params, m_wdir, m_loader);
        if (!r) return fail("'vars'", r.error());
      }
      if (vars) {
        auto r = load_vars(m_ctx, *vars, m_wdir, "");
        if (!r) return fail("'vars'", r.error());
      }
    }
    if (const Node* stages = doc.find("stages")) {
      for (const auto& [name, definition] : stages->entries()) {
        if (definition.contains("matrix")) {
          m_file.group_names.push_back(name);
          TRY_STATUS(resolve_matrix(name, definition));
        } else if (definition.contains("foreach")) {
          m_file.group_names.push_back(name);
          TRY_STATUS(resolve_foreach(name, definition));
        } else {
          ASSIGN_OR_RETURN(Node resolved, resolve_entry(m_ctx, name, definition, false));
          TRY_STATUS(add_stage(name, resolved, nullptr, definition));
        }
      }
    }
    ASSIGN_OR_RETURN(m_file.params, resolve_top_strings("params"));
    ASSIGN_OR_RETURN(m_file.metrics, resolve_top_strings("metrics"));
    if (const Node* plots = doc.find("plots")) {
      Node out = Node::seq();
      for (std::size_t i = 0; i < plots->items().size(); ++i) {
        ASSIGN_OR_RETURN(Node r, resolve_top(plots->items()[i], "'plots." + std::to_string(i) + "'"));
        out.push_back(std::move(r));
      }
      m_file.plots = std::move(out);
    }
    return ok();
  }

 private:
  std::unexpected<Error> fail(const std::string& what, const ResolveIssue& issue) const {
    return make_error(ErrorCode::invalid_input, "failed to parse " + what + " in '" + m_relpath + "':" +
                                                    (issue.on_new_line() ? "\n" : " ") + issue.message);
  }

  Status no_interpolation(const Node& value, const std::string& where) const {
    bool found = false;
    std::function<void(const Node&)> walk = [&](const Node& n) {
      if (n.is_string() && is_interpolated(n.as_string())) found = true;
      for (const auto& item : n.items()) walk(item);
      for (const auto& [k, v] : n.entries()) {
        if (is_interpolated(k)) found = true;
        walk(v);
      }
    };
    walk(value);
    if (found)
      return make_error(ErrorCode::invalid_input,
                        "failed to parse '" + where + "' in '" + m_relpath + "': interpolating is not allowed");
    return ok();
  }

  Resolved<void> load_vars(Context& ctx, const Node& vars, const std::string& wdir, const std::string& stage_name) {
    std::size_t index = 0;
    for (const auto& item : vars.items()) {
      if (item.is_string()) {
        auto r = ctx.merge_file(item.as_string(), wdir, m_loader);
        if (!r) return r;
      } else {
        std::string source = stage_name + (stage_name.empty() ? "" : ".") + "vars[" + std::to_string(index) + "]";
        auto r = ctx.merge_inline(item, source);
        if (!r) return r;
      }
      ++index;
    }
    return {};
  }

  Status check_syntax(const Node& definition, const std::string& name) const {
    for (const auto& [key, value] : definition.entries()) {
      auto r = check_expressions(value);
      if (!r) return fail("'stages." + name + "." + key + "'", r.error());
    }
    return ok();
  }

  // DVC's EntryDefinition.resolve_stage.
  Expected<Node> resolve_entry(Context& base, const std::string& name, const Node& definition, bool skip_checks) {
    if (!skip_checks) TRY_STATUS(check_syntax(definition, name));
    std::string wdir = m_wdir;
    if (const Node* w = definition.find("wdir"); w && truthy(*w)) {
      auto r = base.resolve(*w, "", false, m_opts.parsing);
      if (!r) return fail("'stages." + name + ".wdir'", r.error());
      wdir = path::join(m_wdir, r->is_scalar() ? py_str(*r) : std::string());
    }
    Node def = definition;
    Node vars = Node::seq();
    if (const Node* v = def.find("vars")) {
      vars = *v;
      def.erase("vars");
    }
    TRY_STATUS(no_interpolation(vars, "stages." + name + ".vars"));
    Context local;
    Context* ctx = &base;
    if (!vars.items().empty()) {
      local = base;
      ctx = &local;
      auto r = load_vars(local, vars, wdir, name);
      if (!r) {
        if (r.error().kind == ResolveIssue::Kind::already_loaded) return fail("'stages." + name + ".vars'", r.error());
        return fail("stage '" + name + "'", r.error());
      }
    }
    Node resolved = Node::map();
    resolved.line = definition.line;
    for (const auto& [key, value] : def.entries()) {
      auto r = ctx->resolve(value, key, skip_checks, m_opts.parsing);
      if (!r) return fail("'stages." + name + "." + key + "'", r.error());
      resolved.set(key, std::move(*r));
    }
    return resolved;
  }

  Status add_stage(const std::string& name, const Node& resolved, const std::string* group, const Node& raw) {
    auto stage = stage_from_definition(m_opts.root, m_file.relpath, name, resolved);
    if (!stage) return std::unexpected(stage.error());
    if (group) stage->generated_from = *group;
    stage->parametrized = group != nullptr || !(raw == resolved);
    m_file.stages.push_back(std::move(*stage));
    return ok();
  }

  void warn_overwrite(const std::vector<std::string>& keys, const std::string& name) {
    std::vector<std::string> hits;
    for (const auto& k : keys)
      if (m_ctx.contains(k)) hits.push_back(k);
    if (hits.empty()) return;
    std::string joined;
    for (std::size_t i = 0; i < hits.size(); ++i) joined += (i ? " and " : "") + hits[i];
    m_file.warnings.push_back(joined + (hits.size() == 1 ? " is" : " are") +
                              " already specified, will be overwritten for stages generated from '" + name + "'");
  }

  Status resolve_iterations(const std::string& name, const Node& tmpl,
                            const std::vector<std::pair<std::string, std::vector<std::pair<std::string, Node>>>>& members,
                            const Node& raw) {
    bool checked = false;
    for (const auto& [key, values] : members) {
      if (!checked) {
        TRY_STATUS(check_syntax(tmpl, name));
        checked = true;
      }
      std::string generated = name + "@" + key;
      auto saved = m_ctx.set_temporarily(values);
      auto resolved = resolve_entry(m_ctx, generated, tmpl, true);
      m_ctx.restore(std::move(saved));
      if (!resolved) return std::unexpected(resolved.error());
      TRY_STATUS(add_stage(generated, *resolved, &name, raw));
    }
    return ok();
  }

  Status resolve_foreach(const std::string& name, const Node& definition) {
    const Node* data = definition.find("foreach");
    const Node* tmpl = definition.find("do");
    auto iterable = m_ctx.resolve(*data, "", false, m_opts.parsing);
    if (!iterable) return fail("'stages." + name + ".foreach'", iterable.error());
    if (!iterable->is_map() && !iterable->is_seq())
      return make_error(ErrorCode::invalid_input, "failed to resolve 'stages." + name + ".foreach' in '" + m_relpath +
                                                      "': expected list/dictionary, got " + type_name(*iterable));
    std::vector<std::string> inserted{"item"};
    if (iterable->is_map()) inserted.push_back("key");
    warn_overwrite(inserted, name);
    // Normalized members: key -> (item[, key]); a later duplicate key replaces the value but
    // keeps the first position, like a Python dict.
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, Node>>>> members;
    auto add = [&](const std::string& key, const Node& value, bool with_key) {
      std::vector<std::pair<std::string, Node>> values{{"item", value}};
      if (with_key) values.emplace_back("key", Node::string(key));
      for (auto& m : members)
        if (m.first == key) {
          m.second = values;
          return;
        }
      members.emplace_back(key, std::move(values));
    };
    if (iterable->is_map()) {
      for (const auto& [k, v] : iterable->entries()) add(k, v, true);
    } else {
      bool composite = false;
      for (const auto& item : iterable->items()) composite = composite || item.is_map() || item.is_seq();
      for (std::size_t i = 0; i < iterable->items().size(); ++i) {
        const Node& item = iterable->items()[i];
        add(composite ? std::to_string(i) : py_str(item), item, false);
      }
    }
    return resolve_iterations(name, *tmpl, members, definition);
  }

  Status resolve_matrix(const std::string& name, const Node& definition) {
    Node tmpl = definition;
    tmpl.erase("matrix");
    auto data = m_ctx.resolve(*definition.find("matrix"), "", false, m_opts.parsing);
    if (!data) return fail("'stages." + name + ".matrix'", data.error());
    warn_overwrite({"key", "item"}, name);
    // Each variable's values, in order (a mapping iterates its keys, a string its characters).
    std::vector<std::pair<std::string, std::vector<Node>>> axes;
    for (const auto& [var, values] : data->entries()) {
      std::vector<Node> list;
      if (values.is_seq()) list = values.items();
      else if (values.is_map())
        for (const auto& [k, v] : values.entries()) list.push_back(Node::string(k));
      else
        for (char c : py_str(values)) list.push_back(Node::string(std::string(1, c)));
      axes.emplace_back(var, std::move(list));
    }
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, Node>>>> members;
    std::vector<std::size_t> idx(axes.size(), 0);
    bool empty = axes.empty();
    for (const auto& a : axes) empty = empty || a.second.empty();
    while (!empty) {
      Node item = Node::map();
      std::string key;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const Node& v = axes[a].second[idx[a]];
        item.set(axes[a].first, v);
        std::string fragment = v.is_map() || v.is_seq() ? axes[a].first + std::to_string(idx[a]) : py_str(v);
        key += (a ? "-" : "") + fragment;
      }
      std::vector<std::pair<std::string, Node>> values{{"key", Node::string(key)}, {"item", item}};
      bool replaced = false;
      for (auto& m : members)
        if (m.first == key) {
          m.second = values;
          replaced = true;
        }
      if (!replaced) members.emplace_back(key, std::move(values));
      // Next combination (last axis fastest, like itertools.product).
      std::size_t a = axes.size();
      while (a > 0) {
        --a;
        if (++idx[a] < axes[a].second.size()) break;
        idx[a] = 0;
        if (a == 0) empty = true;
      }
    }
    return resolve_iterations(name, tmpl, members, definition);
  }

  Expected<Node> resolve_top(const Node& value, const std::string& where) {
    auto checked = check_expressions(value);
    if (!checked) return fail(where, checked.error());
    auto r = m_ctx.resolve(value, "", false, m_opts.parsing);
    if (!r) return fail(where, r.error());
    return *r;
  }

  Expected<std::vector<std::string>> resolve_top_strings(const std::string& section) {
    std::vector<std::string> out;
    const Node* list = m_file.raw.find(section);
    if (!list) return out;
    for (std::size_t i = 0; i < list->items().size(); ++i) {
      ASSIGN_OR_RETURN(Node r, resolve_top(list->items()[i], "'" + section + "." + std::to_string(i) + "'"));
      out.push_back(r.is_scalar() ? py_str(r) : std::string());
    }
    return out;
  }

  const LoadOptions& m_opts;
  PipelineFile& m_file;
  std::string m_wdir;     // dvc.yaml's directory relative to the cwd ("" = cwd)
  std::string m_relpath;  // dvc.yaml relative to the cwd (for messages)
  Context m_ctx;
  VarsLoader m_loader;
};

Status bad_definition(const std::string& file, const std::string& name, const std::string& why) {
  return make_error(ErrorCode::invalid_input, "'" + file + "': stage '" + name + "': " + why);
}

// DVC's _merge_data for outs/metrics/plots: path -> merged flags, first-mention order.
Expected<std::vector<std::pair<std::string, Node>>> merge_out_items(const Node& list, const std::string& file,
                                                                   const std::string& name) {
  std::vector<std::pair<std::string, Node>> merged;
  auto slot = [&](const std::string& p) -> Node& {
    for (auto& [k, v] : merged)
      if (k == p) return v;
    merged.emplace_back(p, Node::map());
    return merged.back().second;
  };
  for (const auto& item : list.items()) {
    if (item.is_map()) {
      for (const auto& [k, flags] : item.entries()) {
        if (!flags.is_map())
          return std::unexpected(
              bad_definition(file, name, "expected dict for '" + k + "', got: '" + type_name(flags) + "'").error());
        Node& into = slot(k);
        for (const auto& [fk, fv] : flags.entries()) into.set(fk, fv);
      }
    } else if (item.is_scalar() && !item.is_null()) {
      slot(py_str(item));
    } else {
      return std::unexpected(bad_definition(file, name, "'" + type_name(item) + "' not supported").error());
    }
  }
  return merged;
}

}  // namespace

const Stage* PipelineFile::find(std::string_view name) const {
  for (const auto& s : stages)
    if (s.name == name) return &s;
  return nullptr;
}

std::string lock_path_for(const std::string& dvc_yaml_path) {
  std::string p = dvc_yaml_path;
  auto dot = p.rfind('.');
  auto slash = p.rfind('/');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) p.erase(dot);
  return p + ".lock";
}

Expected<Stage> stage_from_definition(const std::string& root, const std::string& file, const std::string& name,
                                      const Node& d) {
  Stage s;
  s.kind = StageKind::pipeline;
  s.name = name;
  s.file = file;
  std::string dir = path::parent(file);
  s.wdir = dir;
  if (const Node* w = d.find("wdir"); w && truthy(*w)) s.wdir = repo_path(root, dir, w->is_scalar() ? py_str(*w) : "");
  if (const Node* c = d.find("cmd")) s.cmd = *c;
  if (const Node* deps = d.find("deps"); deps && deps->is_seq())
    for (const auto& dep : deps->items()) {
      std::string def = dep.is_scalar() ? py_str(dep) : std::string();
      s.deps.push_back({def, repo_path(root, s.wdir, def)});
    }
  if (const Node* params = d.find("params"); params && params->is_seq()) {
    // DVC's _merge_params.
    std::vector<std::string> wholly;
    for (const auto& item : params->items())
      if (item.is_map())
        for (const auto& [k, v] : item.entries())
          if (!truthy(v)) wholly.push_back(k);
    auto is_whole = [&](const std::string& f) { return std::find(wholly.begin(), wholly.end(), f) != wholly.end(); };
    std::vector<std::pair<std::string, std::vector<std::string>>> grouped;
    auto slot = [&](const std::string& f) -> std::vector<std::string>& {
      for (auto& [k, v] : grouped)
        if (k == f) return v;
      grouped.emplace_back(f, std::vector<std::string>{});
      return grouped.back().second;
    };
    for (const auto& item : params->items()) {
      if (item.is_map()) {
        for (const auto& [k, v] : item.entries()) {
          if (is_whole(k)) {
            slot(k).clear();
            continue;
          }
          if (!v.is_seq())
            return std::unexpected(bad_definition(file, name, "Expected list of params for custom params file '" + k +
                                                                  "', got '" + type_name(v) + "'.")
                                       .error());
          auto& keys = slot(k);
          for (const auto& key : v.items()) keys.push_back(key.is_scalar() ? py_str(key) : std::string());
        }
      } else if (item.is_scalar() && !item.is_null()) {
        if (!is_whole(k_default_params)) slot(k_default_params).push_back(py_str(item));
      } else {
        return std::unexpected(
            bad_definition(file, name, "Only list of str/dict is supported. Got: '" + type_name(item) + "'.").error());
      }
    }
    for (auto& [f, keys] : grouped) s.params.push_back({f, repo_path(root, s.wdir, f), std::move(keys)});
  }
  struct Section {
    const char* key;
    OutKind kind;
  };
  for (Section sec : {Section{"outs", OutKind::out}, Section{"metrics", OutKind::metric}, Section{"plots", OutKind::plot}}) {
    const Node* list = d.find(sec.key);
    if (!list || !list->is_seq()) continue;
    ASSIGN_OR_RETURN(auto merged, merge_out_items(*list, file, name));
    for (auto& [p, flags] : merged) {
      StageOut o;
      o.def_path = p;
      o.path = repo_path(root, s.wdir, p);
      o.kind = sec.kind;
      for (const auto& [k, v] : flags.entries()) {
        if (k == "cache") o.cache = truthy(v);
        else if (k == "persist") o.persist = truthy(v);
        else if (k == "push") o.push = truthy(v);
        else if (k == "remote") o.remote = v.is_scalar() ? py_str(v) : std::string();
        else if (k == "desc" || k == "type" || k == "labels" || k == "meta") o.annotations.set(k, v);
        else if (sec.kind == OutKind::plot) o.plot_props.set(k, v);
      }
      s.outs.push_back(std::move(o));
    }
  }
  if (const Node* f = d.find("frozen")) s.frozen = truthy(*f);
  if (const Node* a = d.find("always_changed")) s.always_changed = truthy(*a);
  if (const Node* desc = d.find("desc"); desc && desc->is_string()) s.desc = desc->as_string();
  if (const Node* meta = d.find("meta")) s.meta = *meta;
  return s;
}

Expected<PipelineFile> load_pipeline_file(const LoadOptions& options, const std::string& abs_path) {
  PipelineFile file;
  file.path = abs_path;
  file.relpath = path::relative(abs_path, options.root);
  std::string cwd_rel = path::relative(abs_path, options.cwd);
  if (!path::is_within(options.cwd, options.root)) cwd_rel = file.relpath;
  ASSIGN_OR_RETURN(file.text, options.env->read_file(abs_path));
  ASSIGN_OR_RETURN(file.raw, yaml::parse(file.text, cwd_rel));
  TRY_STATUS(validate_dvc_yaml(file.raw, dvc_shown_path(cwd_rel)));
  if (file.raw.is_null()) file.raw = Node::map();
  Resolver resolver(options, file);
  TRY_STATUS(resolver.run());
  return file;
}

}  // namespace cairn::pipeline
