#include "cairn/pipeline/stage_add.h"

#include <algorithm>
#include <map>
#include <set>

#include "cairn/pipeline/dvc_yaml.h"
#include "cairn/pipeline/graph.h"
#include "cairn/pipeline/index.h"
#include "cairn/pipeline/yaml_splice.h"
#include "cairn/repo/git_repo.h"
#include "cairn/repo/gitignore.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

using yaml::Node;

namespace {

constexpr std::string_view k_punctuation = "!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~";

std::string cwd_rel(repo::Repository& repo) {
  if (!path::is_within(repo.cwd(), repo.root())) return "";
  std::string r = path::relative(repo.cwd(), repo.root());
  return r == "." ? "" : r;
}

std::string repo_path(const std::string& root, const std::string& base, const std::string& def) {
  std::string abs = path::normalize(path::join(base.empty() ? root : root + "/" + base, def));
  std::string rel = path::relative(abs, root);
  return rel == "." ? "" : rel;
}

// DVC's parse_params: "-p" values grouped by file, in first-mention order.
Node params_node(const std::vector<std::string>& values) {
  std::vector<std::pair<std::string, std::vector<std::string>>> grouped;
  for (const auto& v : values) {
    auto colon = v.rfind(':');
    std::string file = colon == std::string::npos ? "" : v.substr(0, colon);
    std::string keys = colon == std::string::npos ? v : v.substr(colon + 1);
    if (file.empty()) file = "params.yaml";
    std::vector<std::string>* slot = nullptr;
    for (auto& [f, k] : grouped)
      if (f == file) slot = &k;
    if (!slot) {
      grouped.emplace_back(file, std::vector<std::string>{});
      slot = &grouped.back().second;
    }
    std::size_t start = 0;
    while (start <= keys.size()) {
      auto comma = keys.find(',', start);
      std::string k = keys.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!k.empty()) slot->push_back(k);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  Node list = Node::seq();
  for (const auto& [file, keys] : grouped) {
    Node m = Node::map();
    Node k = Node::seq();
    for (const auto& key : keys) k.push_back(Node::string(key));
    m.set(file, std::move(k));
    list.push_back(std::move(m));
  }
  return list;
}

Node out_flags(const StageOut& o) {
  Node flags = Node::map();
  for (const char* k : {"desc", "type", "labels", "meta"})
    if (const Node* v = o.annotations.find(k)) {
      bool empty = v->is_null() || ((v->is_seq() || v->is_map()) && v->size() == 0) || (v->is_string() && v->as_string().empty());
      if (!empty) flags.set(k, *v);
    }
  if (!o.cache) flags.set("cache", Node::boolean(false));
  if (o.persist) flags.set("persist", Node::boolean(true));
  for (const auto& [k, v] : o.plot_props.entries()) flags.set(k, v);
  if (o.remote) flags.set("remote", Node::string(*o.remote));
  if (!o.push) flags.set("push", Node::boolean(false));
  return flags;
}

Status check_dir(repo::Repository& repo, const std::string& abs, bool is_wdir) {
  std::string what = std::string(is_wdir ? "stage working dir" : "file path") + " '" + abs + "' ";
  ASSIGN_OR_RETURN(auto st, repo.env()->stat(abs, env::Follow::yes));
  if (!st) return make_error(ErrorCode::not_found, what + "does not exist");
  if (st->type != env::FileType::directory) return make_error(ErrorCode::invalid_input, what + "is not directory");
  if (!path::is_within(abs, repo.root())) return make_error(ErrorCode::invalid_input, what + "is outside of DVC repo");
  return ok();
}

}  // namespace

std::string join_command(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string w = words[i];
    if (words.size() >= 2) {
      if (w.empty()) w = "\"\"";
      else if (w.find(' ') != std::string::npos && w.find('"') == std::string::npos) w = "\"" + w + "\"";
    }
    out += (i ? " " : "") + w;
  }
  return out;
}

Node to_pipeline_entry(const Stage& s) {
  Node n = Node::map();
  if (s.desc && !s.desc->empty()) n.set("desc", Node::string(*s.desc));
  n.set("cmd", s.cmd);
  std::string dir = s.file_dir();
  if (s.wdir != dir) n.set("wdir", Node::string(rel_from(s.wdir, dir)));
  std::vector<std::string> deps;
  for (const auto& d : s.deps) deps.push_back(d.def_path);
  std::sort(deps.begin(), deps.end());
  if (!deps.empty()) {
    Node list = Node::seq();
    for (const auto& d : deps) list.push_back(Node::string(d));
    n.set("deps", std::move(list));
  }
  if (!s.params.empty()) {
    auto params = s.params;
    std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.def_path < b.def_path; });
    std::vector<Node> defaults, files;
    for (const auto& p : params) {
      std::vector<std::string> keys = p.keys;
      std::sort(keys.begin(), keys.end());
      if (!keys.empty() && p.def_path == "params.yaml") {
        for (const auto& k : keys) defaults.push_back(Node::string(k));
        continue;
      }
      Node m = Node::map();
      if (keys.empty()) {
        m.set(p.def_path, Node::null());
      } else {
        Node k = Node::seq();
        for (const auto& key : keys) k.push_back(Node::string(key));
        m.set(p.def_path, std::move(k));
      }
      files.push_back(std::move(m));
    }
    Node list = Node::seq();
    for (auto& d : defaults) list.push_back(std::move(d));
    for (auto& f : files) list.push_back(std::move(f));
    n.set("params", std::move(list));
  }
  std::vector<const StageOut*> sorted;
  for (const auto& o : s.outs) sorted.push_back(&o);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->def_path < b->def_path; });
  Node outs = Node::seq(), metrics = Node::seq(), plots = Node::seq();
  for (const StageOut* o : sorted) {
    Node flags = out_flags(*o);
    Node item;
    if (flags.size() == 0) {
      item = Node::string(o->def_path);
    } else {
      item = Node::map();
      item.set(o->def_path, std::move(flags));
    }
    (o->kind == OutKind::plot ? plots : o->kind == OutKind::metric ? metrics : outs).push_back(std::move(item));
  }
  if (outs.size()) n.set("outs", std::move(outs));
  if (metrics.size()) n.set("metrics", std::move(metrics));
  if (plots.size()) n.set("plots", std::move(plots));
  if (s.frozen) n.set("frozen", Node::boolean(true));
  if (s.always_changed) n.set("always_changed", Node::boolean(true));
  bool meta_empty = s.meta.is_null() || ((s.meta.is_map() || s.meta.is_seq()) && s.meta.size() == 0) ||
                    (s.meta.is_string() && s.meta.as_string().empty()) || (s.meta.is_bool() && !s.meta.as_bool());
  if (!meta_empty) n.set("meta", s.meta);
  return n;
}

Expected<StageAddResult> stage_add(repo::Repository& repo, const StageAddOptions& o) {
  std::string cmd = join_command(o.command);
  if (cmd.empty()) return make_error(ErrorCode::invalid_input, "command is not specified");
  if (o.name.empty()) return make_error(ErrorCode::invalid_input, "`-n|--name` is required");
  for (char c : o.name)
    if (k_punctuation.find(c) != std::string_view::npos)
      return make_error(ErrorCode::invalid_input, "Stage name cannot contain punctuation characters.");

  const std::string& root = repo.root();
  std::string yaml_abs = path::join(repo.cwd(), "dvc.yaml");
  std::string wdir_abs = path::absolute(o.wdir.value_or("."), repo.cwd());
  TRY_STATUS(check_dir(repo, wdir_abs, true));
  TRY_STATUS(check_dir(repo, repo.cwd(), false));

  Stage s;
  s.kind = StageKind::pipeline;
  s.name = o.name;
  s.file = path::relative(yaml_abs, root);
  std::string wrel = path::relative(wdir_abs, root);
  s.wdir = wrel == "." ? "" : wrel;
  s.cmd = Node::string(cmd);
  s.always_changed = o.always_changed;
  s.desc = o.desc;

  struct Group {
    const std::vector<std::string>* paths;
    bool cache, persist;
    OutKind kind;
  };
  const Group groups[] = {
      {&o.outs_persist, true, true, OutKind::out},   {&o.outs_persist_no_cache, false, true, OutKind::out},
      {&o.metrics, true, false, OutKind::metric},    {&o.metrics_no_cache, false, false, OutKind::metric},
      {&o.plots, true, false, OutKind::plot},        {&o.plots_no_cache, false, false, OutKind::plot},
      {&o.outs_no_cache, false, false, OutKind::out}, {&o.outs, true, false, OutKind::out},
  };
  for (const auto& g : groups)
    for (const auto& p : *g.paths) {
      StageOut out;
      out.def_path = p;
      out.path = repo_path(root, s.wdir, p);
      out.cache = g.cache;
      out.persist = g.persist;
      out.kind = g.kind;
      s.outs.push_back(std::move(out));
    }
  auto abs_of = [&](const std::string& repo_rel) { return path::normalize(path::join(root, repo_rel)); };
  std::vector<std::string> external;
  for (const auto& out : s.outs)
    if (out.cache && !path::is_within(abs_of(out.path), root)) external.push_back(abs_of(out.path));
  if (!external.empty()) {
    std::string list;
    for (std::size_t i = 0; i < external.size(); ++i) list += (i ? ", " : "") + external[i];
    return make_error(ErrorCode::invalid_input,
                      "Cached output(s) outside of DVC project: " + list +
                          ". See <https://dvc.org/doc/user-guide/pipelines/external-dependencies-and-outputs> for "
                          "more info.");
  }
  for (const auto& d : o.deps) s.deps.push_back({d, repo_path(root, s.wdir, d)});
  {
    Node def = Node::map();
    def.set("params", params_node(o.params));
    ASSIGN_OR_RETURN(Stage tmp, stage_from_definition(root, s.file, s.name, def));
    for (auto& p : tmp.params) p.path = repo_path(root, s.wdir, p.def_path);
    s.params = std::move(tmp.params);
  }
  std::vector<std::string> dep_paths, out_paths;
  for (const auto& d : s.deps) dep_paths.push_back(abs_of(d.path));
  for (const auto& p : s.params) dep_paths.push_back(abs_of(p.path));
  for (const auto& out : s.outs) out_paths.push_back(abs_of(out.path));
  for (const auto& d : dep_paths)
    if (std::find(out_paths.begin(), out_paths.end(), d) != out_paths.end())
      return make_error(ErrorCode::invalid_input, "'" + d + "' is specified as an output and as a dependency.");
  {
    std::map<std::string, int> counts;
    std::vector<std::string> order = dep_paths;
    order.insert(order.end(), out_paths.begin(), out_paths.end());
    for (const auto& p : order)
      if (++counts[p] > 1) return make_error(ErrorCode::invalid_input, "file '" + p + "' is specified more than once.");
  }

  // The repository's stages with this one added (or replacing its namesake).
  ASSIGN_OR_RETURN(Index index, collect_index(repo));
  const LockFile* own_lock = index.lock_for(s.file);
  bool file_loaded = own_lock != nullptr;
  ASSIGN_OR_RETURN(auto yaml_st, repo.env()->stat(yaml_abs, env::Follow::yes));
  if (yaml_st && !file_loaded) TRY_STATUS(add_pipeline_file(repo, index, yaml_abs));
  const Stage* old = nullptr;
  for (const auto& st : index.stages)
    if (st.kind == StageKind::pipeline && st.file == s.file && st.name == s.name) old = &st;
  std::string shown_yaml = repo.rel_to_cwd(yaml_abs);
  if (old && o.force == repo::Force::no)
    return make_error(ErrorCode::conflict,
                      "Stage '" + s.name + "' already exists in '" + shown_yaml + "'. Use '--force' to overwrite.");
  std::vector<const Stage*> all;
  bool replaced = false;
  for (const auto& st : index.stages) {
    if (&st == old) {
      all.push_back(&s);
      replaced = true;
    } else {
      all.push_back(&st);
    }
  }
  if (!replaced) all.push_back(&s);
  std::string cwd = cwd_rel(repo);
  auto graph = build_graph(all, cwd, &s);
  if (!graph) return std::unexpected(graph.error());

  // restore_fields: an overwritten stage keeps its desc, meta and output annotations.
  if (old) {
    s.desc = old->desc;
    s.meta = old->meta;
    for (auto& out : s.outs)
      for (const auto& prev : old->outs)
        if (prev.def_path == out.def_path) {
          out.annotations = prev.annotations;
          out.remote = prev.remote;
          out.push = prev.push;
        }
  }

  // Write dvc.yaml.
  Node entry = to_pipeline_entry(s);
  std::string text;
  Node doc;
  if (yaml_st) {
    ASSIGN_OR_RETURN(text, repo.env()->read_file(yaml_abs));
    ASSIGN_OR_RETURN(doc, yaml::parse(text, shown_yaml));
  }
  std::string out_text;
  if (!doc.is_map() || doc.entries().empty()) {
    Node fresh = Node::map();
    Node stages = Node::map();
    stages.set(s.name, entry);
    fresh.set("stages", std::move(stages));
    out_text = yaml::emit(fresh);
  } else {
    Node expected = doc;
    Node* stages = expected.find("stages");
    if (!stages || !stages->is_map()) stages = &expected.set("stages", Node::map());
    Node value = entry;
    if (Node* existing = stages->find(s.name)) {
      value = *existing;
      repo::apply_diff(entry, value);
    }
    stages->set(s.name, value);
    ASSIGN_OR_RETURN(out_text, splice_section_entry(text, doc, "stages", s.name, value, expected));
  }
  if (out_text != text) TRY_STATUS(repo.env()->write_file_atomic(yaml_abs, out_text));

  StageAddResult result;
  result.address = stage_address(s, cwd);
  result.dvc_yaml = shown_yaml;
  std::set<std::string> track{shown_yaml};
  for (const auto& out : s.outs) {
    if (!out.cache || !path::is_within(abs_of(out.path), root) || out.path.empty()) continue;
    ASSIGN_OR_RETURN(bool changed, repo::add_gitignore_entry(repo.env(), root, out.path));
    if (changed) track.insert(repo.rel_to_cwd(path::join(path::parent(abs_of(out.path)), ".gitignore")));
  }
  result.files_to_track.assign(track.begin(), track.end());
  auto autostage = repo.config().get_bool("core", "autostage");
  if (repo.scm() == repo::Scm::git && autostage && autostage->value_or(false)) {
    if (auto git = repo::GitRepo::open(root)) {
      std::vector<std::string> abs_paths;
      for (const auto& f : result.files_to_track) abs_paths.push_back(repo.abs(f));
      TRY_STATUS((*git)->add(abs_paths));
      result.files_to_track.clear();
    }
  }
  return result;
}

}  // namespace cairn::pipeline
