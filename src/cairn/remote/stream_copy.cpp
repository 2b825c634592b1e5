#include "cairn/remote/stream_copy.h"

#include <algorithm>
#include <memory>

namespace cairn::remote {

namespace {
constexpr std::size_t k_chunk = 1 << 20;

char* chunk_buffer() {
  thread_local std::unique_ptr<char[]> buf(new char[k_chunk]);
  return buf.get();
}
}  // namespace

Status stream_copy(env::ReadableFile& in, env::WritableFile& out, const ByteProgress& progress) {
  char* buf = chunk_buffer();
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, in.read(buf, k_chunk));
    if (n == 0) break;
    TRY_STATUS(out.append(std::string_view(buf, n)));
    if (progress) progress(n);
  }
  return ok();
}

Status stream_copy_chunks(env::ReadableFile& in, env::WritableFile& out,
                          const std::function<void(std::string_view)>& on_chunk) {
  char* buf = chunk_buffer();
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, in.read(buf, k_chunk));
    if (n == 0) break;
    TRY_STATUS(out.append(std::string_view(buf, n)));
    on_chunk(std::string_view(buf, n));
  }
  return ok();
}

Status read_range(env::ReadableFile& in, std::uint64_t offset, std::uint64_t length, std::string& out) {
  char* buf = chunk_buffer();
  while (offset > 0) {
    ASSIGN_OR_RETURN(std::size_t n, in.read(buf, static_cast<std::size_t>(std::min<std::uint64_t>(offset, k_chunk))));
    if (n == 0) return ok();
    offset -= n;
  }
  while (length > 0) {
    ASSIGN_OR_RETURN(std::size_t n, in.read(buf, static_cast<std::size_t>(std::min<std::uint64_t>(length, k_chunk))));
    if (n == 0) break;
    out.append(buf, n);
    length -= n;
  }
  return ok();
}

}  // namespace cairn::remote
