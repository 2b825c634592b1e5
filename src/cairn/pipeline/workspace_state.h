// WorkspaceState: the current content of stage deps, outs and params files, computed once per
// command (a path hashed for one stage is not walked again for the next) through the stat
// cache (repo/output_state.h).
//
// Contract:
//  - item() hashes a file or directory (DVC's md5 or, for legacy lock entries, md5-dos2unix);
//    a missing path gives `exists == false`, never an error. Thread-compatible (one command).
//  - params() loads a params file (YAML/JSON/TOML by extension, pipeline/params_file.h) and
//    returns nullopt when it does not exist; values() picks the recorded form of a ParamsDep:
//    its keys (dotted lookups; missing keys are simply absent) or, for a whole-file dep, every
//    top-level key — DVC's read_params(flatten=True).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cairn/pipeline/stage.h"
#include "cairn/repo/output_state.h"
#include "cairn/repo/repository.h"
#include "cairn/util/yaml_node.h"

namespace cairn::pipeline {

class WorkspaceState {
 public:
  WorkspaceState(repo::Repository& repo, std::size_t jobs) : m_repo(repo), m_jobs(jobs) {}

  repo::Repository& repo() { return m_repo; }

  // `repo_rel`: repository-relative path.
  Expected<const repo::OutputState*> item(const std::string& repo_rel, HashMode mode,
                                          repo::Insert insert = repo::Insert::no);

  // The parsed params file (nullopt when missing); errors name the file.
  Expected<const std::optional<yaml::Node>*> params(const std::string& repo_rel);

  // key -> value as DVC records a params dep (mapping node, keys in dep order).
  static yaml::Node values(const ParamsDep& dep, const yaml::Node& file);

 private:
  repo::Repository& m_repo;
  std::size_t m_jobs;
  std::map<std::pair<std::string, int>, std::unique_ptr<repo::OutputState>> m_items;
  std::map<std::string, std::optional<yaml::Node>> m_params;
};

}  // namespace cairn::pipeline
