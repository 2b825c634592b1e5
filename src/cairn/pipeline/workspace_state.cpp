#include "cairn/pipeline/workspace_state.h"

#include "cairn/pipeline/params_file.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

using yaml::Node;

Expected<const repo::OutputState*> WorkspaceState::item(const std::string& repo_rel, HashMode mode,
                                                        repo::Insert insert) {
  auto key = std::make_pair(repo_rel, static_cast<int>(mode) * 2 + (insert == repo::Insert::yes ? 1 : 0));
  auto it = m_items.find(key);
  if (it != m_items.end()) return it->second.get();
  std::string abs = path::normalize(path::join(m_repo.root(), repo_rel));
  ASSIGN_OR_RETURN(auto st, repo::compute_output_state(m_repo, abs, mode, insert, m_jobs,
                                                       repo::FileHashes::not_needed));
  auto owned = std::make_unique<repo::OutputState>(std::move(st));
  owned->files.clear();
  const repo::OutputState* p = owned.get();
  m_items.emplace(key, std::move(owned));
  return p;
}

Expected<const std::optional<Node>*> WorkspaceState::params(const std::string& repo_rel) {
  auto it = m_params.find(repo_rel);
  if (it != m_params.end()) return &it->second;
  std::string abs = path::normalize(path::join(m_repo.root(), repo_rel));
  std::optional<Node> value;
  ASSIGN_OR_RETURN(auto st, m_repo.env()->stat(abs, env::Follow::yes));
  if (st && st->type != env::FileType::directory) {
    auto loaded = load_params_file(m_repo.env(), abs);
    if (!loaded) return std::unexpected(loaded.error());
    value = std::move(*loaded);
  }
  auto [pos, _] = m_params.emplace(repo_rel, std::move(value));
  return &pos->second;
}

Node WorkspaceState::values(const ParamsDep& dep, const Node& file) {
  Node out = Node::map();
  if (dep.whole_file()) {
    if (file.is_map())
      for (const auto& [k, v] : file.entries()) out.set(k, v);
    return out;
  }
  for (const auto& key : dep.keys)
    if (const Node* v = lookup_dotted(file, key)) out.set(key, *v);
  return out;
}

}  // namespace cairn::pipeline
