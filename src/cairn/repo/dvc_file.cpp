#include "cairn/repo/dvc_file.h"

#include "cairn/util/path.h"
#include "cairn/util/yaml_comments.h"

namespace cairn::repo {

using yaml::Node;

std::string DvcFile::base_dir() const {
  std::string dir = path::parent(path);
  if (wdir.empty() || wdir == ".") return dir;
  return path::normalize(path::join(dir, wdir));
}

Expected<DvcFile> load_dvc_file(env::Env* env, const std::string& abs_path, const std::string& relpath) {
  ASSIGN_OR_RETURN(std::string text, env->read_file(abs_path));
  ASSIGN_OR_RETURN(Node doc, yaml::parse(text, relpath));
  DvcFile f;
  f.path = abs_path;
  f.relpath = relpath;
  auto bad = [&](const std::string& why, int line) {
    return make_error(ErrorCode::invalid_input, relpath + ":" + std::to_string(line) + ": " + why);
  };
  if (doc.is_null()) return bad("empty .dvc file", 1);
  if (!doc.is_map()) return bad("expected a mapping at the top level", doc.line);
  for (const auto& [key, value] : doc.entries()) {
    if (key == "outs" || key == "deps") {
      if (!value.is_seq()) return bad("'" + key + "' must be a list", value.line);
      for (const auto& item : value.items()) {
        ASSIGN_OR_RETURN(auto entry, parse_output_entry(item, relpath));
        if (key == "outs" && !path::is_safe_relpath(path::normalize(entry.path)))
          return bad("output path '" + entry.path + "' must be relative and stay inside the directory of the .dvc file", item.line);
        (key == "outs" ? f.outs : f.deps).push_back(std::move(entry));
      }
    } else if (key == "frozen" || key == "locked") {
      if (!value.is_bool()) return bad("'" + key + "' must be a boolean", value.line);
      f.frozen = value.as_bool();
    } else if (key == "wdir") {
      if (!value.is_string()) return bad("'wdir' must be a string", value.line);
      f.wdir = value.as_string();
    } else if (key == "md5" || key == "cmd" || key == "desc" || key == "meta" || key == "always_changed") {
      // kept verbatim in `original`
    } else {
      return bad("extra key '" + key + "' not allowed", value.line);
    }
  }
  if (f.outs.empty() && f.deps.empty()) return bad("no 'outs' in .dvc file", doc.line);
  f.original = std::move(doc);
  return f;
}

void apply_diff(const Node& src, Node& dest) {
  auto same_kind = [](const Node& a, const Node& b) {
    if (a.is_map() && b.is_map()) return true;
    if (a.is_seq() && b.is_seq()) return true;
    return false;
  };
  if (src.is_map() && dest.is_map()) {
    for (const auto& [key, value] : src.entries()) {
      Node* d = dest.find(key);
      if (d && (value.is_map() || value.is_seq()) && same_kind(value, *d)) {
        apply_diff(value, *d);
      } else if (!d || !(value == *d)) {
        dest.set(key, value);
      }
    }
    std::vector<std::string> drop;
    for (const auto& [key, value] : dest.entries())
      if (!src.find(key)) drop.push_back(key);
    for (const auto& key : drop) dest.erase(key);
  } else if (src.is_seq() && dest.is_seq()) {
    if (src.size() != dest.size()) {
      dest = src;
      return;
    }
    for (std::size_t i = 0; i < src.size(); ++i) {
      const Node& v = src.items()[i];
      Node& d = dest.items()[i];
      if ((v.is_map() || v.is_seq()) && same_kind(v, d)) apply_diff(v, d);
      else if (!(v == d)) d = v;
    }
  } else {
    dest = src;
  }
}

namespace {

// DVC's stage dump leaves out false, empty and default values (`if value`; wdir "." is None).
bool truthy(std::string_view key, const Node& v) {
  if (v.is_null()) return false;
  if (v.is_bool()) return v.as_bool();
  if (v.is_string()) return !v.as_string().empty() && !(key == "wdir" && v.as_string() == ".");
  if (v.is_map() || v.is_seq()) return v.size() > 0;
  return true;
}

}  // namespace

Expected<Written> save_dvc_file(env::Env* env, const DvcFile& file) {
  Node fresh = Node::map();
  if (file.is_import() && file.original.is_map()) {
    // Imports keep their stage keys; only deps/outs are refreshed.
    for (const auto& [key, value] : file.original.entries())
      if (key != "deps" && key != "outs") fresh.set(key, value);
    Node deps = Node::seq();
    for (const auto& d : file.deps) deps.push_back(dump_output_entry(d));
    fresh.set("deps", deps);
  } else if (file.original.is_map()) {
    // The stage keys DVC keeps when it rewrites an added file (Stage.dumpd: desc, cmd, wdir,
    // frozen, always_changed, meta when set); the stage md5 is recomputed as none for data
    // sources, so it goes.
    for (const auto& [key, value] : file.original.entries())
      if ((key == "desc" || key == "cmd" || key == "wdir" || key == "frozen" || key == "locked" ||
           key == "always_changed" || key == "meta") &&
          truthy(key, value))
        fresh.set(key, value);
  }
  Node outs = Node::seq();
  for (const auto& o : file.outs) outs.push_back(dump_output_entry(o));
  fresh.set("outs", outs);
  Node doc = fresh;
  if (file.original.is_map()) {
    doc = file.original;
    apply_diff(fresh, doc);
  }
  std::string text = yaml::emit(doc);
  auto existing = env->read_file(file.path);
  // Comments and blank lines stay where they were, as DVC's round-trip YAML keeps them.
  if (existing && file.original.is_map()) text = yaml::carry_comments(*existing, yaml::emit(file.original), text);
  if (existing && *existing == text) return Written::no;
  TRY_STATUS(env->write_file_atomic(file.path, text, 0666));
  return Written::yes;
}

}  // namespace cairn::repo
