#include "cairn/catalog/record_index.h"

namespace cairn::catalog {
namespace {

void flatten(const nlohmann::json& j, const std::string& path, std::vector<IndexedValue>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, path + "." + k, out);
  } else if (j.is_array()) {
    for (const auto& e : j) flatten(e, path, out);
  } else if (j.is_string()) {
    out.push_back({path, j.get<std::string>()});
  } else if (j.is_boolean()) {
    out.push_back({path, j.get<bool>()});
  } else if (j.is_number_integer()) {
    out.push_back({path, j.get<std::int64_t>()});
  } else if (j.is_number_float()) {
    out.push_back({path, j.get<double>()});
  }
}

}  // namespace

std::vector<IndexedValue> index_values(const ArtifactRecord& r, ArgvRows argv) {
  std::vector<IndexedValue> out;
  for (const auto& id : r.based_on) out.push_back({"based_on", id});
  for (const auto& [rel, _] : r.files) out.push_back({"file_relpaths", rel});
  if (argv == ArgvRows::include)
    for (const auto& a : r.argv) out.push_back({"argv", a});
  flatten(r.labels.infos, "labels.infos", out);
  for (const auto& [k, v] : r.environment.python_packages)
    out.push_back({"environment.python_packages." + k, v});
  return out;
}

}  // namespace cairn::catalog
