// The MD5 of a file computed while a download writes it, so that verifying a download costs
// no second pass over the file once the last byte has arrived.
//
// Two ways to feed it, chosen by the writer once (never both):
// - append(): the writer writes front to back on one thread and hands over each piece after
//   writing it; the piece is hashed on the writer's thread. For small objects and single
//   streams, where a thread would cost more than it saves.
// - advance(prefix): the writer (possibly several threads writing parts at their offsets)
//   reports that every byte before `prefix` is written. A helper thread, started on the first
//   call, reads those bytes back from the file (the page cache: a copy, no disk read) and
//   hashes them while the download goes on, so hashing overlaps the transfer instead of
//   following it. `prefix` never goes back.
// finish(total) waits until the first `total` bytes are hashed and returns the hex digest,
// or the error from reading the file back. The result describes the bytes as they were when
// hashed: the writer must not change a byte once it has reported it (a retried download
// starts over with a new TrailingMd5).
// Reads go through the Env, so injected read faults reach finish().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "cairn/env/env.h"
#include "cairn/util/error.h"
#include "cairn/util/md5.h"

namespace cairn::remote {

// Objects above this size are hashed by the trailing thread; smaller ones inline (a thread
// and a second open cost more than the overlap saves on a few MiB).
constexpr std::uint64_t k_trailing_hash_min = 8u << 20;

class TrailingMd5 {
 public:
  TrailingMd5(env::Env* env, std::string path);
  ~TrailingMd5();  // stops and joins the helper thread (the digest is then discarded)
  TrailingMd5(const TrailingMd5&) = delete;
  TrailingMd5& operator=(const TrailingMd5&) = delete;

  void append(std::string_view written);
  void advance(std::uint64_t prefix);
  Expected<std::string> finish(std::uint64_t total);

  // Bytes hashed so far (for tests).
  std::uint64_t hashed() const;

 private:
  void run();

  env::Env* m_env;
  std::string m_path;
  Md5 m_md5;
  mutable std::mutex m_mu;
  std::condition_variable m_cv;
  std::uint64_t m_prefix = 0;  // bytes the writer reported (advance mode)
  std::uint64_t m_hashed = 0;
  std::uint64_t m_goal = UINT64_MAX;  // set by finish(): hash up to here, then stop
  bool m_stop = false;
  std::optional<Error> m_error;
  std::thread m_thread;
};

}  // namespace cairn::remote
