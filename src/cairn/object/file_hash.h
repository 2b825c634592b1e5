// hash_file: the MD5 object id of a file's bytes, streamed in 1 MiB chunks through an Env
// (never holding the file whole). HashMode::dos2unix applies DVC 2's legacy rule per chunk
// (see util/md5.h). Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "cairn/env/env.h"
#include "cairn/util/md5.h"

namespace cairn::object {

struct FileHash {
  std::string md5;         // hex digest under the requested mode
  std::uint64_t size = 0;  // bytes read
};

// Fails with the env's error (io, not_found, permission).
Expected<FileHash> hash_file(env::Env* env, const std::string& path, HashMode mode = HashMode::md5);

}  // namespace cairn::object
