#include "cairn/env/posix_env.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cairn::env {
namespace {

FileType type_from_mode(mode_t m) {
  if (S_ISREG(m)) return FileType::regular;
  if (S_ISDIR(m)) return FileType::directory;
  if (S_ISLNK(m)) return FileType::symlink;
  return FileType::other;
}

class PosixReadable : public ReadableFile {
 public:
  PosixReadable(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  ~PosixReadable() override { ::close(m_fd); }
  Expected<std::size_t> read(char* buf, std::size_t n) override {
    while (true) {
      ssize_t r = ::read(m_fd, buf, n);
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno == EINTR) continue;
      return errno_error(errno, "reading " + m_path);
    }
  }

 private:
  int m_fd;
  std::string m_path;
};

enum class AppendOnly { no, yes };

class PosixWritable : public WritableFile {
 public:
  PosixWritable(int fd, std::string path, AppendOnly append_only = AppendOnly::no)
      : m_fd(fd), m_path(std::move(path)), m_append_only(append_only) {}
  ~PosixWritable() override {
    if (m_fd >= 0) ::close(m_fd);
  }
  Status append(std::string_view data) override {
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
      ssize_t w = ::write(m_fd, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno_error(errno, "writing " + m_path);
      }
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    return ok();
  }
  Status write_at(std::uint64_t offset, std::string_view data) override {
    // O_APPEND makes Linux's pwrite append whatever the offset: refuse instead.
    if (m_append_only == AppendOnly::yes)
      return make_error(ErrorCode::invalid_input, "positional write to append-only " + m_path);
    const char* p = data.data();
    std::size_t left = data.size();
    auto at = static_cast<off_t>(offset);
    while (left > 0) {
      ssize_t w = ::pwrite(m_fd, p, left, at);
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno_error(errno, "writing " + m_path);
      }
      p += w;
      at += w;
      left -= static_cast<std::size_t>(w);
    }
    return ok();
  }
  Status sync() override {
    if (::fdatasync(m_fd) != 0) return errno_error(errno, "syncing " + m_path);
    return ok();
  }
  Status close() override {
    int fd = m_fd;
    m_fd = -1;
    if (fd >= 0 && ::close(fd) != 0) return errno_error(errno, "closing " + m_path);
    return ok();
  }

 private:
  int m_fd;
  std::string m_path;
  AppendOnly m_append_only;
};

class PosixMapped : public MappedFile {
 public:
  PosixMapped(void* addr, std::size_t size) : m_addr(addr), m_size(size) {}
  ~PosixMapped() override {
    if (m_addr && m_size) ::munmap(m_addr, m_size);
  }
  std::string_view data() const override { return {static_cast<const char*>(m_addr), m_size}; }

 private:
  void* m_addr;
  std::size_t m_size;
};

class PosixLock : public FileLock {
 public:
  explicit PosixLock(int fd) : m_fd(fd) {}
  ~PosixLock() override {
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
  }

 private:
  int m_fd;
};

}  // namespace

Expected<std::optional<FileStat>> PosixEnv::stat(const std::string& path, Follow follow) {
  struct stat st {};
  int rc = follow == Follow::yes ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (rc != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<FileStat>{};
    return errno_error(errno, "stat " + path);
  }
  FileStat fs;
  fs.type = type_from_mode(st.st_mode);
  fs.dev = st.st_dev;
  fs.ino = st.st_ino;
  fs.size = static_cast<std::uint64_t>(st.st_size);
  fs.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  fs.mode = st.st_mode & 07777;
  fs.nlink = st.st_nlink;
  return fs;
}

namespace {
FileStat file_stat_of(const struct stat& st) {
  FileStat fs;
  fs.type = type_from_mode(st.st_mode);
  fs.dev = st.st_dev;
  fs.ino = st.st_ino;
  fs.size = static_cast<std::uint64_t>(st.st_size);
  fs.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  fs.mode = st.st_mode & 07777;
  fs.nlink = st.st_nlink;
  return fs;
}
}  // namespace

Expected<Env::Contents> PosixEnv::read_file_with_stat(const std::string& path, std::uint64_t size_hint) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "opening " + path);
  Contents c;
  // One read of size_hint + 1 bytes: a regular file returns fewer only at end of file, so a
  // short read proves EOF without a second call.
  std::size_t cap = static_cast<std::size_t>(size_hint) + 1;
  c.data.resize(cap);
  std::size_t len = 0;
  while (true) {
    ssize_t n = ::read(fd, c.data.data() + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return errno_error(err, "reading " + path);
    }
    len += static_cast<std::size_t>(n);
    if (n == 0 || len < cap) break;
    cap *= 2;  // the file grew: keep reading
    c.data.resize(cap);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return errno_error(err, "stat " + path);
  }
  if (static_cast<std::uint64_t>(st.st_size) > len) {
    // A short read before the end (never expected for regular files): read to EOF plainly.
    while (true) {
      if (len == c.data.size()) c.data.resize(c.data.size() * 2 + 65536);
      ssize_t n = ::read(fd, c.data.data() + len, c.data.size() - len);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return errno_error(err, "reading " + path);
      }
      if (n == 0) break;
      len += static_cast<std::size_t>(n);
    }
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return errno_error(err, "stat " + path);
    }
  }
  c.data.resize(len);
  ::close(fd);
  c.after = file_stat_of(st);
  return c;
}

Expected<std::vector<DirEntryStat>> PosixEnv::list_dir_stat(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return errno_error(errno, "listing " + path);
  const int dfd = ::dirfd(d);
  std::vector<DirEntryStat> out;
  while (true) {
    errno = 0;
    dirent* e = ::readdir(d);
    if (!e) break;
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    struct stat st {};
    if (::fstatat(dfd, e->d_name, &st, 0) == 0) {
      out.push_back({e->d_name, file_stat_of(st)});
    } else if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) {
      out.push_back({e->d_name, std::nullopt});
    } else {
      int err = errno;
      ::closedir(d);
      return errno_error(err, "stat " + path + "/" + e->d_name);
    }
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return errno_error(err, "listing " + path);
  return out;
}

Expected<std::vector<DirEntry>> PosixEnv::list_dir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return errno_error(errno, "listing " + path);
  std::vector<DirEntry> out;
  while (true) {
    errno = 0;
    dirent* e = ::readdir(d);
    if (!e) break;
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    FileType t = FileType::other;
    switch (e->d_type) {
      case DT_REG: t = FileType::regular; break;
      case DT_DIR: t = FileType::directory; break;
      case DT_LNK: t = FileType::symlink; break;
      case DT_UNKNOWN: {
        struct stat st {};
        std::string full = path + "/" + e->d_name;
        if (::lstat(full.c_str(), &st) == 0) t = type_from_mode(st.st_mode);
        break;
      }
      default: t = FileType::other;
    }
    out.push_back({e->d_name, t});
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return errno_error(err, "listing " + path);
  return out;
}

Expected<std::unique_ptr<ReadableFile>> PosixEnv::open_read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "opening " + path);
  return std::unique_ptr<ReadableFile>(new PosixReadable(fd, path));
}

Expected<std::unique_ptr<MappedFile>> PosixEnv::map_read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "opening " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return errno_error(e, "stat " + path);
  }
  std::size_t size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return std::unique_ptr<MappedFile>(new PosixMapped(nullptr, 0));
  }
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (addr == MAP_FAILED) return std::unique_ptr<MappedFile>();  // fall back to reads
  ::madvise(addr, size, MADV_SEQUENTIAL);
  return std::unique_ptr<MappedFile>(new PosixMapped(addr, size));
}

Expected<bool> PosixEnv::publish_new(const std::string& path, std::string_view data, std::uint32_t mode) {
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return Env::publish_new(path, data, mode);
    return errno_error(errno, "creating " + path);
  }
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t w = ::write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return errno_error(e, "writing " + path);
    }
    p += w;
    left -= static_cast<std::size_t>(w);
  }
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  int rc = ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW);
  int e = errno;
  ::close(fd);
  if (rc == 0) return true;
  if (e == EEXIST) return false;
  if (e == ENOENT && ::access("/proc/self/fd", F_OK) != 0) return Env::publish_new(path, data, mode);
  return errno_error(e, "linking " + path);
}

Expected<std::unique_ptr<WritableFile>> PosixEnv::open_write(const std::string& path,
                                                             std::uint32_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return errno_error(errno, "creating " + path);
  return std::unique_ptr<WritableFile>(new PosixWritable(fd, path));
}

Expected<std::unique_ptr<WritableFile>> PosixEnv::open_append(const std::string& path,
                                                              std::uint32_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode);
  if (fd < 0) return errno_error(errno, "opening " + path);
  return std::unique_ptr<WritableFile>(new PosixWritable(fd, path, AppendOnly::yes));
}

Expected<std::unique_ptr<WritableFile>> PosixEnv::create_new(const std::string& path,
                                                             std::uint32_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return errno_error(errno, "creating " + path);
  return std::unique_ptr<WritableFile>(new PosixWritable(fd, path));
}

Status PosixEnv::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return errno_error(errno, "renaming " + from + " to " + to);
  return ok();
}

Status PosixEnv::remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return errno_error(errno, "removing " + path);
  return ok();
}

Status PosixEnv::remove_dir(const std::string& path) {
  if (::rmdir(path.c_str()) != 0) return errno_error(errno, "removing directory " + path);
  return ok();
}

Status PosixEnv::make_dirs(const std::string& path, std::uint32_t mode) {
  if (path.empty()) return ok();
  if (::mkdir(path.c_str(), mode) == 0) return ok();
  if (errno == EEXIST) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return ok();
    return errno_error(EEXIST, "creating directory " + path);
  }
  if (errno != ENOENT) return errno_error(errno, "creating directory " + path);
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return errno_error(ENOENT, "creating directory " + path);
  TRY_STATUS(make_dirs(path.substr(0, slash), mode));
  if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return ok();
  return errno_error(errno, "creating directory " + path);
}

Status PosixEnv::chmod(const std::string& path, std::uint32_t mode) {
  if (::chmod(path.c_str(), mode) != 0) return errno_error(errno, "chmod " + path);
  return ok();
}

Status PosixEnv::hardlink(const std::string& from, const std::string& to) {
  if (::link(from.c_str(), to.c_str()) != 0) return errno_error(errno, "linking " + to);
  return ok();
}

Status PosixEnv::symlink(const std::string& target, const std::string& link) {
  if (::symlink(target.c_str(), link.c_str()) != 0) return errno_error(errno, "symlinking " + link);
  return ok();
}

Status PosixEnv::reflink(const std::string& from, const std::string& to) {
  int src = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (src < 0) return errno_error(errno, "opening " + from);
  int dst = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (dst < 0) {
    int e = errno;
    ::close(src);
    return errno_error(e, "creating " + to);
  }
  int rc = ::ioctl(dst, FICLONE, src);
  int e = errno;
  ::close(src);
  ::close(dst);
  if (rc != 0) {
    ::unlink(to.c_str());
    return make_error(ErrorCode::io, "reflink unsupported: " + std::string(std::strerror(e)));
  }
  return ok();
}

Expected<std::string> PosixEnv::read_link(const std::string& path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n < 0) return errno_error(errno, "readlink " + path);
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

Status PosixEnv::sync_dir(const std::string& path) {
  int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, "opening directory " + path);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0 && e != EINVAL) return errno_error(e, "syncing directory " + path);
  return ok();
}

Expected<std::unique_ptr<FileLock>> PosixEnv::lock_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return errno_error(errno, "opening lock " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return make_error(ErrorCode::conflict, "lock " + path + " is held by another process");
    return errno_error(e, "locking " + path);
  }
  std::string content = " " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] auto w = ::pwrite(fd, content.data(), content.size(), 0);
  }
  return std::unique_ptr<FileLock>(new PosixLock(fd));
}

std::chrono::system_clock::time_point PosixEnv::now() { return std::chrono::system_clock::now(); }

Status PosixEnv::set_mtime(const std::string& path, std::int64_t mtime_ns) {
  timespec ts[2];
  ts[0].tv_sec = 0;
  ts[0].tv_nsec = UTIME_OMIT;
  ts[1].tv_sec = mtime_ns / 1000000000LL;
  ts[1].tv_nsec = mtime_ns % 1000000000LL;
  if (::utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) return errno_error(errno, "utimensat " + path);
  return ok();
}

}  // namespace cairn::env
