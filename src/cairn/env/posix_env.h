// PosixEnv: the real Env over POSIX system calls (Linux). Stateless and thread-safe.
#pragma once

#include "cairn/env/env.h"

namespace cairn::env {

class PosixEnv : public Env {
 public:
  Expected<std::optional<FileStat>> stat(const std::string& path, Follow follow) override;
  Expected<std::vector<DirEntry>> list_dir(const std::string& path) override;
  Expected<std::vector<DirEntryStat>> list_dir_stat(const std::string& path) override;
  Expected<Contents> read_file_with_stat(const std::string& path, std::uint64_t size_hint) override;
  Expected<std::unique_ptr<ReadableFile>> open_read(const std::string& path) override;
  Expected<std::unique_ptr<MappedFile>> map_read(const std::string& path) override;
  Expected<bool> publish_new(const std::string& path, std::string_view data, std::uint32_t mode) override;
  Expected<std::unique_ptr<WritableFile>> open_write(const std::string& path,
                                                     std::uint32_t mode = 0666) override;
  Expected<std::unique_ptr<WritableFile>> open_append(const std::string& path,
                                                      std::uint32_t mode = 0666) override;
  Expected<std::unique_ptr<WritableFile>> create_new(const std::string& path,
                                                     std::uint32_t mode = 0666) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove_file(const std::string& path) override;
  Status remove_dir(const std::string& path) override;
  Status make_dirs(const std::string& path, std::uint32_t mode = 0777) override;
  Status chmod(const std::string& path, std::uint32_t mode) override;
  Status hardlink(const std::string& from, const std::string& to) override;
  Status symlink(const std::string& target, const std::string& link) override;
  Status reflink(const std::string& from, const std::string& to) override;
  Expected<std::string> read_link(const std::string& path) override;
  Status sync_dir(const std::string& path) override;
  Expected<std::unique_ptr<FileLock>> lock_file(const std::string& path) override;
  std::chrono::system_clock::time_point now() override;
  Status set_mtime(const std::string& path, std::int64_t mtime_ns) override;
  Expected<std::unique_ptr<Process>> spawn(const SpawnOptions& options) override;
};

}  // namespace cairn::env
