#include "cairn/pipeline/lock_file.h"

#include <algorithm>

#include "cairn/pipeline/schema.h"
#include "cairn/pipeline/yaml_splice.h"

namespace cairn::pipeline {

using yaml::Node;

const repo::OutputEntry* LockEntry::find_dep(std::string_view def_path) const {
  for (const auto& d : deps)
    if (d.path == def_path) return &d;
  return nullptr;
}

const repo::OutputEntry* LockEntry::find_out(std::string_view def_path) const {
  for (const auto& o : outs)
    if (o.path == def_path) return &o;
  return nullptr;
}

const Node* LockEntry::find_params(std::string_view file) const {
  for (const auto& [f, values] : params)
    if (f == file) return &values;
  return nullptr;
}

const LockEntry* LockFile::find(std::string_view name) const {
  for (const auto& [n, e] : stages)
    if (n == name) return &e;
  return nullptr;
}

Expected<LockEntry> parse_lock_entry(const Node& node, const std::string& where) {
  LockEntry e;
  if (const Node* cmd = node.find("cmd")) e.cmd = *cmd;
  for (const char* key : {"deps", "outs"}) {
    const Node* list = node.find(key);
    if (!list) continue;
    auto& into = std::string_view(key) == "deps" ? e.deps : e.outs;
    for (const auto& item : list->items()) {
      ASSIGN_OR_RETURN(auto entry, repo::parse_output_entry(item, where));
      into.push_back(std::move(entry));
    }
  }
  if (const Node* params = node.find("params"))
    for (const auto& [file, values] : params->entries()) e.params.emplace_back(file, values);
  return e;
}

Expected<LockFile> load_lock_file(env::Env* env, const std::string& abs_path, const std::string& shown) {
  LockFile lf;
  lf.path = abs_path;
  ASSIGN_OR_RETURN(auto st, env->stat(abs_path, env::Follow::yes));
  if (!st) return lf;
  lf.exists = true;
  ASSIGN_OR_RETURN(std::string text, env->read_file(abs_path));
  ASSIGN_OR_RETURN(Node doc, yaml::parse(text, shown));
  if (doc.is_null() || (doc.is_map() && doc.entries().empty())) return lf;
  TRY_STATUS(validate_dvc_lock(doc, dvc_shown_path(shown)));
  if (const Node* stages = doc.find("stages"))
    for (const auto& [name, entry] : stages->entries()) {
      ASSIGN_OR_RETURN(LockEntry e, parse_lock_entry(entry, shown));
      lf.stages.emplace_back(name, std::move(e));
    }
  return lf;
}

Node dump_lock_item(const repo::OutputEntry& item) {
  Node n = Node::map();
  n.set("path", Node::string(item.path));
  bool legacy = item.has_hash() ? item.id.name == object::HashName::md5_dos2unix : item.legacy_no_hash_key;
  if (!legacy) n.set("hash", Node::string("md5"));
  if (item.has_hash()) n.set("md5", Node::string(item.id.value));
  if (item.size) n.set("size", Node::integer(static_cast<std::int64_t>(*item.size)));
  if (item.nfiles) n.set("nfiles", Node::integer(static_cast<std::int64_t>(*item.nfiles)));
  if (item.isexec) n.set("isexec", Node::boolean(true));
  return n;
}

Node dump_lock_entry(const LockEntry& entry) {
  Node n = Node::map();
  n.set("cmd", entry.cmd);
  auto sorted_items = [](std::vector<repo::OutputEntry> items) {
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    Node list = Node::seq();
    for (const auto& i : items) list.push_back(dump_lock_item(i));
    return list;
  };
  if (!entry.deps.empty()) n.set("deps", sorted_items(entry.deps));
  if (!entry.params.empty()) {
    auto files = entry.params;
    std::stable_sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
      bool ad = a.first == "params.yaml", bd = b.first == "params.yaml";
      if (ad != bd) return ad;
      return a.first < b.first;
    });
    Node params = Node::map();
    for (const auto& [file, values] : files) {
      std::vector<std::pair<std::string, Node>> kv(values.entries().begin(), values.entries().end());
      std::stable_sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      Node m = Node::map();
      for (auto& [k, v] : kv) m.set(k, std::move(v));
      params.set(file, std::move(m));
    }
    n.set("params", std::move(params));
  }
  if (!entry.outs.empty()) n.set("outs", sorted_items(entry.outs));
  return n;
}

Expected<repo::Written> write_lock_entries(env::Env* env, const std::string& abs_path,
                                           const std::vector<std::pair<std::string, LockEntry>>& entries) {
  if (entries.empty()) return repo::Written::no;
  ASSIGN_OR_RETURN(auto st, env->stat(abs_path, env::Follow::yes));
  std::string text;
  if (st) {
    ASSIGN_OR_RETURN(text, env->read_file(abs_path));
  }
  Node doc;
  if (!text.empty()) {
    ASSIGN_OR_RETURN(doc, yaml::parse(text, abs_path));
  }
  std::string out;
  if (!doc.is_map() || doc.entries().empty()) {
    doc = Node::map();
    doc.set("schema", Node::string("2.0"));
    Node stages = Node::map();
    for (const auto& [name, e] : entries) stages.set(name, dump_lock_entry(e));
    doc.set("stages", std::move(stages));
    out = yaml::emit(doc);
  } else {
    out = text;
    for (const auto& [name, e] : entries) {
      Node value = dump_lock_entry(e);
      Node expected = doc;
      Node* stages = expected.find("stages");
      if (!stages || !stages->is_map()) stages = &expected.set("stages", Node::map());
      stages->set(name, value);
      ASSIGN_OR_RETURN(out, splice_section_entry(out, doc, "stages", name, value, expected));
      doc = std::move(expected);
    }
  }
  if (out == text) return repo::Written::no;
  TRY_STATUS(env->write_file_atomic(abs_path, out));
  return repo::Written::yes;
}

}  // namespace cairn::pipeline
