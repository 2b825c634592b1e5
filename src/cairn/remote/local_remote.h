// LocalRemote: a Remote over a local folder (a DVC "local remote": a path or file:// URL),
// every OS call through env::Env so faults can be injected.
//
// Layout: key "a/b/c" is the file "<root>/a/b/c". Contract beyond remote.h:
// - put_*: writes "<dir>/.<name>.<random>.tmp" (env::temp_name_for) in the key's directory
//   (created with its parents, mode 0777 & ~umask), sets the final mode, then renames over
//   the key, so a reader sees the old object or the new one, never a partial one. On failure
//   the temp file is removed. Concurrent puts of one key: the last rename wins; every
//   outcome is a complete object.
// - Object files get mode 0444 by default, as DVC's LocalHashFileDB.protect() does for
//   objects it pushes to a local remote (a failing chmod is not an error, as in DVC).
// - list: walks the folder recursively; skips our temp files (".*.tmp"), directories and
//   anything that is not a regular file (symlinks to regular files are listed).
//   not_found when the root folder does not exist.
// - stat/get of a directory behave as for a missing key; remove of a missing key is ok.
//   Removing a key does not prune emptied directories (DVC does not either).
// - make_root: mkdir -p. remove_root: not_found when missing; conflict when any object is
//   left unless Force::yes; otherwise removes the whole folder (temp files included).
//   invalid_input for "/" and "." (a mistyped URL must not wipe a filesystem).
// Thread-safe (stateless apart from its options).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cairn/env/env.h"
#include "cairn/remote/remote.h"

namespace cairn::remote {

struct LocalRemoteOptions {
  // DVC's LocalHashFileDB.CACHE_MODE; 0: keep the mode files are created with (0666 & ~umask).
  std::uint32_t object_mode = 0444;
  // fsync each object before it is renamed into place (DVC does not; neither does the cache).
  env::Durability durability = env::Durability::none;
};

class LocalRemote : public Remote {
 public:
  // `root`: the folder (absolute, or relative to the process's working directory).
  LocalRemote(env::Env* env, std::string root, LocalRemoteOptions options = {});

  const std::string& root() const { return m_root; }

  std::string display_url() const override;
  Expected<std::optional<ObjectInfo>> stat(const std::string& key) override;
  Status list(const std::string& prefix, const ListVisitor& visit) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::string> get_bytes(const std::string& key, ByteRange range = {}) override;
  Status get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::optional<std::string>> get_file_hashed(const std::string& key, const std::string& local_path,
                                                       const ByteProgress& progress) override;
  Status remove(const std::string& key) override;
  Status make_root() override;
  Status remove_root(Force force) override;

 private:
  std::string path_of(const std::string& key) const;
  // The object at key, opened for reading, and its size; not_found naming the key.
  struct OpenObject {
    std::uint64_t size;
    std::unique_ptr<env::ReadableFile> file;
  };
  Expected<OpenObject> open_object(const std::string& key);
  // Writes a temp file next to the key's path with `fill`, then renames it over the key.
  Status publish(const std::string& key, const std::function<Status(env::WritableFile&)>& fill);
  // Visits every object under `dir` (whose key prefix is `dir_key`, "" or "a/b/").
  Status walk(const std::string& dir, const std::string& dir_key, const std::string& prefix,
              const ListVisitor& visit, bool& stopped);

  env::Env* m_env;
  std::string m_root;
  LocalRemoteOptions m_options;
};

}  // namespace cairn::remote
