// ArtifactRecord: the metadata of one artifact (a set of files + labels + provenance).
//
// Contract: a record is immutable once logged, identified by artifact_id ("artifact_<uuid4>").
// record_to_json writes format version kRecordFormatVersion (docs/format/artifact-record.md);
// record_from_json accepts only versions it knows and reports anything else as
// ErrorCode::corrupt naming the version — it never guesses. File relpaths are checked with
// path::is_safe_relpath on read. Everything but labels, name and based_on is captured
// automatically by the caller (the run/provenance layer); this file only models and serializes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/catalog/iso_time.h"
#include "cairn/util/error.h"

namespace cairn::catalog {

inline constexpr int kRecordFormatVersion = 1;

struct ArtifactFile {
  std::string md5;
  std::uint64_t size = 0;
  std::string url;  // where the object can be read (object store URL or local path)
  bool operator==(const ArtifactFile&) const = default;
};

struct Labels {
  std::optional<std::string> datatype, ticket, project, dataset, description;
  nlohmann::json infos = nlohmann::json::object();  // free-form, always an object
  bool operator==(const Labels&) const = default;
};

enum class GitDirty { clean, dirty };

struct GitInfo {
  std::string commit;
  std::string branch;  // empty when detached
  GitDirty dirty = GitDirty::clean;
  bool operator==(const GitInfo&) const = default;
};

struct Environment {
  std::map<std::string, std::string> python_packages;  // name -> version, from Python callers
  std::string executable;                              // otherwise: the program and its version
  std::string executable_version;
  bool operator==(const Environment&) const = default;
};

struct ArtifactRecord {
  std::string artifact_id;
  std::optional<std::string> name;
  std::int64_t version = 0;  // 0 = unversioned (no name) or "assign the next one" on put
  std::map<std::string, ArtifactFile> files;  // relpath -> file
  Labels labels;
  std::string username;
  std::string hostname;
  std::vector<std::string> argv;
  TimePoint creation_time{};
  std::string run_id;
  std::vector<std::string> based_on;
  std::optional<GitInfo> git;
  Environment environment;
  bool operator==(const ArtifactRecord&) const = default;
};

// "artifact_" + a random RFC 4122 version-4 UUID.
std::string new_artifact_id();
// True for "artifact_" + a lowercase canonical UUID.
bool is_valid_artifact_id(std::string_view id);

nlohmann::json record_to_json(const ArtifactRecord& record);
Expected<ArtifactRecord> record_from_json(const nlohmann::json& j);
Expected<ArtifactRecord> record_from_json_text(std::string_view text);

}  // namespace cairn::catalog
