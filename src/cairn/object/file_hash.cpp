#include "cairn/object/file_hash.h"

#include <memory>

namespace cairn::object {

Expected<FileHash> hash_file(env::Env* env, const std::string& path, HashMode mode) {
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
