// CloudRemotes: the remotes one transfer command talks to, each opened once. A name is
// resolved through the merged config (remote_config.h resolve_remote: "" means core.remote,
// else DVC's "no remote specified" error), opened with open_remote() (retry, limit and
// counting wrappers; remote/registry.h) and paired with its RemoteIndex.
//
// Jobs: the command's -j when given, else the remote's `jobs` option, else k_default_jobs
// (DVC's 4 x cpu_count, capped at k_max_default_jobs).
// Local folders and mem stores that do not exist yet are empty remotes (a push creates them,
// as DVC does); any other missing root (an S3 bucket) is an error. Cloud-versioned remotes
// (`version_aware` / `worktree`), whose layout mirrors the workspace, are refused
// (invalid_input) rather than written in the wrong layout.
// Not thread-safe: used by the command's main thread; the opened Remotes are thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "cairn/remote/remote.h"
#include "cairn/repo/remote_index.h"
#include "cairn/repo/remote_presence.h"
#include "cairn/repo/repository.h"

namespace cairn::repo {

constexpr std::size_t k_max_default_jobs = 64;

struct CloudRemote {
  std::string name;         // resolved, lower-cased
  std::string display_url;  // redacted
  std::unique_ptr<remote::Remote> remote;
  std::unique_ptr<RemoteIndex> index;
  std::size_t jobs = 1;
  MissingRoot missing_root = MissingRoot::error;

  PresenceOptions presence_options() const { return {jobs, missing_root}; }
};

class CloudRemotes {
 public:
  // `jobs`: the command's -j (0: not given). `command`: "push", "fetch", ... for DVC's hint in
  // the "no remote specified" error.
  CloudRemotes(Repository& repo, std::size_t jobs, std::string command);

  // The remote named `name` ("" = the default remote), opened on first use.
  Expected<CloudRemote*> get(const std::string& name);
  // Registers an already opened remote under `name` (tests and embedders: e.g. a mem://
  // store, which the DVC config schema does not accept); get(name) then returns it.
  void preset(const std::string& name, std::unique_ptr<remote::Remote> remote, MissingRoot missing_root);
  // True when core.remote is set.
  bool has_default() const;
  // Saves every index that changed (errors ignored: indexes are caches).
  void save_indexes();

 private:
  Repository& m_repo;
  std::size_t m_jobs;
  std::string m_command;
  std::map<std::string, std::unique_ptr<CloudRemote>> m_by_name;  // by resolved name
};

// 4 x the number of cores, at most k_max_default_jobs.
std::size_t default_transfer_jobs();

}  // namespace cairn::repo
