// ImportSource: the dependency of an `import-url` stage — a local file or folder, an S3 object
// or prefix, or an HTTP(S) file — named and hashed the way DVC 3 records it in the `.dvc` file
// (dvc/output.py, dvc_data/hashfile/{hash,meta,tree}.py, fsspec's HTTP info):
//   local  md5 of the bytes; a folder: md5 of its `.dir` manifest + ".dir", with size, nfiles
//   s3     etag (quotes stripped) and size; a prefix (folder): md5 of a `.dir` manifest whose
//          entries carry "etag" instead of "md5", + ".dir", with size and nfiles — DVC stores
//          that manifest in the cache, and so does state() here
//   http   checksum: the ETag header as sent (quotes kept), else Content-MD5, else fsspec's
//          fallback token: md5 of repr((info,)) of the HEAD info dict as a decimal integer;
//          size from Content-Length (absent when the server sends none)
// Paths: def_path is what the `.dvc` file records (the URL as typed; a local path inside the
// repository is made relative to the stage directory by the caller). A relative local
// def_path resolves against the stage directory (wdir), as DVC resolves it.
// S3 credentials and endpoint come from the environment and ~/.aws (aws_config.h); remote
// sections of the repository config do not apply (as in DVC without --fs-config).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/object/hash_info.h"
#include "cairn/remote/remote.h"
#include "cairn/repo/repository.h"

namespace cairn::repo {

enum class SourceKind { local, s3, http };

struct SourceFile {
  std::string relpath;  // '/'-separated, relative to the source folder
  std::uint64_t size = 0;
  std::string hash;  // local: md5 hex; s3: etag
};

// What the `.dvc` file records about the dependency now.
struct SourceState {
  bool exists = false;
  bool is_dir = false;
  std::string hash_key;    // "md5", "etag" or "checksum"
  std::string hash_value;  // "" when unknown
  std::optional<std::uint64_t> size;
  std::optional<std::uint64_t> nfiles;  // folders only
  bool isexec = false;                  // a local executable file (DVC records `isexec: true`)
  std::vector<SourceFile> files;        // folders: every file, sorted by relpath
};

// The source's bytes once stored in the local cache.
struct FetchedFile {
  std::string relpath;  // "" for a single file
  std::string md5;
  std::uint64_t size = 0;
};
struct Fetched {
  object::ObjectId id;  // the file's md5, or the folder's "<md5>.dir" (manifest stored last)
  std::uint64_t size = 0;
  std::optional<std::uint64_t> nfiles;
  bool is_dir = false;
  std::vector<FetchedFile> files;
};

class ImportSource {
 public:
  virtual ~ImportSource() = default;

  // `wdir`: the absolute directory of the `.dvc` file. Does not contact any server.
  static Expected<std::unique_ptr<ImportSource>> open(Repository& repo, const std::string& def_path,
                                                      const std::string& wdir);

  SourceKind kind() const { return m_kind; }
  const std::string& def_path() const { return m_def_path; }
  // DVC's str(dep): the absolute path of a local source, else the URL (redacted).
  virtual std::string display() const = 0;

  // The current state; reads every byte of a local source (md5), lists/HEADs remote ones.
  // A missing source is {exists = false}, not an error.
  virtual Expected<SourceState> state(std::size_t jobs) = 0;

  // Copies the source into the cache (each file an object, its md5 computed while storing; a
  // folder's manifest after its files) on `jobs` threads, after checking it still matches
  // `expected` (conflict "changed since" otherwise, as far as can be told without reading
  // twice: local bytes are compared after storing, remote etags/checksums before).
  virtual Expected<Fetched> fetch(const SourceState& expected, std::size_t jobs) = 0;

 protected:
  ImportSource(Repository& repo, SourceKind kind, std::string def_path)
      : m_repo(repo), m_kind(kind), m_def_path(std::move(def_path)) {}

  Repository& m_repo;
  SourceKind m_kind;
  std::string m_def_path;
};

// The `.dir` manifest DVC builds for an S3 prefix: [{"etag": ..., "relpath": ...}, ...] sorted
// by relpath, as Python's json.dumps(sort_keys=True).
std::string etag_manifest_bytes(const std::vector<SourceFile>& files);

// fsspec's AbstractFileSystem.checksum() of an HTTP HEAD answer: str(int(md5(str((info,))), 16))
// where info is the dict fsspec's HTTPFileSystem.info() builds from the URL and headers.
// `headers`: lower-cased names, as received.
std::string fsspec_http_token(const std::string& url, const std::string& effective_url,
                              const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace cairn::repo
