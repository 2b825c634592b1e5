// PosixEnv::spawn: child processes through posix_spawn (vfork-like, cheap), with optional
// stdout/stderr pipes read by poll(2).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "cairn/env/posix_env.h"

extern char** environ;

namespace cairn::env {
namespace {

class PosixProcess : public Process {
 public:
  // group: whether the child leads its own process group (signals then go to the group).
  PosixProcess(pid_t pid, int out_fd, int err_fd, ProcessGroup group)
      : m_pid(pid), m_target(group == ProcessGroup::own ? -pid : pid), m_fds{out_fd, err_fd} {}
  ~PosixProcess() override {
    for (int fd : m_fds)
      if (fd >= 0) ::close(fd);
    std::lock_guard lock(m_mu);
    if (!m_reaped) {
      ::kill(m_target, SIGKILL);
      int st = 0;
      while (::waitpid(m_pid, &st, 0) < 0 && errno == EINTR) {
      }
    }
  }
  int pid() const override { return m_pid; }

  Expected<std::optional<OutputChunk>> read_output() override {
    while (m_fds[0] >= 0 || m_fds[1] >= 0) {
      pollfd p[2];
      int n = 0;
      int which[2];
      for (int i = 0; i < 2; ++i)
        if (m_fds[i] >= 0) {
          p[n] = {m_fds[i], POLLIN, 0};
          which[n++] = i;
        }
      int r = ::poll(p, n, -1);
      if (r < 0) {
        if (errno == EINTR) continue;
        return errno_error(errno, "waiting for output of process " + std::to_string(m_pid));
      }
      for (int k = 0; k < n; ++k) {
        if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int i = which[k];
        char buf[8192];
        ssize_t got = ::read(m_fds[i], buf, sizeof buf);
        if (got < 0) {
          if (errno == EINTR || errno == EAGAIN) continue;
          return errno_error(errno, "reading output of process " + std::to_string(m_pid));
        }
        if (got == 0) {
          ::close(m_fds[i]);
          m_fds[i] = -1;
          continue;
        }
        return OutputChunk{i == 0 ? OutputStream::out : OutputStream::err, std::string(buf, static_cast<std::size_t>(got))};
      }
    }
    return std::optional<OutputChunk>{};
  }

  Expected<int> wait() override {
    int st = 0;
    while (true) {
      pid_t r = ::waitpid(m_pid, &st, 0);
      if (r == m_pid) break;
      if (r < 0 && errno == EINTR) continue;
      return errno_error(errno, "waiting for process " + std::to_string(m_pid));
    }
    {
      std::lock_guard lock(m_mu);
      m_reaped = true;
    }
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return 255;
  }

  void signal(int signo) override {
    std::lock_guard lock(m_mu);
    if (!m_reaped) ::kill(m_target, signo);
  }

 private:
  pid_t m_pid;
  pid_t m_target;  // what kill() is sent to: -pid (the child's group) or pid (the child alone)
  int m_fds[2];
  std::mutex m_mu;
  bool m_reaped = false;
};

std::vector<std::string> merged_environment(const std::vector<std::pair<std::string, std::string>>& set) {
  std::map<std::string, std::string> overrides(set.begin(), set.end());
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    std::string key(kv.substr(0, eq));
    if (overrides.count(key)) continue;
    out.emplace_back(kv);
  }
  for (const auto& [k, v] : set) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

Expected<std::unique_ptr<Process>> PosixEnv::spawn(const SpawnOptions& o) {
  if (o.argv.empty()) return make_error(ErrorCode::invalid_input, "spawn: empty command");
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  auto close_all = [&] {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      if (fd >= 0) ::close(fd);
  };
  if (o.output == ChildOutput::pipe) {
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
      int e = errno;
      close_all();
      return errno_error(e, "creating pipes");
    }
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);
  // SIGINT/SIGTERM/SIGPIPE etc. back to their defaults (the parent may ignore or block them).
  posix_spawnattr_setsigdefault(&attr, &all);
  // Its own process group (unless asked to stay in ours), so signal() reaches what the child
  // starts (a shell's commands).
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (o.group == ProcessGroup::own) {
    posix_spawnattr_setpgroup(&attr, 0);
    flags |= POSIX_SPAWN_SETPGROUP;
  }
  posix_spawnattr_setflags(&attr, flags);
  if (o.output == ChildOutput::pipe) {
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  }
  if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, o.cwd.c_str());
  std::vector<std::string> envs = merged_environment(o.env_set);
  std::vector<char*> envp, argv;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = o.argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0].c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (o.output == ChildOutput::pipe) {
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;
  }
  if (rc != 0) {
    close_all();
    if (rc == ENOENT) return make_error(ErrorCode::not_found, "executable '" + o.argv[0] + "' not found");
    return errno_error(rc, "starting " + o.argv[0]);
  }
  return std::unique_ptr<Process>(std::make_unique<PosixProcess>(pid, out_pipe[0], err_pipe[0], o.group));
}

}  // namespace cairn::env
