// Bindings of the artifact engine (src/cairn/catalog/artifacts.h) as the class
// cairn._core.Artifacts; python/cairn/handler.py wraps it in cairn.Handler. Records cross the
// boundary as JSON text (docs/format/artifact-record.md), parsed by the Python side, so there
// is one serialization. Every engine call runs with the GIL released; failures raise the
// cairn.Error subclass of their error code.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "cairn/catalog/artifacts.h"
#include "cairn/catalog/catalog_url.h"
#include "cairn/catalog/record_text.h"

namespace cairn::python {

namespace {

using namespace cairn::catalog;

// Settings for a Python Handler: the process environment, with explicit arguments taking the
// place of the variables they stand for (so they beat the config files, like the variables).
Expected<ArtifactSettings> handler_settings(const std::string& cwd, const std::optional<std::string>& root,
                                            const std::optional<std::string>& catalog_url,
                                            const std::optional<std::string>& user) {
  SettingsContext ctx;
  ctx.cwd = cwd;
  auto process = process_env_lookup();
  ctx.getenv = [=](std::string_view name) -> std::optional<std::string> {
    if (name == "CAIRN_ARTIFACTS_ROOT" && root) return root;
    if (name == "CAIRN_CATALOG_URL" && catalog_url) return catalog_url;
    if (name == "CAIRN_USER" && user) return user;
    return process(name);
  };
  return load_settings(ctx);
}

Expected<Labels> labels_from_json(const std::string& text) {
  Labels labels;
  if (text.empty()) return labels;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(ErrorCode::invalid_input, "labels: not a JSON object");
  auto opt = [&](const char* key) -> std::optional<std::string> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  labels.datatype = opt("datatype");
  labels.ticket = opt("ticket");
  labels.project = opt("project");
  labels.dataset = opt("dataset");
  labels.description = opt("description");
  if (auto it = j.find("infos"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return make_error(ErrorCode::invalid_input, "labels.infos must be a mapping");
    labels.infos = *it;
  }
  return labels;
}

std::vector<std::string> records_text(const std::vector<ArtifactRecord>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(record_to_json_text(r));
  return out;
}

}  // namespace

void register_artifacts(py::module_& m) {
  py::class_<Artifacts>(m, "Artifacts", "The artifact engine (catalog/artifacts.h); use cairn.Handler.")
      .def_static(
          "open",
          [](const std::string& cwd, std::optional<std::string> root, std::optional<std::string> catalog_url,
             std::optional<std::string> user) {
            return unwrap(without_gil([&]() -> Expected<std::unique_ptr<Artifacts>> {
              ASSIGN_OR_RETURN(auto settings, handler_settings(cwd, root, catalog_url, user));
              return Artifacts::open(settings);
            }));
          },
          py::arg("cwd"), py::arg("root") = py::none(), py::arg("catalog") = py::none(), py::arg("user") = py::none())
      .def("settings",
           [](Artifacts& a) {
             const auto& s = a.settings();
             py::dict d;
             d["catalog_url"] = redact_catalog_url(s.catalog_url);
             d["root"] = s.artifacts_root_setting;
             d["root_url"] = s.root_url;
             d["local_cache_dir"] = s.local_cache_dir;
             d["state_dir"] = s.state_dir;
             d["repo_root"] = s.repo_root ? py::object(py::str(*s.repo_root)) : py::object(py::none());
             d["username"] = s.username;
             d["hostname"] = s.hostname;
             d["run_id"] = s.run_id;
             return d;
           })
      .def(
          "log",
          [](Artifacts& a, const std::vector<std::string>& paths,
             const std::vector<std::pair<std::string, std::string>>& files, std::optional<std::string> name,
             const std::string& labels_json, const std::vector<std::string>& based_on,
             std::optional<std::string> username, const std::map<std::string, std::string>& python_packages,
             const std::vector<std::string>& argv, const std::string& executable,
             const std::string& executable_version) {
            auto result = unwrap(without_gil([&]() -> Expected<LogResult> {
              std::vector<LogFile> all;
              if (!paths.empty()) {
                ASSIGN_OR_RETURN(all, expand_log_paths(a.settings(), paths));
              }
              for (const auto& [path, relpath] : files) all.push_back({path, relpath});
              LogOptions o;
              o.name = std::move(name);
              ASSIGN_OR_RETURN(o.labels, labels_from_json(labels_json));
              o.based_on = based_on;
              o.username = std::move(username);
              o.python_packages = python_packages;
              o.argv = argv;
              o.executable = executable;
              o.executable_version = executable_version;
              return a.log(all, o);
            }));
            return std::make_pair(record_to_json_text(result.record), result.queued);
          },
          py::arg("paths"), py::arg("files"), py::arg("name"), py::arg("labels_json"), py::arg("based_on"),
          py::arg("username"), py::arg("python_packages"), py::arg("argv"), py::arg("executable"),
          py::arg("executable_version"))
      .def(
          "resolve",
          [](Artifacts& a, const std::string& ref) {
            auto r = unwrap(without_gil([&] { return a.resolve(ref); }));
            return record_to_json_text(r);
          },
          py::arg("ref"))
      .def(
          "local_path",
          [](Artifacts& a, const std::string& ref, const std::string& relpath) {
            return unwrap(without_gil([&] { return a.local_path(ref, relpath); }));
          },
          py::arg("ref"), py::arg("relpath"))
      .def(
          "materialise",
          [](Artifacts& a, const std::string& ref, const std::string& dest) {
            return unwrap(without_gil([&] { return a.materialise(ref, dest); })).paths;
          },
          py::arg("ref"), py::arg("dest"))
      .def(
          "note_read", [](Artifacts& a, const std::string& id) { unwrap(without_gil([&] { return a.note_read(id); })); },
          py::arg("artifact_id"))
      .def(
          "find",
          [](Artifacts& a, const std::string& query_json, std::int64_t limit) {
            auto r = unwrap(without_gil([&] { return a.find(std::string_view(query_json), limit); }));
            return std::make_pair(r.total, records_text(r.records));
          },
          py::arg("query_json"), py::arg("limit"))
      .def(
          "lineage",
          [](Artifacts& a, const std::string& ref, const std::string& direction, int depth) {
            if (direction != "up" && direction != "down")
              throw EngineError(Error(ErrorCode::invalid_input, "direction must be 'up' or 'down'"));
            auto d = direction == "up" ? LineageDirection::up : LineageDirection::down;
            auto r = unwrap(without_gil([&] { return a.lineage(ref, d, depth); }));
            return lineage_to_json(r).dump();
          },
          py::arg("ref"), py::arg("direction") = "up", py::arg("depth") = 0)
      .def(
          "sync",
          [](Artifacts& a, bool full) {
            auto r = unwrap(without_gil([&] { return a.sync(full ? SyncMode::full : SyncMode::incremental); }));
            py::dict d;
            d["listed"] = r.listed;
            d["ingested"] = r.ingested;
            d["skipped"] = r.skipped;
            py::list errors;
            for (const auto& e : r.errors) errors.append(e.message());
            d["errors"] = errors;
            d["mode"] = r.mode == SyncMode::full ? "full" : "incremental";
            return d;
          },
          py::arg("full") = false);
}

}  // namespace cairn::python
