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
  auto less = [](const TreeEntry& a, const TreeEntry& b) { return a.relpath < b.relpath; };
  if (!std::is_sorted(m_entries.begin(), m_entries.end(), less)) std::sort(m_entries.begin(), m_entries.end(), less);
}

namespace {

// Fast path for manifests in exactly the form DVC writes
// ([{"md5": "<32 hex>", "relpath": "<ascii without escapes>"}, ...]); returns false on
// anything else so the general JSON parser decides.
bool parse_canonical(std::string_view b, std::vector<TreeEntry>& out) {
  std::size_t i = 0;
  auto lit = [&](std::string_view l) {
    if (b.substr(i, l.size()) != l) return false;
    i += l.size();
    return true;
  };
  if (!lit("[")) return false;
  if (lit("]")) return i == b.size();
  while (true) {
    if (!lit("{\"md5\": \"")) return false;
    if (i + 32 > b.size()) return false;
    std::string_view md5 = b.substr(i, 32);
    i += 32;
    if (!lit("\", \"relpath\": \"")) return false;
    std::size_t end = i;
    while (end < b.size() && b[end] != '"') {
      unsigned char c = static_cast<unsigned char>(b[end]);
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++end;
    }
    if (end >= b.size()) return false;
    out.push_back(TreeEntry{std::string(b.substr(i, end - i)), std::string(md5), 0, false});
    i = end + 1;
    if (!lit("}")) return false;
    if (lit("]")) return i == b.size();
    if (!lit(", ")) return false;
  }
}

}  // namespace

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
  std::vector<TreeEntry> entries;
  if (parse_canonical(bytes, entries)) {
    for (const auto& e : entries) {
      if (!path::is_safe_relpath(e.relpath)) return fail("unsafe relpath '" + e.relpath + "'");
      if (!is_md5_hex(e.md5)) return fail("bad md5 '" + e.md5 + "' for " + e.relpath);
    }
    return checked(std::move(entries), fail);
  }
  entries.clear();
  nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail("not valid JSON");
  if (!doc.is_array()) return fail("expected a JSON array");
  entries.reserve(doc.size());
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
    entries.push_back(TreeEntry{std::move(relpath), std::move(md5), 0, false});
  }
  return checked(std::move(entries), fail);
}

template <class Fail>
Expected<Tree> Tree::checked(std::vector<TreeEntry> entries, const Fail& fail) {
  Tree tree(std::move(entries));
  // After sorting, a duplicate is a neighbour; a path that is both a file and a directory
  // ("a" and "a/b") is followed by entries with its prefix.
  const auto& es = tree.m_entries;
  for (std::size_t i = 0; i + 1 < es.size(); ++i)
    if (es[i].relpath == es[i + 1].relpath) return fail("duplicate relpath '" + es[i].relpath + "'");
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
