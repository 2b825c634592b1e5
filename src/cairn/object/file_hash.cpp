#include "cairn/object/file_hash.h"

#include <memory>

namespace cairn::object {

Expected<FileHash> hash_file(env::Env* env, const std::string& path, HashMode mode) {
  // Large files are hashed straight from a mapping (no copy through a read buffer).
  constexpr std::size_t k_map_threshold = 8u << 20;
  if (auto st = env->stat(path, env::Follow::yes); st && *st && (*st)->size >= k_map_threshold) {
    ASSIGN_OR_RETURN(auto mapped, env->map_read(path));
    if (mapped) {
      std::string_view all = mapped->data();
      FileHash out;
      out.size = all.size();
      if (mode == HashMode::md5) {
        out.md5 = md5_hex(all);
      } else {
        out.md5 = hash_bytes(all, mode);
      }
      return out;
    }
  }
  ASSIGN_OR_RETURN(auto file, env->open_read(path));
  constexpr std::size_t k_chunk = 1 << 20;
  thread_local std::unique_ptr<char[]> buf(new char[k_chunk]);
  Md5 h;
  FileHash out;
  while (true) {
    // Fill a whole chunk (DVC's rule is per 1 MiB read).
    std::size_t filled = 0;
    while (filled < k_chunk) {
      ASSIGN_OR_RETURN(std::size_t n, file->read(buf.get() + filled, k_chunk - filled));
      if (n == 0) break;
      filled += n;
    }
    if (filled == 0) break;
    out.size += filled;
    std::string_view chunk(buf.get(), filled);
    if (mode == HashMode::dos2unix && looks_like_text(chunk)) {
      h.update(dos2unix(chunk));
    } else {
      h.update(chunk);
    }
    if (filled < k_chunk) break;
  }
  out.md5 = h.hex_digest();
  return out;
}

}  // namespace cairn::object
