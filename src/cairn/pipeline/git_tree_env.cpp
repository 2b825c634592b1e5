#include "cairn/pipeline/git_tree_env.h"

#include <algorithm>
#include <cstring>

#include "cairn/util/path.h"

namespace cairn::pipeline {
namespace {

std::unexpected<Error> read_only(const std::string& path) {
  return make_error(ErrorCode::permission, path + ": read-only git revision");
}

class StringFile final : public env::ReadableFile {
 public:
  explicit StringFile(std::string data) : m_data(std::move(data)) {}
  Expected<std::size_t> read(char* buf, std::size_t n) override {
    std::size_t k = std::min(n, m_data.size() - m_pos);
    std::memcpy(buf, m_data.data() + m_pos, k);
    m_pos += k;
    return k;
  }

 private:
  std::string m_data;
  std::size_t m_pos = 0;
};

}  // namespace

Expected<std::unique_ptr<GitTreeEnv>> GitTreeEnv::open(repo::GitRepo* git, const std::string& commit) {
  std::unique_ptr<GitTreeEnv> env(new GitTreeEnv());
  env->m_git = git;
  env->m_commit = commit;
  ASSIGN_OR_RETURN(auto files, git->list_files(commit, ""));
  env->m_dirs[""];
  for (auto& f : files) {
    // Register every directory on the way down, each child once.
    std::string dir;
    std::size_t start = 0;
    for (;;) {
      auto slash = f.find('/', start);
      std::string name = f.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      bool is_dir = slash != std::string::npos;
      std::string child = dir.empty() ? name : dir + "/" + name;
      auto& children = env->m_dirs[dir];
      if (!is_dir || !env->m_dirs.count(child)) {
        children.push_back({name, is_dir ? env::FileType::directory : env::FileType::regular});
        if (is_dir) env->m_dirs[child];
      }
      if (!is_dir) break;
      dir = child;
      start = slash + 1;
    }
    env->m_files.insert(std::move(f));
  }
  return env;
}

std::optional<std::string> GitTreeEnv::git_path(const std::string& p) const {
  std::string norm = path::normalize(p);
  const std::string& wd = m_git->workdir();
  if (norm == wd) return std::string();
  if (!path::is_within(norm, wd)) return std::nullopt;
  return path::relative(norm, wd);
}

Expected<std::optional<env::FileStat>> GitTreeEnv::stat(const std::string& path, env::Follow) {
  auto gp = git_path(path);
  if (!gp) return std::optional<env::FileStat>{};
  env::FileStat st;
  if (m_dirs.count(*gp)) {
    st.type = env::FileType::directory;
    st.mode = 0755;
    return std::optional<env::FileStat>(st);
  }
  if (!m_files.count(*gp)) return std::optional<env::FileStat>{};
  st.type = env::FileType::regular;
  st.mode = 0644;
  st.nlink = 1;
  return std::optional<env::FileStat>(st);
}

Expected<std::vector<env::DirEntry>> GitTreeEnv::list_dir(const std::string& path) {
  auto gp = git_path(path);
  auto it = gp ? m_dirs.find(*gp) : m_dirs.end();
  if (it == m_dirs.end()) {
    if (gp && m_files.count(*gp)) return errno_error(ENOTDIR, path);
    return errno_error(ENOENT, path);
  }
  return it->second;
}

Expected<std::unique_ptr<env::ReadableFile>> GitTreeEnv::open_read(const std::string& path) {
  auto gp = git_path(path);
  if (gp && m_dirs.count(*gp)) return errno_error(EISDIR, path);
  if (!gp || !m_files.count(*gp)) return errno_error(ENOENT, path);
  ASSIGN_OR_RETURN(auto content, m_git->read_file(m_commit, *gp));
  if (!content) return errno_error(ENOENT, path);
  return std::unique_ptr<env::ReadableFile>(new StringFile(std::move(*content)));
}

Expected<std::unique_ptr<env::WritableFile>> GitTreeEnv::open_write(const std::string& path, std::uint32_t) {
  return read_only(path);
}
Expected<std::unique_ptr<env::WritableFile>> GitTreeEnv::open_append(const std::string& path, std::uint32_t) {
  return read_only(path);
}
Expected<std::unique_ptr<env::WritableFile>> GitTreeEnv::create_new(const std::string& path, std::uint32_t) {
  return read_only(path);
}
Status GitTreeEnv::rename(const std::string& from, const std::string&) {
  return read_only(from);
}
Status GitTreeEnv::remove_file(const std::string& path) {
  return read_only(path);
}
Status GitTreeEnv::remove_dir(const std::string& path) {
  return read_only(path);
}
Status GitTreeEnv::make_dirs(const std::string& path, std::uint32_t) {
  return read_only(path);
}
Status GitTreeEnv::chmod(const std::string& path, std::uint32_t) {
  return read_only(path);
}
Status GitTreeEnv::hardlink(const std::string&, const std::string& to) {
  return read_only(to);
}
Status GitTreeEnv::symlink(const std::string&, const std::string& link) {
  return read_only(link);
}
Status GitTreeEnv::reflink(const std::string&, const std::string& to) {
  return read_only(to);
}
Expected<std::string> GitTreeEnv::read_link(const std::string& path) {
  return errno_error(EINVAL, path);
}
Status GitTreeEnv::sync_dir(const std::string&) {
  return ok();
}
Expected<std::unique_ptr<env::FileLock>> GitTreeEnv::lock_file(const std::string& path) {
  return read_only(path);
}
std::chrono::system_clock::time_point GitTreeEnv::now() {
  return std::chrono::system_clock::now();
}
Status GitTreeEnv::set_mtime(const std::string& path, std::int64_t) {
  return read_only(path);
}
Expected<std::unique_ptr<env::Process>> GitTreeEnv::spawn(const env::SpawnOptions& o) {
  return read_only(o.argv.empty() ? std::string() : o.argv[0]);
}
Expected<bool> GitTreeEnv::publish_new(const std::string& path, std::string_view, std::uint32_t) {
  return read_only(path);
}

}  // namespace cairn::pipeline
