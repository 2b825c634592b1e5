#include "cairn/repo/status.h"

#include "cairn/repo/add.h"
#include "cairn/repo/dvc_file.h"
#include "cairn/repo/output_state.h"
#include "cairn/util/path.h"

namespace cairn::repo {

Expected<StatusResult> status(Repository& repo, const std::vector<std::string>& targets, std::size_t jobs) {
  std::vector<std::string> files;
  if (targets.empty()) {
    ASSIGN_OR_RETURN(files, repo.collect_dvc_files());
  } else {
    for (const auto& t : targets) {
      ASSIGN_OR_RETURN(auto f, dvc_file_for_target(repo, t));
      files.push_back(f);
    }
  }
  StatusResult result;
  result.tracked_files = files.size();
  for (const auto& f : files) {
    ASSIGN_OR_RETURN(auto file, load_dvc_file(repo.env(), f, repo.rel_to_cwd(f)));
    FileStatus fs;
    fs.dvc_file = file.relpath;
    for (const auto& o : file.outs) {
      std::string abs = path::normalize(path::join(file.base_dir(), o.path));
      std::string shown = repo.rel_to_cwd(abs);
      if (o.has_hash() && o.cache) {
        ASSIGN_OR_RETURN(bool cached, output_in_cache(repo, o.id));
        if (!cached) {
          fs.changed_outs.push_back({shown, "not in cache"});
          continue;
        }
      }
      HashMode mode = o.has_hash() && o.id.name == object::HashName::md5_dos2unix ? HashMode::dos2unix : HashMode::md5;
      ASSIGN_OR_RETURN(auto st, compute_output_state(repo, abs, mode, Insert::no, jobs, FileHashes::not_needed));
      if (!st.exists) fs.changed_outs.push_back({shown, "deleted"});
      else if (o.has_hash() && st.id.value != o.id.value) fs.changed_outs.push_back({shown, "modified"});
      else if (!o.has_hash()) fs.changed_outs.push_back({shown, "modified"});
    }
    if (!fs.changed_outs.empty() || !fs.changed_deps.empty()) result.changed.push_back(std::move(fs));
  }
  return result;
}

}  // namespace cairn::repo
