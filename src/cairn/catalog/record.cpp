#include "cairn/catalog/record.h"

#include <openssl/rand.h>

#include <random>

#include "cairn/util/path.h"

namespace cairn::catalog {
namespace {

using nlohmann::json;

std::unexpected<Error> bad(std::string_view field, std::string_view what) {
  return make_error(ErrorCode::corrupt, "artifact record: field '" + std::string(field) + "' " + std::string(what));
}

Expected<std::string> get_string(const json& j, const char* key, bool required = true) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return bad(key, "is missing");
    return std::string();
  }
  if (!it->is_string()) return bad(key, "must be a string");
  return it->get<std::string>();
}

Expected<std::optional<std::string>> get_opt_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return bad(key, "must be a string or null");
  return std::optional<std::string>(it->get<std::string>());
}

Expected<std::vector<std::string>> get_string_list(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return bad(key, "must be a list of strings");
  for (const auto& e : *it) {
    if (!e.is_string()) return bad(key, "must be a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

}  // namespace

std::string new_artifact_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    std::random_device rd;
    for (auto& c : b) c = static_cast<unsigned char>(rd());
  }
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  static const char* kHex = "0123456789abcdef";
  std::string out = "artifact_";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xF]);
  }
  return out;
}

bool is_valid_artifact_id(std::string_view id) {
  constexpr std::string_view prefix = "artifact_";
  if (!id.starts_with(prefix)) return false;
  id.remove_prefix(prefix.size());
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

json record_to_json(const ArtifactRecord& r) {
  json files = json::object();
  for (const auto& [rel, f] : r.files) files[rel] = {{"md5", f.md5}, {"size", f.size}, {"url", f.url}};
  json labels = {{"datatype", opt(r.labels.datatype)},   {"ticket", opt(r.labels.ticket)},
                 {"project", opt(r.labels.project)},     {"dataset", opt(r.labels.dataset)},
                 {"description", opt(r.labels.description)}, {"infos", r.labels.infos}};
  json git = nullptr;
  if (r.git)
    git = {{"commit", r.git->commit}, {"branch", r.git->branch}, {"dirty", r.git->dirty == GitDirty::dirty}};
  json env = {{"python_packages", r.environment.python_packages},
              {"executable", r.environment.executable},
              {"executable_version", r.environment.executable_version}};
  return json{{"format_version", kRecordFormatVersion},
              {"artifact_id", r.artifact_id},
              {"name", opt(r.name)},
              {"version", r.version},
              {"files", files},
              {"labels", labels},
              {"username", r.username},
              {"hostname", r.hostname},
              {"argv", r.argv},
              {"creation_time", format_iso_time(r.creation_time)},
              {"run_id", r.run_id},
              {"based_on", r.based_on},
              {"git", git},
              {"environment", env}};
}

Expected<ArtifactRecord> record_from_json(const json& j) {
  if (!j.is_object()) return make_error(ErrorCode::corrupt, "artifact record: not a JSON object");
  auto fv = j.find("format_version");
  if (fv == j.end() || !fv->is_number_integer())
    return make_error(ErrorCode::corrupt, "artifact record: 'format_version' is missing or not an integer");
  if (fv->get<long long>() != kRecordFormatVersion)
    return make_error(ErrorCode::corrupt, "artifact record: unknown format_version " + fv->dump() +
                                              " (this cairn reads version " +
                                              std::to_string(kRecordFormatVersion) + "; upgrade cairn)");
  ArtifactRecord r;
  ASSIGN_OR_RETURN(r.artifact_id, get_string(j, "artifact_id"));
  if (!is_valid_artifact_id(r.artifact_id)) return bad("artifact_id", "is not artifact_<uuid4>");
  ASSIGN_OR_RETURN(r.name, get_opt_string(j, "name"));
  if (auto it = j.find("version"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) return bad("version", "must be an integer");
    r.version = it->get<std::int64_t>();
  }
  if (auto it = j.find("files"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return bad("files", "must be an object");
    for (const auto& [rel, f] : it->items()) {
      if (!path::is_safe_relpath(rel)) return bad("files", "has an unsafe relpath '" + rel + "'");
      if (!f.is_object()) return bad("files." + rel, "must be an object");
      ArtifactFile file;
      ASSIGN_OR_RETURN(file.md5, get_string(f, "md5"));
      auto size = f.find("size");
      if (size == f.end() || !size->is_number_unsigned()) return bad("files." + rel + ".size", "must be a size");
      file.size = size->get<std::uint64_t>();
      ASSIGN_OR_RETURN(file.url, get_string(f, "url", false));
      r.files.emplace(rel, std::move(file));
    }
  }
  if (auto it = j.find("labels"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return bad("labels", "must be an object");
    ASSIGN_OR_RETURN(r.labels.datatype, get_opt_string(*it, "datatype"));
    ASSIGN_OR_RETURN(r.labels.ticket, get_opt_string(*it, "ticket"));
    ASSIGN_OR_RETURN(r.labels.project, get_opt_string(*it, "project"));
    ASSIGN_OR_RETURN(r.labels.dataset, get_opt_string(*it, "dataset"));
    ASSIGN_OR_RETURN(r.labels.description, get_opt_string(*it, "description"));
    if (auto inf = it->find("infos"); inf != it->end() && !inf->is_null()) {
      if (!inf->is_object()) return bad("labels.infos", "must be an object");
      r.labels.infos = *inf;
    }
  }
  ASSIGN_OR_RETURN(r.username, get_string(j, "username"));
  ASSIGN_OR_RETURN(r.hostname, get_string(j, "hostname", false));
  ASSIGN_OR_RETURN(r.argv, get_string_list(j, "argv"));
  ASSIGN_OR_RETURN(auto ct, get_string(j, "creation_time"));
  auto t = parse_iso_time(ct);
  if (!t) return bad("creation_time", "is not an ISO-8601 time");
  r.creation_time = *t;
  ASSIGN_OR_RETURN(r.run_id, get_string(j, "run_id", false));
  ASSIGN_OR_RETURN(r.based_on, get_string_list(j, "based_on"));
  if (auto it = j.find("git"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return bad("git", "must be an object or null");
    GitInfo g;
    ASSIGN_OR_RETURN(g.commit, get_string(*it, "commit"));
    ASSIGN_OR_RETURN(g.branch, get_string(*it, "branch", false));
    auto d = it->find("dirty");
    if (d != it->end() && !d->is_null()) {
      if (!d->is_boolean()) return bad("git.dirty", "must be a boolean");
      g.dirty = d->get<bool>() ? GitDirty::dirty : GitDirty::clean;
    }
    r.git = std::move(g);
  }
  if (auto it = j.find("environment"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return bad("environment", "must be an object");
    if (auto p = it->find("python_packages"); p != it->end() && !p->is_null()) {
      if (!p->is_object()) return bad("environment.python_packages", "must be an object");
      for (const auto& [k, v] : p->items()) {
        if (!v.is_string()) return bad("environment.python_packages." + k, "must be a string");
        r.environment.python_packages[k] = v.get<std::string>();
      }
    }
    ASSIGN_OR_RETURN(r.environment.executable, get_string(*it, "executable", false));
    ASSIGN_OR_RETURN(r.environment.executable_version, get_string(*it, "executable_version", false));
  }
  return r;
}

Expected<ArtifactRecord> record_from_json_text(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error(ErrorCode::corrupt, "artifact record: malformed JSON");
  return record_from_json(j);
}

}  // namespace cairn::catalog
