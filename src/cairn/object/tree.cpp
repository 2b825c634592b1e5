#include "cairn/object/tree.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "cairn/util/md5.h"
#include "cairn/util/path.h"
#include "cairn/util/py_json.h"

namespace cairn::object {

Tree::Tree(std::vector<TreeEntry> entries) : m_entries(std::move(entries)) {
  // std::string comparison is bytewise unsigned, which for UTF-8 equals code-point order.
  std::sort(m_entries.begin(), m_entries.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.relpath < b.relpath; });
}

std::string Tree::serialize() const {
  std::string out = "[";
  out.reserve(m_entries.size() * 72 + 2);
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    if (i) out += ", ";
    out += "{\"md5\": \"";
    out += m_entries[i].md5;
    out += "\", \"relpath\": ";
    out += pyjson::quote_string(m_entries[i].relpath);
    out += "}";
  }
  out += "]";
  return out;
}

ObjectId Tree::id(HashName name) const { return ObjectId{md5_hex(serialize()) + ".dir", name}; }

Expected<Tree> Tree::parse(std::string_view bytes, std::string_view origin) {
  auto fail = [&](const std::string& why) {
    return make_error(ErrorCode::corrupt, "manifest " + std::string(origin) + ": " + why);
  };
  nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail("not valid JSON");
  if (!doc.is_array()) return fail("expected a JSON array");
  std::vector<TreeEntry> entries;
  entries.reserve(doc.size());
  std::unordered_set<std::string> seen;
  seen.reserve(doc.size());
  for (const auto& item : doc) {
    if (!item.is_object()) return fail("entry is not an object");
    auto rp = item.find("relpath");
    if (rp == item.end() || !rp->is_string()) return fail("entry without a relpath");
    // Legacy/cloud entries may carry other hash keys; md5 is required for local use.
    auto md = item.find("md5");
    if (md == item.end() || !md->is_string()) return fail("entry without an md5");
    std::string relpath = rp->get<std::string>();
    std::string md5 = md->get<std::string>();
    if (!path::is_safe_relpath(relpath)) return fail("unsafe relpath '" + relpath + "'");
    if (!is_md5_hex(md5)) return fail("bad md5 '" + md5 + "' for " + relpath);
    if (!seen.insert(relpath).second) return fail("duplicate relpath '" + relpath + "'");
    entries.push_back(TreeEntry{std::move(relpath), std::move(md5), 0, false});
  }
  // A file path must not also be a directory prefix of another entry ("a" and "a/b").
  Tree tree(std::move(entries));
  const auto& es = tree.m_entries;
  for (std::size_t i = 0; i + 1 < es.size(); ++i) {
    const auto& a = es[i].relpath;
    for (std::size_t j = i + 1; j < es.size(); ++j) {
      const auto& b = es[j].relpath;
      if (b.size() <= a.size() || b.compare(0, a.size(), a) != 0) break;
      if (b[a.size()] == '/') return fail("relpath '" + a + "' is both a file and a directory");
    }
  }
  return tree;
}

}  // namespace cairn::object
