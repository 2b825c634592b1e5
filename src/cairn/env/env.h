// Env: every operating-system call the engine makes (files, directories, links, locks,
// clock, processes) goes through this interface, as in LevelDB. PosixEnv is the real
// implementation; FaultEnv (fault_env.h) wraps any Env to inject ENOSPC/EIO/EACCES and
// crash points in tests.
//
// Thread-safety: every method may be called concurrently from several threads.
// Paths are plain std::string paths in the OS encoding (bytes on POSIX).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::env {

enum class FileType { regular, directory, symlink, other };

struct FileStat {
  FileType type = FileType::other;
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint32_t mode = 0;  // permission bits (07777)
  std::uint64_t nlink = 0;
  bool is_exec() const { return (mode & 0100) != 0; }
};

struct DirEntry {
  std::string name;
  FileType type;  // from d_type; symlinks are reported as symlink
};

enum class Follow { yes, no };

// A directory entry with the stat of what it names, following symlinks (st is empty for a
// dangling link or an entry that vanished between listing and stat).
struct DirEntryStat {
  std::string name;
  std::optional<FileStat> st;
};
enum class Durability { none, fsync };

// A file opened for sequential reading.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to n bytes; returns 0 at end of file.
  virtual Expected<std::size_t> read(char* buf, std::size_t n) = 0;
};

// A file opened for writing. close() must be called; a destroyed unclosed file is closed
// silently (errors lost), so callers that care call close().
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::string_view data) = 0;
  // Writes `data` at byte `offset` (pwrite): the append position does not move, the file
  // grows as needed (a gap reads as zeros until written). Several threads may write disjoint
  // ranges at once. Only for files from open_write/create_new (invalid_input on open_append's).
  virtual Status write_at(std::uint64_t offset, std::string_view data) = 0;
  virtual Status sync() = 0;
  virtual Status close() = 0;
};

// A read-only memory mapping of a whole file, unmapped on destruction.
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual std::string_view data() const = 0;
};

// An advisory exclusive lock (flock) held until destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

// ---- processes ----

// Where a child's stdout/stderr go: inherited from this process, or a pipe the parent reads
// with Process::read_output().
enum class ChildOutput { inherit, pipe };

enum class ProcessGroup { own, inherit };

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the executable (absolute, or looked up in PATH)
  std::string cwd;                // empty: the current directory
  // Variables set (or replaced) on top of this process's environment.
  std::vector<std::pair<std::string, std::string>> env_set;
  ChildOutput output = ChildOutput::inherit;
  // own: the child leads a new process group, so Process::signal() reaches everything it
  // starts (pipeline stages). inherit: it stays in this process's group, as a shell's
  // foreground job: it may read the terminal and gets the terminal's Ctrl-C directly
  // (`cairn run -- CMD`).
  ProcessGroup group = ProcessGroup::own;
};

enum class OutputStream { out, err };
struct OutputChunk {
  OutputStream stream;
  std::string data;
};

// A spawned child process. wait() must be called once to reap it; the destructor of an
// unreaped process kills (SIGKILL) and reaps it. Thread-safe: signal() may be called from
// another thread while one thread waits or reads.
class Process {
 public:
  virtual ~Process() = default;
  virtual int pid() const = 0;
  // ChildOutput::pipe only: blocks until some output is available; nullopt once both pipes
  // reached end of file.
  virtual Expected<std::optional<OutputChunk>> read_output() = 0;
  // Blocks until the child exits: its exit status (0-255), or 128+N when killed by signal N
  // (as a shell reports it).
  virtual Expected<int> wait() = 0;
  // Sends a signal (SIGTERM, SIGKILL, ...) to the child's process group (every child is the
  // leader of its own group, so what it started gets it too); ignored once reaped.
  virtual void signal(int signo) = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // Returns std::nullopt when the path does not exist.
  virtual Expected<std::optional<FileStat>> stat(const std::string& path, Follow follow) = 0;
  // Entries other than "." and "..", in no particular order.
  virtual Expected<std::vector<DirEntry>> list_dir(const std::string& path) = 0;
  // Lists a directory and stats every entry (following symlinks). The default calls list_dir
  // and stat; PosixEnv stats relative to the open directory (no path lookup per entry).
  virtual Expected<std::vector<DirEntryStat>> list_dir_stat(const std::string& path);
  virtual Expected<std::unique_ptr<ReadableFile>> open_read(const std::string& path) = 0;
  // Maps a regular file for sequential reading; nullptr when mapping is not available here
  // (callers then use open_read). An empty file maps to an empty view.
  virtual Expected<std::unique_ptr<MappedFile>> map_read(const std::string& path) { return nullptr; }
  // Creates or truncates; mode applied on creation (subject to umask).
  virtual Expected<std::unique_ptr<WritableFile>> open_write(const std::string& path,
                                                             std::uint32_t mode = 0666) = 0;
  // Opens for appending (O_APPEND, created if missing): each append() of at most PIPE_BUF
  // bytes lands whole at the end even with concurrent appenders (run journals).
  virtual Expected<std::unique_ptr<WritableFile>> open_append(const std::string& path,
                                                              std::uint32_t mode = 0666) = 0;
  // Creates exclusively (O_EXCL); conflict if it exists.
  virtual Expected<std::unique_ptr<WritableFile>> create_new(const std::string& path,
                                                             std::uint32_t mode = 0666) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // Removes a file or symlink; not_found when missing.
  virtual Status remove_file(const std::string& path) = 0;
  // Removes an empty directory.
  virtual Status remove_dir(const std::string& path) = 0;
  // Creates the directory and its parents; ok if it exists.
  virtual Status make_dirs(const std::string& path, std::uint32_t mode = 0777) = 0;
  virtual Status chmod(const std::string& path, std::uint32_t mode) = 0;
  virtual Status hardlink(const std::string& from, const std::string& to) = 0;
  virtual Status symlink(const std::string& target, const std::string& link) = 0;
  // FICLONE; returns an error with errno semantics (EOPNOTSUPP/EXDEV/...) when unsupported.
  virtual Status reflink(const std::string& from, const std::string& to) = 0;
  virtual Expected<std::string> read_link(const std::string& path) = 0;
  virtual Status sync_dir(const std::string& path) = 0;
  // Takes an exclusive flock on path (created if missing), writing " <pid>\n" like
  // zc.lockfile. conflict when another process holds it.
  virtual Expected<std::unique_ptr<FileLock>> lock_file(const std::string& path) = 0;
  virtual std::chrono::system_clock::time_point now() = 0;
  // Sets mtime (ns since epoch) of a path.
  virtual Status set_mtime(const std::string& path, std::int64_t mtime_ns) = 0;
  // Starts a child process (posix_spawn) in a new process group, with the signal mask and
  // dispositions reset to the defaults. Errors: not_found when the executable does not exist.
  virtual Expected<std::unique_ptr<Process>> spawn(const SpawnOptions& options) = 0;
  // A crash point: FaultEnv may terminate the process here ("kill -9 between steps").
  virtual void crash_point(std::string_view name) {}

  // Reads a whole (small) file expected to be about `size_hint` bytes and returns its bytes
  // with the stat of the open file after reading (to check it did not change meanwhile). The
  // default is read_file + stat; PosixEnv reads in one call and uses fstat.
  struct Contents {
    std::string data;
    FileStat after;
  };
  virtual Expected<Contents> read_file_with_stat(const std::string& path, std::uint64_t size_hint);

  // ---- helpers built on the primitives (not virtual) ----
  Expected<std::string> read_file(const std::string& path);
  Expected<bool> exists(const std::string& path);
  // Atomic write: temp file in the same directory, write, fsync, rename, fsync dir.
  Status write_file_atomic(const std::string& path, std::string_view data,
                           std::uint32_t mode = 0666, Durability durability = Durability::fsync);
  // Creates `path` with exactly `data` and `mode`, atomically and without replacing: readers
  // never see a partial file. Returns false (and writes nothing) if `path` already exists.
  // The default writes a temp name and hard-links it into place; PosixEnv uses an unnamed
  // O_TMPFILE inode (one directory operation instead of two).
  virtual Expected<bool> publish_new(const std::string& path, std::string_view data, std::uint32_t mode);
  // Copies bytes from one file to a new file (not atomic: callers write a temp name).
  Status copy_file(const std::string& from, const std::string& to, std::uint32_t mode = 0666);
  // Removes a tree recursively (files, symlinks, dirs). ok if missing.
  Status remove_tree(const std::string& path);
};

// The process-wide default Env (PosixEnv), possibly wrapped by FaultEnv when the
// CAIRN_FAULT environment variable is set (see fault_env.h).
Env* default_env();

// A unique temporary file name next to `path`: "<dir>/.<base>.<random>.tmp".
std::string temp_name_for(const std::string& path);

}  // namespace cairn::env
