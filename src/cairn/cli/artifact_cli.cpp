// Shared pieces of the artifact commands (contract in artifact_cli.h).
#include "cairn/cli/artifact_cli.h"

#include <cstdio>

#include "cairn/cli/output.h"

namespace cairn::cli {

int artifact_error(const Error& error) {
  std::fprintf(stderr, "ERROR: %s\n", redact(error.message()).c_str());
  switch (error.code()) {
    case ErrorCode::invalid_input: return k_exit_usage;
    case ErrorCode::unavailable:
    case ErrorCode::timeout: return k_exit_unreachable;
    case ErrorCode::io: return k_exit_error;
    default: return k_exit_failure;
  }
}

std::unique_ptr<catalog::Artifacts> open_artifacts(CliContext& ctx) {
  auto settings = catalog::load_settings(catalog::SettingsContext{env::default_env(), ctx.cwd, {}});
  if (!settings) {
    ctx.exit_code = artifact_error(settings.error());
    return nullptr;
  }
  auto opened = catalog::Artifacts::open(*settings);
  if (!opened) {
    ctx.exit_code = artifact_error(opened.error());
    return nullptr;
  }
  return std::move(*opened);
}

nlohmann::ordered_json record_json(const catalog::ArtifactRecord& record) {
  return nlohmann::ordered_json::parse(catalog::record_to_json(record).dump());
}

TextTable records_table(const std::vector<catalog::ArtifactRecord>& records) {
  TextTable t;
  t.headers = {"ARTIFACT_ID", "NAME", "VERSION", "USER", "CREATED", "FILES"};
  for (const auto& r : records) {
    std::string files;
    for (const auto& [rel, f] : r.files) files += (files.empty() ? "" : ",") + rel;
    t.rows.push_back({r.artifact_id, r.name.value_or("-"), r.name ? std::to_string(r.version) : "-", r.username,
                      catalog::format_iso_time(r.creation_time), files});
  }
  return t;
}

std::string record_text(const catalog::ArtifactRecord& r) {
  std::string out = "artifact " + r.artifact_id + "\n";
  auto line = [&](const std::string& k, const std::string& v) { out += k + ": " + v + "\n"; };
  if (r.name) line("name", *r.name + "@" + std::to_string(r.version));
  line("user", r.username);
  if (!r.hostname.empty()) line("host", r.hostname);
  line("created", catalog::format_iso_time(r.creation_time));
  if (!r.run_id.empty()) line("run", r.run_id);
  if (r.git) line("git", r.git->commit + (r.git->branch.empty() ? "" : " (" + r.git->branch + ")") +
                             (r.git->dirty == catalog::GitDirty::dirty ? " dirty" : ""));
  for (const auto& [k, v] : {std::pair{"datatype", &r.labels.datatype}, {"ticket", &r.labels.ticket},
                             {"project", &r.labels.project}, {"dataset", &r.labels.dataset},
                             {"description", &r.labels.description}})
    if (*v) line(k, **v);
  if (!r.labels.infos.empty()) line("infos", r.labels.infos.dump());
  if (!r.based_on.empty()) {
    std::string b;
    for (const auto& id : r.based_on) b += (b.empty() ? "" : ", ") + id;
    line("based_on", b);
  }
  out += "files:\n";
  for (const auto& [rel, f] : r.files) out += "  " + rel + "  " + f.md5 + "  " + std::to_string(f.size) + "\n";
  return out;
}

}  // namespace cairn::cli
