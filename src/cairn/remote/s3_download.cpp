// Streamed and parallel ranged downloads; see s3_download.h.
#include "cairn/remote/s3_download.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "cairn/util/thread_pool.h"

namespace cairn::remote::s3 {

namespace {

std::string range_header(std::uint64_t first, std::uint64_t last) {
  return "bytes=" + std::to_string(first) + "-" + std::to_string(last);
}

}  // namespace

Status download_to_file(S3Client& client, const std::string& full_key, const std::string& display,
                        env::WritableFile& out, const ByteProgress& progress) {
  const S3Settings& s = client.settings();
  std::string what = "downloading " + display;
  const std::uint64_t first_len = std::max<std::uint64_t>(1, s.multipart_threshold);

  auto stream_writer = [&](std::string_view chunk) -> Status {
    TRY_STATUS(out.append(chunk));
    if (progress) progress(chunk.size());
    return ok();
  };
  S3Call first;
  first.key = full_key;
  first.headers = {{"range", range_header(0, first_len - 1)}};
  first.writer = stream_writer;
  ASSIGN_OR_RETURN(http::HttpResponse resp, client.exchange(first));
  if (resp.status == 416) {
    // An empty object has no byte 0; fetch it whole.
    S3Call whole;
    whole.key = full_key;
    whole.writer = stream_writer;
    TRY_STATUS(client.send(whole, what));
    return ok();
  }
  if (resp.status == 200) return ok();
  if (resp.status != 206) return std::unexpected(client.error_for(resp, what));

  auto total = content_range_total(resp.header("content-range"));
  if (!total) return make_error(ErrorCode::corrupt, what + ": 206 response without a usable Content-Range");
  if (*total <= first_len) return ok();

  const std::string etag = resp.header("etag");
  const std::uint64_t chunk = s.multipart_chunksize;
  const std::uint64_t rest = *total - first_len;
  const std::uint64_t parts = (rest + chunk - 1) / chunk;

  std::mutex mu;
  std::condition_variable turn_cv;
  std::uint64_t next_part = 0;      // next range to fetch
  std::uint64_t next_to_write = 0;  // next range to append
  std::optional<Error> first_error;
  std::atomic<bool> failed{false};
  auto fail = [&](Error e) {
    std::lock_guard lock(mu);
    if (!first_error) first_error = std::move(e);
    failed = true;
    turn_cv.notify_all();
  };

  auto worker = [&](std::size_t) {
    std::string buffer;
    while (!failed) {
      std::uint64_t index;
      {
        std::lock_guard lock(mu);
        if (next_part >= parts) return;
        index = next_part++;
      }
      std::uint64_t begin = first_len + index * chunk;
      std::uint64_t len = std::min(chunk, *total - begin);
      buffer.clear();
      buffer.reserve(len);
      S3Call get;
      get.key = full_key;
      get.headers = {{"range", range_header(begin, begin + len - 1)}};
      if (!etag.empty()) get.headers.emplace_back("if-match", etag);
      get.writer = [&](std::string_view piece) -> Status {
        if (failed) return make_error(ErrorCode::io, what + ": cancelled");
        buffer.append(piece);
        if (progress) progress(piece.size());
        return ok();
      };
      auto got = client.send(get, what + " (range " + std::to_string(begin) + "-)");
      if (!got) return fail(got.error());
      if (got->status != 206 || buffer.size() != len) {
        return fail(Error(ErrorCode::unavailable, what + ": short or unexpected range response (" +
                                                      std::to_string(got->status) + ", " +
                                                      std::to_string(buffer.size()) + " of " +
                                                      std::to_string(len) + " bytes)"));
      }
      std::unique_lock lock(mu);
      turn_cv.wait(lock, [&] { return failed || next_to_write == index; });
      if (failed) return;
      auto st = out.append(buffer);  // in order; the lock keeps other writers waiting
      if (!st) {
        lock.unlock();
        return fail(st.error().with_context(what));
      }
      ++next_to_write;
      turn_cv.notify_all();
    }
  };
  std::size_t threads =
      static_cast<std::size_t>(std::min<std::uint64_t>(parts, std::max(1, s.max_concurrent_requests)));
  parallel_for(threads, threads, worker);
  if (first_error) return std::unexpected(*first_error);
  return ok();
}

}  // namespace cairn::remote::s3
