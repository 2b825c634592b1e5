#include "cairn/repo/cloud_remotes.h"

#include <algorithm>
#include <charconv>

#include "cairn/remote/registry.h"
#include "cairn/repo/remote_config.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {

std::size_t default_transfer_jobs() { return std::min<std::size_t>(4 * default_jobs(), k_max_default_jobs); }

CloudRemotes::CloudRemotes(Repository& repo, std::size_t jobs, std::string command)
    : m_repo(repo), m_jobs(jobs), m_command(std::move(command)) {}

bool CloudRemotes::has_default() const {
  auto def = m_repo.config().get("core", "remote");
  return def && !def->empty();
}

void CloudRemotes::preset(const std::string& name, std::unique_ptr<remote::Remote> remote, MissingRoot missing_root) {
  auto r = std::make_unique<CloudRemote>();
  r->name = remote_name_key(name);
  r->display_url = remote->display_url();
  r->remote = std::move(remote);
  r->missing_root = missing_root;
  r->jobs = m_jobs ? m_jobs : default_transfer_jobs();
  r->index = std::make_unique<RemoteIndex>(m_repo.env(), m_repo.cairn_state_dir(), r->display_url);
  r->index->load();
  m_by_name[r->name] = std::move(r);
}

Expected<CloudRemote*> CloudRemotes::get(const std::string& name) {
  std::string key = remote_name_key(name.empty() ? m_repo.config().get("core", "remote").value_or("") : name);
  if (auto it = m_by_name.find(key); !key.empty() && it != m_by_name.end()) return it->second.get();
  ASSIGN_OR_RETURN(ResolvedRemote resolved, resolve_remote(m_repo, name, m_command));
  if (auto it = m_by_name.find(resolved.name); it != m_by_name.end()) return it->second.get();

  for (const char* flag : {"version_aware", "worktree"}) {
    auto it = resolved.options.find(flag);
    if (it != resolved.options.end() && (it->second == "true" || it->second == "True"))
      return make_error(ErrorCode::invalid_input, "remote '" + resolved.name + "' is a cloud-versioned remote (" +
                                                      flag + " = true), which cairn does not support yet");
  }
  remote::RemoteSpec spec;
  spec.url = resolved.url;
  spec.options = resolved.options;
  spec.base_dir = m_repo.root();
  ASSIGN_OR_RETURN(auto opened, remote::open_remote(spec));

  auto r = std::make_unique<CloudRemote>();
  r->name = resolved.name;
  r->display_url = opened->display_url();
  r->remote = std::move(opened);
  std::string scheme = remote::url_scheme(resolved.url);
  r->missing_root = scheme == "file" || scheme == "mem" ? MissingRoot::empty : MissingRoot::error;
  r->jobs = m_jobs;
  if (r->jobs == 0) {
    if (auto it = resolved.options.find("jobs"); it != resolved.options.end()) {
      std::size_t v = 0;
      const auto& s = it->second;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc() && p == s.data() + s.size() && v > 0) r->jobs = v;
    }
  }
  if (r->jobs == 0) r->jobs = default_transfer_jobs();
  // The index location: where the objects are, not who asks (no credentials in it).
  std::string location = remote::redact_url(resolved.url);
  if (auto it = resolved.options.find("endpointurl"); it != resolved.options.end())
    location += " " + remote::redact_url(it->second);
  r->index = std::make_unique<RemoteIndex>(m_repo.env(), m_repo.cairn_state_dir(), location);
  r->index->load();
  CloudRemote* out = r.get();
  m_by_name.emplace(resolved.name, std::move(r));
  return out;
}

void CloudRemotes::save_indexes() {
  for (auto& [_, r] : m_by_name) (void)r->index->save();
}

}  // namespace cairn::repo
