#include "cairn/pipeline/executor.h"

#include <csignal>
#include <cstdlib>

#include "cairn/util/path.h"

namespace cairn::pipeline {

std::vector<std::string> stage_commands(const Stage& stage) {
  std::vector<std::string> out;
  if (stage.cmd.is_seq()) {
    for (const auto& item : stage.cmd.items()) out.push_back(item.scalar_text());
    return out;
  }
  if (stage.cmd.is_null()) return out;
  // Python's str.splitlines() on "\n", "\r\n" and "\r".
  const std::string s = stage.cmd.scalar_text();
  std::string cur;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n' || c == '\r') {
      out.push_back(cur);
      cur.clear();
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

namespace {
std::vector<std::string> shell_argv(const std::string& cmd) {
  const char* sh = std::getenv("SHELL");
  std::string exe = (sh && *sh) ? sh : "/bin/sh";
  std::string name = path::basename(exe);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> argv{exe};
  if (name == "bash") {
    argv.push_back("--noprofile");
    argv.push_back("--norc");
  } else if (name == "zsh") {
    argv.push_back("--no-rcs");
  }
  argv.push_back("-c");
  argv.push_back(cmd);
  return argv;
}
}  // namespace

Expected<int> LocalExecutor::run_one(const ExecRequest& req, const std::string& cmd) {
  env::SpawnOptions o;
  o.argv = shell_argv(cmd);
  o.cwd = path::join(req.root_abs, req.stage->wdir);
  if (!std::getenv("DVC_ROOT")) o.env_set.emplace_back("DVC_ROOT", req.root_abs);
  o.env_set.emplace_back("DVC_STAGE", req.address);
  o.output = m_io == ChildIo::lines ? env::ChildOutput::pipe : env::ChildOutput::inherit;
  std::unique_ptr<env::Process> proc;
  {
    std::lock_guard lock(m_mu);
    if (m_cancelled) return make_error(ErrorCode::io, "interrupted");
    ASSIGN_OR_RETURN(proc, m_env->spawn(o));
    m_running.insert(proc.get());
  }
  Status io = ok();
  if (m_io == ChildIo::lines) {
    LineSplitter out(m_sink, env::OutputStream::out), err(m_sink, env::OutputStream::err);
    while (true) {
      auto chunk = proc->read_output();
      if (!chunk) {
        io = std::unexpected(chunk.error());
        break;
      }
      if (!*chunk) break;
      ((*chunk)->stream == env::OutputStream::out ? out : err).feed((*chunk)->data);
    }
    out.finish();
    err.finish();
  }
  auto rc = proc->wait();
  {
    std::lock_guard lock(m_mu);
    m_running.erase(proc.get());
  }
  if (!io) return std::unexpected(io.error());
  return rc;
}

Status LocalExecutor::run(const ExecRequest& req) {
  for (const auto& cmd : stage_commands(*req.stage)) {
    m_sink.info("> " + cmd);
    ASSIGN_OR_RETURN(int rc, run_one(req, cmd));
    if (rc != 0) {
      std::lock_guard lock(m_mu);
      if (m_cancelled) return make_error(ErrorCode::io, "interrupted");
      return make_error(ErrorCode::io, "failed to run: " + cmd + ", exited with " + std::to_string(rc));
    }
  }
  return ok();
}

void LocalExecutor::cancel() {
  std::lock_guard lock(m_mu);
  m_cancelled = true;
  for (auto* p : m_running) p->signal(SIGTERM);
}

}  // namespace cairn::pipeline
