#include "cairn/pipeline/targets.h"

#include <algorithm>

#include "cairn/util/path.h"

namespace cairn::pipeline {

namespace {

bool is_valid_filename(const std::string& p) { return p.ends_with(".dvc") || path::basename(p) == "dvc.yaml"; }

struct LoadResult {
  std::vector<std::size_t> stages;
  enum class Outcome { ok, no_file, no_stage } outcome = Outcome::ok;
};

// DVC's load_all(path, name): the stages of one file (relative to the cwd).
Expected<LoadResult> load_all(repo::Repository& repo, Index& index, const std::string& file, const std::string& name) {
  LoadResult r;
  std::string abs = path::absolute(file, repo.cwd());
  std::string rel = path::relative(abs, repo.root());
  ASSIGN_OR_RETURN(auto st, repo.env()->stat(abs, env::Follow::yes));
  if (!st || st->type != env::FileType::regular) {
    r.outcome = LoadResult::Outcome::no_file;
    return r;
  }
  auto in_file = [&] {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < index.stages.size(); ++i)
      if (index.stages[i].file == rel) out.push_back(i);
    return out;
  };
  auto found = in_file();
  bool loaded = !found.empty() || index.lock_for(rel) != nullptr;
  if (!loaded) {
    if (file.ends_with(".dvc")) {
      ASSIGN_OR_RETURN(auto f, repo::load_dvc_file(repo.env(), abs, repo.rel_to_cwd(abs)));
      index.stages.push_back(stage_from_dvc_file(repo.root(), std::make_shared<repo::DvcFile>(std::move(f))));
    } else {
      TRY_STATUS(add_pipeline_file(repo, index, abs));
    }
    found = in_file();
  }
  if (file.ends_with(".dvc") || name.empty()) {
    r.stages = found;
    return r;
  }
  const PipelineFile* pf = nullptr;
  for (const auto& f : index.files)
    if (f->relpath == rel) pf = f.get();
  bool group = pf && std::find(pf->group_names.begin(), pf->group_names.end(), name) != pf->group_names.end();
  for (auto i : found) {
    const Stage& s = index.stages[i];
    if (group ? (s.generated_from && *s.generated_from == name) : s.name == name) r.stages.push_back(i);
  }
  if (r.stages.empty()) r.outcome = LoadResult::Outcome::no_stage;
  return r;
}

}  // namespace

std::pair<std::string, std::string> parse_target(const std::string& target) {
  if (target.empty()) return {"", ""};
  auto at = target.find('@');
  std::string group = target.substr(0, at);
  std::string key = at == std::string::npos ? "" : target.substr(at + 1);
  std::string p = group, name;
  bool has_name = false;
  auto colon = group.rfind(':');
  if (colon != std::string::npos) {
    std::string rest = group.substr(colon + 1);
    if (rest.find('/') == std::string::npos && rest.find('\\') == std::string::npos) {
      p = group.substr(0, colon);
      name = rest;
      has_name = true;
    }
  }
  if (!name.empty() && at != std::string::npos) name += "@" + key;
  if (!p.empty()) {
    if (!has_name || name.empty()) {
      if (is_valid_filename(target)) return {target, ""};
      return {"", target};
    }
    return {p, name};
  }
  return {"dvc.yaml", name};
}

Expected<std::vector<TargetStage>> resolve_targets(repo::Repository& repo, Index& index,
                                                   const std::vector<std::string>& targets) {
  std::vector<TargetStage> out;
  for (const auto& target : targets) {
    auto [file, name] = parse_target(target);
    if (path::basename(file) == "dvc.lock") {
      std::string fixed = target;
      fixed.replace(fixed.find(".lock"), 5, ".yaml");
      return make_error(ErrorCode::invalid_input, "Did you mean: `" + fixed + "`?");
    }
    std::vector<std::size_t> stages;
    if (file.empty()) {
      ASSIGN_OR_RETURN(LoadResult r, load_all(repo, index, "dvc.yaml", target));
      stages = r.stages;
    } else if (is_valid_filename(file)) {
      ASSIGN_OR_RETURN(LoadResult r, load_all(repo, index, file, name));
      if (r.outcome == LoadResult::Outcome::no_file)
        return make_error(ErrorCode::not_found, "'" + path::absolute(file, repo.cwd()) + "' does not exist");
      if (r.outcome == LoadResult::Outcome::no_stage)
        return make_error(ErrorCode::not_found, "Stage '" + name + "' not found inside '" + file + "' file");
      stages = r.stages;
    }
    if (!stages.empty()) {
      for (auto s : stages) out.push_back({s, {}});
      continue;
    }
    // An output path (or a path inside an output directory).
    std::string abs = path::absolute(target, repo.cwd());
    while (abs.size() > 1 && abs.ends_with("/")) abs.pop_back();
    std::string rel = path::relative(abs, repo.root());
    std::vector<std::size_t> owners;
    for (std::size_t i = 0; i < index.stages.size(); ++i)
      for (const auto& o : index.stages[i].outs)
        if (path::is_within("/r/" + rel, "/r/" + o.path)) owners.push_back(i);
    if (owners.size() == 1) {
      out.push_back({owners.front(), OutFilter{rel}});
      continue;
    }
    // DVC's NoOutputOrStageError with its cause.
    std::string file_abs = file.empty() ? path::join(repo.cwd(), "dvc.yaml") : path::absolute(file, repo.cwd());
    std::string shown = file.empty() ? "dvc.yaml" : file_abs;
    ASSIGN_OR_RETURN(bool exists, repo.env()->exists(file_abs));
    std::string cause = exists ? "Stage '" + (file.empty() ? target : name) + "' not found inside '" +
                                     repo.rel_to_cwd(file_abs) + "' file"
                               : "'" + shown + "' does not exist";
    return make_error(ErrorCode::not_found,
                      "'" + target + "' does not exist as an output or a stage name in '" + shown + "': " + cause);
  }
  return out;
}

}  // namespace cairn::pipeline
