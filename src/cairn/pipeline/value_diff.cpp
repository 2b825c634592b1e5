#include "cairn/pipeline/value_diff.h"

#include <algorithm>
#include <map>
#include <set>

#include "cairn/pipeline/params_file.h"
#include "cairn/pipeline/py_format.h"
#include "cairn/pipeline/py_value.h"

namespace cairn::pipeline {
namespace {

using yaml::Node;

// dvc.utils.diff.format_dict: lists inside mappings become their str().
Node format_value(const Node& n) {
  if (n.is_seq()) return Node::string(py::repr(n));
  if (!n.is_map()) return n;
  Node out = Node::map();
  for (const auto& [k, v] : n.entries()) out.set(k, format_value(v));
  return out;
}

bool falsy(const Node& n) {
  switch (n.kind()) {
    case Node::Kind::null:
      return true;
    case Node::Kind::boolean:
      return !n.as_bool();
    case Node::Kind::integer:
      return n.as_int() == 0;
    case Node::Kind::floating:
      return float_value(n) == 0.0;
    case Node::Kind::string:
      return n.as_string().empty();
    default:
      return n.size() == 0;
  }
}

std::optional<ValueChange> diff_values(const std::string& key, const Node& old_v, const Node& new_v,
                                       Unchanged unchanged) {
  if (unchanged == Unchanged::hide && py_equal(old_v, new_v)) return std::nullopt;
  return ValueChange{key, old_v, new_v, py::subtract(new_v, old_v)};
}

// One side of _diff_dicts: its flattened keys, or the value every key reads.
struct Side {
  std::map<std::string, Node> keys;
  Node missing;  // what an absent key reads (null, or "unable to parse")
};

Side side_of(const Node& data) {
  Side s;
  if (falsy(data)) return s;
  if (!data.is_map()) {
    s.missing = Node::string("unable to parse");
    return s;
  }
  for (const auto& [k, v] : flatten(data)) s.keys.emplace(k, *v);
  return s;
}

std::vector<ValueChange> diff_file(const Node& old_raw, const Node& new_raw, Unchanged unchanged) {
  std::vector<ValueChange> out;
  Node old_d = format_value(old_raw), new_d = format_value(new_raw);
  if (old_d.is_map() || new_d.is_map()) {
    Side o = side_of(old_d), n = side_of(new_d);
    std::set<std::string> keys;
    for (const auto& [k, v] : o.keys) keys.insert(k);
    for (const auto& [k, v] : n.keys) keys.insert(k);
    for (const auto& k : keys) {
      auto oi = o.keys.find(k);
      auto ni = n.keys.find(k);
      const Node& ov = oi == o.keys.end() ? o.missing : oi->second;
      const Node& nv = ni == n.keys.end() ? n.missing : ni->second;
      if (auto c = diff_values(k, ov, nv, unchanged)) out.push_back(std::move(*c));
    }
    return out;
  }
  if (auto c = diff_values("", old_d, new_d, unchanged)) out.push_back(std::move(*c));
  return out;
}

const Node* data_of(const RevData& rev, const std::string& path) {
  for (const auto& f : rev.files)
    if (f.path == path) return f.data ? &*f.data : nullptr;
  return nullptr;
}

}  // namespace

std::vector<FileDiff> diff_revisions(const RevData& old_rev, const RevData& new_rev, Unchanged unchanged) {
  std::set<std::string> paths;
  for (const auto* rev : {&old_rev, &new_rev})
    for (const auto& f : rev->files) paths.insert(f.path);
  std::vector<FileDiff> out;
  const Node empty = Node::map();
  for (const auto& p : paths) {
    const Node* o = data_of(old_rev, p);
    const Node* n = data_of(new_rev, p);
    auto changes = diff_file(o ? *o : empty, n ? *n : empty, unchanged);
    if (!changes.empty()) out.push_back({p, std::move(changes)});
  }
  return out;
}

}  // namespace cairn::pipeline
