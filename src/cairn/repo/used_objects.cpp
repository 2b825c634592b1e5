#include "cairn/repo/used_objects.h"

#include <algorithm>

#include "cairn/repo/add.h"
#include "cairn/repo/dvc_file.h"
#include "cairn/repo/import_url.h"
#include "cairn/util/path.h"

namespace cairn::repo {

namespace {

// The `.dvc` files in scope (all of them sorted, or the targets' in target order), once each.
Expected<std::vector<std::string>> dvc_files_of(Repository& repo, const std::vector<std::string>& targets) {
  if (targets.empty()) return repo.collect_dvc_files();
  std::vector<std::string> files;
  for (const auto& t : targets) {
    ASSIGN_OR_RETURN(auto f, dvc_file_for_target(repo, t));
    bool seen = false;
    for (const auto& g : files) seen = seen || g == f;
    if (!seen) files.push_back(f);
  }
  return files;
}

std::string scalar_field(const OutputEntry& o, std::string_view key) {
  const yaml::Node* v = o.extra.find(key);
  return v && v->is_scalar() && !v->is_null() ? v->scalar_text() : "";
}

bool push_disabled(const OutputEntry& o) {
  const yaml::Node* v = o.extra.find("push");
  return v && v->is_bool() && !v->as_bool();
}

}  // namespace

Expected<std::vector<UsedOutput>> collect_used_outputs(Repository& repo, const std::vector<std::string>& targets,
                                                       Purpose purpose, const std::string& cli_remote,
                                                       const OutputSource& extra) {
  std::vector<UsedOutput> found;
  std::vector<std::string> rest = targets;
  if (extra) {
    ASSIGN_OR_RETURN(auto sourced, extra(repo, targets));
    found = std::move(sourced.outputs);
    std::erase_if(rest, [&](const std::string& t) {
      return std::find(sourced.claimed_targets.begin(), sourced.claimed_targets.end(), t) !=
             sourced.claimed_targets.end();
    });
  }
  if (targets.empty() || !rest.empty()) {
    ASSIGN_OR_RETURN(auto files, dvc_files_of(repo, rest));
    for (const auto& f : files) {
      ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
      for (const auto& o : file.outs) {
        if (!o.cache || !o.has_hash()) continue;
        std::string abs = path::normalize(path::join(file.base_dir(), o.path));
        found.push_back({repo.rel_to_cwd(abs), scalar_field(o, "remote"), o.id, !push_disabled(o)});
      }
    }
  }
  std::vector<UsedOutput> used;
  for (auto& o : found) {
    if ((purpose == Purpose::push || purpose == Purpose::status) && !o.push) continue;
    if (purpose == Purpose::status && !o.remote.empty()) continue;
    if (!cli_remote.empty() && !o.remote.empty() && o.remote != cli_remote) continue;
    used.push_back(std::move(o));
  }
  return used;
}

Expected<std::vector<DvcFile>> collect_partial_imports(Repository& repo, const std::vector<std::string>& targets) {
  std::vector<std::string> files;
  if (targets.empty()) {
    ASSIGN_OR_RETURN(files, repo.collect_dvc_files());
  } else {
    for (const auto& t : targets) {
      auto f = dvc_file_for_target(repo, t);
      if (f && std::find(files.begin(), files.end(), *f) == files.end()) files.push_back(*f);
    }
  }
  std::vector<DvcFile> partial;
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    if (is_partial_import(file)) partial.push_back(std::move(file));
  }
  return partial;
}

}  // namespace cairn::repo
