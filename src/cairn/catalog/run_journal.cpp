// Runs and their reads journals (contract in artifacts.h): one line per artifact read,
// written with a single O_APPEND write so concurrent readers inside one run never interleave.
#include <algorithm>

#include "cairn/catalog/artifacts.h"
#include "cairn/util/path.h"

namespace cairn::catalog {

Expected<RunInfo> start_run(const ArtifactSettings& settings, std::optional<std::string> name, env::Env* env) {
  if (!env) env = env::default_env();
  RunInfo run;
  run.run_id = "run_" + new_artifact_id().substr(std::string_view("artifact_").size());
  run.name = std::move(name);
  const std::string dir = path::join(settings.state_dir, "runs");
  TRY_STATUS(env->make_dirs(dir));
  run.journal_path = path::join(dir, run.run_id + ".reads");
  ASSIGN_OR_RETURN(auto f, env->create_new(run.journal_path, 0644));
  TRY_STATUS(f->close());
  return run;
}

Status append_run_journal(const std::string& journal_path, std::string_view artifact_id, env::Env* env) {
  if (!env) env = env::default_env();
  if (!is_valid_artifact_id(artifact_id))
    return make_error(ErrorCode::invalid_input, "not an artifact id: " + std::string(artifact_id));
  ASSIGN_OR_RETURN(auto f, env->open_append(journal_path, 0644));
  TRY_STATUS(f->append(std::string(artifact_id) + "\n"));
  return f->close();
}

Expected<std::vector<std::string>> read_run_journal(const std::string& journal_path, env::Env* env) {
  if (!env) env = env::default_env();
  std::vector<std::string> ids;
  ASSIGN_OR_RETURN(bool present, env->exists(journal_path));
  if (!present) return ids;
  ASSIGN_OR_RETURN(std::string text, env->read_file(journal_path));
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line (writer killed mid-write) is ignored
    std::string id = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!is_valid_artifact_id(id)) continue;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace cairn::catalog
