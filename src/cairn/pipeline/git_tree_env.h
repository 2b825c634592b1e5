// GitTreeEnv: a read-only env::Env over the tree of one git commit, so that code written
// against Env (loading dvc.yaml, params and metrics files, .dvcignore rules) reads a revision
// exactly as it reads the workspace — DVC's brancher switching `repo.fs` to a GitFileSystem.
//
// Paths are the workspace's absolute paths: `<workdir>/a/b` names `a/b` in the commit's tree.
// The commit's file list is read once at open(); directories are the ones implied by it (git
// has no empty directories). stat() reports regular files (size 0, mode 0644; symlinks read
// as files holding their target) and directories (mode 0755); paths outside the tree do not
// exist. open_read() serves the blob. Every method that would write (open_write, rename,
// chmod, lock_file, ...) fails with ErrorCode::permission "read-only git revision"; now() is
// the real clock. Not thread-safe (GitRepo is not); one instance per revision being read.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cairn/env/env.h"
#include "cairn/repo/git_repo.h"

namespace cairn::pipeline {

class GitTreeEnv final : public env::Env {
 public:
  // `git` must outlive the result; `commit` is a resolved commit id (hex).
  static Expected<std::unique_ptr<GitTreeEnv>> open(repo::GitRepo* git, const std::string& commit);

  const std::string& commit() const { return m_commit; }

  Expected<std::optional<env::FileStat>> stat(const std::string& path, env::Follow follow) override;
  Expected<std::vector<env::DirEntry>> list_dir(const std::string& path) override;
  Expected<std::unique_ptr<env::ReadableFile>> open_read(const std::string& path) override;
  Expected<std::unique_ptr<env::WritableFile>> open_write(const std::string& path,
                                                          std::uint32_t mode) override;
  Expected<std::unique_ptr<env::WritableFile>> open_append(const std::string& path,
                                                           std::uint32_t mode) override;
  Expected<std::unique_ptr<env::WritableFile>> create_new(const std::string& path,
                                                          std::uint32_t mode) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove_file(const std::string& path) override;
  Status remove_dir(const std::string& path) override;
  Status make_dirs(const std::string& path, std::uint32_t mode) override;
  Status chmod(const std::string& path, std::uint32_t mode) override;
  Status hardlink(const std::string& from, const std::string& to) override;
  Status symlink(const std::string& target, const std::string& link) override;
  Status reflink(const std::string& from, const std::string& to) override;
  Expected<std::string> read_link(const std::string& path) override;
  Status sync_dir(const std::string& path) override;
  Expected<std::unique_ptr<env::FileLock>> lock_file(const std::string& path) override;
  std::chrono::system_clock::time_point now() override;
  Status set_mtime(const std::string& path, std::int64_t mtime_ns) override;
  Expected<std::unique_ptr<env::Process>> spawn(const env::SpawnOptions& options) override;
  Expected<bool> publish_new(const std::string& path, std::string_view data, std::uint32_t mode) override;

 private:
  GitTreeEnv() = default;
  // The git path of an absolute path ("" for the workdir itself); nullopt outside the tree.
  std::optional<std::string> git_path(const std::string& path) const;

  repo::GitRepo* m_git = nullptr;
  std::string m_commit;
  std::set<std::string> m_files;
  std::map<std::string, std::vector<env::DirEntry>> m_dirs;  // git dir path -> children
};

}  // namespace cairn::pipeline
