// FaultEnv: an Env wrapper for tests that forwards every call to a base Env and injects
// failures: an errno (ENOSPC, EIO, EACCES) on a chosen operation after a byte or call budget,
// or a process kill (SIGKILL, as `kill -9`) at a named crash point. The CLI wraps its Env in a
// FaultEnv when CAIRN_FAULT is set, so end-to-end tests can inject faults into real commands.
//
// Spec grammar (comma-separated key=value):
//   op=write|open|rename|chmod|link|spawn|any  which operation fails (default write)
//   errno=ENOSPC|EIO|EACCES|EPERM         the injected error (default ENOSPC)
//   after_bytes=N                         write: fail once N bytes were written in total
//   after_calls=N                         fail the (N+1)-th matching call and all later ones
//   path=SUBSTR                           only paths containing SUBSTR
//   crash=NAME[@N]                        SIGKILL at the N-th (default 1st) crash_point(NAME)
//   crash_after_bytes=N                   SIGKILL once N bytes were written in total
// Thread-safe.
#pragma once

#include <atomic>
#include <string>

#include "cairn/env/env.h"

namespace cairn::env {

enum class FaultOp { write, open, rename, chmod, link, spawn, any };

struct FaultSpec {
  FaultOp op = FaultOp::write;
  int err = 0;  // 0: no errno injection
  long long after_bytes = -1;
  long long after_calls = -1;
  std::string path_filter;
  std::string crash_name;
  long long crash_nth = 1;
  long long crash_after_bytes = -1;

  static Expected<FaultSpec> parse(std::string_view spec);
};

class FaultEnv : public Env {
 public:
  FaultEnv(Env* base, FaultSpec spec) : m_base(base), m_spec(std::move(spec)) {}

  Expected<std::optional<FileStat>> stat(const std::string& p, Follow f) override { return m_base->stat(p, f); }
  Expected<std::vector<DirEntry>> list_dir(const std::string& p) override { return m_base->list_dir(p); }
  Expected<std::vector<DirEntryStat>> list_dir_stat(const std::string& p) override { return m_base->list_dir_stat(p); }
  Expected<std::unique_ptr<ReadableFile>> open_read(const std::string& p) override;
  Expected<std::unique_ptr<WritableFile>> open_write(const std::string& p, std::uint32_t mode = 0666) override;
  Expected<std::unique_ptr<WritableFile>> open_append(const std::string& p, std::uint32_t mode = 0666) override;
  Expected<std::unique_ptr<WritableFile>> create_new(const std::string& p, std::uint32_t mode = 0666) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove_file(const std::string& p) override { return m_base->remove_file(p); }
  Status remove_dir(const std::string& p) override { return m_base->remove_dir(p); }
  Status make_dirs(const std::string& p, std::uint32_t mode = 0777) override { return m_base->make_dirs(p, mode); }
  Status chmod(const std::string& p, std::uint32_t mode) override;
  Status hardlink(const std::string& from, const std::string& to) override;
  Status symlink(const std::string& t, const std::string& l) override;
  Status reflink(const std::string& from, const std::string& to) override;
  Expected<std::string> read_link(const std::string& p) override { return m_base->read_link(p); }
  Status sync_dir(const std::string& p) override { return m_base->sync_dir(p); }
  Expected<std::unique_ptr<FileLock>> lock_file(const std::string& p) override { return m_base->lock_file(p); }
  std::chrono::system_clock::time_point now() override { return m_base->now(); }
  Status set_mtime(const std::string& p, std::int64_t ns) override { return m_base->set_mtime(p, ns); }
  void crash_point(std::string_view name) override;
  Expected<std::unique_ptr<Process>> spawn(const SpawnOptions& o) override;

  // Called by wrapped writable files; returns the error to inject, if any.
  Status on_write(const std::string& path, std::size_t n);
  long long bytes_written() const { return m_bytes.load(); }

 private:
  Status check(FaultOp op, const std::string& path);

  Env* m_base;
  FaultSpec m_spec;
  std::atomic<long long> m_bytes{0};
  std::atomic<long long> m_calls{0};
  std::atomic<long long> m_crash_hits{0};
};

}  // namespace cairn::env
