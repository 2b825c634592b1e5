#include "cairn/env/fault_env.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cairn::env {
namespace {

class FaultWritable : public WritableFile {
 public:
  FaultWritable(FaultEnv* env, std::unique_ptr<WritableFile> base, std::string path)
      : m_env(env), m_base(std::move(base)), m_path(std::move(path)) {}
  Status append(std::string_view data) override {
    TRY_STATUS(m_env->on_write(m_path, data.size()));
    return m_base->append(data);
  }
  Status write_at(std::uint64_t offset, std::string_view data) override {
    TRY_STATUS(m_env->on_write(m_path, data.size()));
    return m_base->write_at(offset, data);
  }
  Status sync() override { return m_base->sync(); }
  Status close() override { return m_base->close(); }

 private:
  FaultEnv* m_env;
  std::unique_ptr<WritableFile> m_base;
  std::string m_path;
};

[[noreturn]] void die() {
  ::kill(::getpid(), SIGKILL);
  ::_exit(137);
}

}  // namespace

Expected<FaultSpec> FaultSpec::parse(std::string_view spec) {
  FaultSpec out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    auto comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    auto item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return make_error(ErrorCode::invalid_input, "CAIRN_FAULT: expected key=value in '" + std::string(item) + "'");
    std::string key(item.substr(0, eq)), val(item.substr(eq + 1));
    try {
      if (key == "op") {
        if (val == "write") out.op = FaultOp::write;
        else if (val == "open") out.op = FaultOp::open;
        else if (val == "rename") out.op = FaultOp::rename;
        else if (val == "chmod") out.op = FaultOp::chmod;
        else if (val == "link") out.op = FaultOp::link;
        else if (val == "spawn") out.op = FaultOp::spawn;
        else if (val == "any") out.op = FaultOp::any;
        else return make_error(ErrorCode::invalid_input, "CAIRN_FAULT: unknown op " + val);
      } else if (key == "errno") {
        if (val == "ENOSPC") out.err = ENOSPC;
        else if (val == "EIO") out.err = EIO;
        else if (val == "EACCES") out.err = EACCES;
        else if (val == "EPERM") out.err = EPERM;
        else return make_error(ErrorCode::invalid_input, "CAIRN_FAULT: unknown errno " + val);
      } else if (key == "after_bytes") {
        out.after_bytes = std::stoll(val);
      } else if (key == "after_calls") {
        out.after_calls = std::stoll(val);
      } else if (key == "path") {
        out.path_filter = val;
      } else if (key == "crash") {
        auto at = val.find('@');
        out.crash_name = val.substr(0, at);
        if (at != std::string::npos) out.crash_nth = std::stoll(val.substr(at + 1));
      } else if (key == "crash_after_bytes") {
        out.crash_after_bytes = std::stoll(val);
      } else {
        return make_error(ErrorCode::invalid_input, "CAIRN_FAULT: unknown key " + key);
      }
    } catch (const std::exception&) {
      return make_error(ErrorCode::invalid_input, "CAIRN_FAULT: bad number in " + std::string(item));
    }
  }
  if (out.err == 0 && (out.after_bytes >= 0 || out.after_calls >= 0)) out.err = ENOSPC;
  return out;
}

Status FaultEnv::check(FaultOp op, const std::string& path) {
  if (m_spec.err == 0) return ok();
  if (m_spec.op != FaultOp::any && m_spec.op != op) return ok();
  if (!m_spec.path_filter.empty() && path.find(m_spec.path_filter) == std::string::npos) return ok();
  if (m_spec.after_bytes >= 0 && op == FaultOp::write) return ok();  // handled in on_write
  long long n = m_calls.fetch_add(1);
  if (m_spec.after_calls < 0 || n >= m_spec.after_calls) return errno_error(m_spec.err, "injected fault on " + path);
  return ok();
}

Status FaultEnv::on_write(const std::string& path, std::size_t n) {
  long long total = m_bytes.fetch_add(static_cast<long long>(n)) + static_cast<long long>(n);
  if (m_spec.crash_after_bytes >= 0 && total >= m_spec.crash_after_bytes) die();
  if (m_spec.err != 0 && (m_spec.op == FaultOp::write || m_spec.op == FaultOp::any) &&
      (m_spec.path_filter.empty() || path.find(m_spec.path_filter) != std::string::npos)) {
    if (m_spec.after_bytes >= 0) {
      if (total > m_spec.after_bytes) return errno_error(m_spec.err, "writing " + path);
      return ok();
    }
    return check(FaultOp::write, path);
  }
  return ok();
}

Expected<std::unique_ptr<ReadableFile>> FaultEnv::open_read(const std::string& p) {
  return m_base->open_read(p);
}

Expected<std::unique_ptr<WritableFile>> FaultEnv::open_write(const std::string& p, std::uint32_t mode) {
  TRY_STATUS(check(FaultOp::open, p));
  ASSIGN_OR_RETURN(auto f, m_base->open_write(p, mode));
  return std::unique_ptr<WritableFile>(new FaultWritable(this, std::move(f), p));
}

Expected<std::unique_ptr<WritableFile>> FaultEnv::open_append(const std::string& p, std::uint32_t mode) {
  TRY_STATUS(check(FaultOp::open, p));
  ASSIGN_OR_RETURN(auto f, m_base->open_append(p, mode));
  return std::unique_ptr<WritableFile>(new FaultWritable(this, std::move(f), p));
}

Expected<std::unique_ptr<WritableFile>> FaultEnv::create_new(const std::string& p, std::uint32_t mode) {
  TRY_STATUS(check(FaultOp::open, p));
  ASSIGN_OR_RETURN(auto f, m_base->create_new(p, mode));
  return std::unique_ptr<WritableFile>(new FaultWritable(this, std::move(f), p));
}

Status FaultEnv::rename(const std::string& from, const std::string& to) {
  TRY_STATUS(check(FaultOp::rename, to));
  return m_base->rename(from, to);
}

Status FaultEnv::chmod(const std::string& p, std::uint32_t mode) {
  TRY_STATUS(check(FaultOp::chmod, p));
  return m_base->chmod(p, mode);
}

Status FaultEnv::hardlink(const std::string& from, const std::string& to) {
  TRY_STATUS(check(FaultOp::link, to));
  return m_base->hardlink(from, to);
}

Status FaultEnv::symlink(const std::string& t, const std::string& l) {
  TRY_STATUS(check(FaultOp::link, l));
  return m_base->symlink(t, l);
}

Status FaultEnv::reflink(const std::string& from, const std::string& to) {
  TRY_STATUS(check(FaultOp::link, to));
  return m_base->reflink(from, to);
}

Expected<std::unique_ptr<Process>> FaultEnv::spawn(const SpawnOptions& o) {
  TRY_STATUS(check(FaultOp::spawn, o.argv.empty() ? std::string() : o.argv[0]));
  return m_base->spawn(o);
}

void FaultEnv::crash_point(std::string_view name) {
  if (m_spec.crash_name.empty() || name != m_spec.crash_name) return;
  if (m_crash_hits.fetch_add(1) + 1 >= m_spec.crash_nth) die();
}

}  // namespace cairn::env
