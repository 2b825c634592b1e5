#include "cairn/pipeline/stage.h"

#include "cairn/util/path.h"

namespace cairn::pipeline {

std::string Stage::file_dir() const { return path::parent(file); }

std::string rel_from(const std::string& repo_rel, const std::string& cwd_rel) {
  // Both are relative to the same root: make them absolute under a fake root.
  std::string a = path::normalize("/r/" + repo_rel);
  std::string b = path::normalize("/r/" + cwd_rel);
  std::string rel = path::relative(a, b);
  return rel.empty() ? "." : rel;
}

std::string stage_address(const Stage& stage, const std::string& cwd_rel) {
  std::string rel = rel_from(stage.file, cwd_rel);
  if (stage.kind == StageKind::dvc_file) return rel;
  if (rel == "dvc.yaml") return stage.name;
  return rel + ":" + stage.name;
}

}  // namespace cairn::pipeline
