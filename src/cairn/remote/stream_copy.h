// Streaming helpers shared by the file-backed remotes: copy a readable file into a writable
// one in bounded chunks (reporting progress), and read a byte range of a sequential file.
// Never hold a whole file in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <string>

#include "cairn/env/env.h"
#include "cairn/remote/remote.h"

namespace cairn::remote {

// Copies `in` to `out` until end of file in 1 MiB chunks; calls `progress` (if set) after
// each chunk. Does not close `out`.
Status stream_copy(env::ReadableFile& in, env::WritableFile& out, const ByteProgress& progress);

// stream_copy that hands each chunk to `on_chunk` after writing it.
Status stream_copy_chunks(env::ReadableFile& in, env::WritableFile& out,
                          const std::function<void(std::string_view)>& on_chunk);

// Appends to `out` up to `length` bytes of `in` starting at `offset` (skipped by reading).
Status read_range(env::ReadableFile& in, std::uint64_t offset, std::uint64_t length, std::string& out);

}  // namespace cairn::remote
