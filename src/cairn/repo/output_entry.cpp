#include "cairn/repo/output_entry.h"

namespace cairn::repo {

using yaml::Node;

Expected<OutputEntry> parse_output_entry(const Node& node, const std::string& where) {
  auto bad = [&](const std::string& why, const Node& at) {
    return make_error(ErrorCode::invalid_input, where + ":" + std::to_string(at.line ? at.line : node.line) + ": " + why);
  };
  OutputEntry e;
  if (node.is_string()) {  // a bare path (dvc.yaml style)
    e.path = node.as_string();
    return e;
  }
  if (!node.is_map()) return bad("an output must be a mapping with a 'path'", node);
  const Node* p = node.find("path");
  if (!p || !p->is_scalar() || p->is_null()) return bad("output without 'path'", node);
  e.path = p->scalar_text();
  const Node* hash = node.find("hash");
  if (hash) {
    if (!hash->is_string() || hash->as_string() != "md5")
      return bad("unsupported hash '" + hash->scalar_text() + "' (expected md5)", *hash);
  }
  e.legacy_no_hash_key = hash == nullptr;
  static const char* k_known[] = {"path", "hash", "md5", "size", "nfiles", "isexec", "cache", "desc", "type",
                                  "labels", "meta", "metric", "plot", "persist", "remote", "push", "etag",
                                  "checksum", "version_id", "cloud", "fs_config", "files"};
  for (const auto& [key, value] : node.entries()) {
    bool known = false;
    for (const char* k : k_known) known = known || key == k;
    if (!known) return bad("extra key '" + key + "' not allowed in an output", value);
  }
  for (const auto& [key, value] : node.entries()) {
    if (key == "path" || key == "hash") continue;
    if (key == "md5") {
      std::string v = value.scalar_text();
      if (!object::is_valid_object_id(v)) return bad("invalid md5 '" + v + "'", value);
      e.id = object::ObjectId{v, hash ? object::HashName::md5 : object::HashName::md5_dos2unix};
    } else if (key == "size") {
      if (!value.is_int() || value.as_int() < 0) return bad("'size' must be a non-negative integer", value);
      e.size = static_cast<std::uint64_t>(value.as_int());
    } else if (key == "nfiles") {
      if (!value.is_int() || value.as_int() < 0) return bad("'nfiles' must be a non-negative integer", value);
      e.nfiles = static_cast<std::uint64_t>(value.as_int());
    } else if (key == "isexec") {
      if (!value.is_bool()) return bad("'isexec' must be a boolean", value);
      e.isexec = value.as_bool();
    } else if (key == "cache") {
      if (!value.is_bool()) return bad("'cache' must be a boolean", value);
      e.cache = value.as_bool();
    } else if (key == "desc" || key == "type" || key == "labels" || key == "meta" || key == "metric" ||
               key == "plot" || key == "persist" || key == "remote" || key == "push" || key == "etag" ||
               key == "checksum" || key == "version_id" || key == "cloud" || key == "fs_config" ||
               key == "files") {
      e.extra.set(key, value);
    } else {
      return bad("extra key '" + key + "' not allowed in an output", value);
    }
  }
  return e;
}

Node dump_output_entry(const OutputEntry& e) {
  Node n = Node::map();
  if (e.has_hash()) {
    n.set("md5", Node::string(e.id.value));
    if (e.size) n.set("size", Node::integer(static_cast<std::int64_t>(*e.size)));
    if (e.nfiles) n.set("nfiles", Node::integer(static_cast<std::int64_t>(*e.nfiles)));
    if (e.isexec) n.set("isexec", Node::boolean(true));
  }
  if (e.id.name == object::HashName::md5 && !(e.legacy_no_hash_key && !e.has_hash()))
    n.set("hash", Node::string("md5"));
  n.set("path", Node::string(e.path));
  // Annotations and flags keep DVC's order.
  for (const char* key : {"desc", "type", "labels", "meta"})
    if (const Node* v = e.extra.find(key)) n.set(key, *v);
  if (!e.cache) n.set("cache", Node::boolean(false));
  for (const char* key : {"metric", "plot", "persist", "remote", "push", "etag", "checksum", "version_id",
                          "cloud", "fs_config", "files"})
    if (const Node* v = e.extra.find(key)) n.set(key, *v);
  return n;
}

}  // namespace cairn::repo
