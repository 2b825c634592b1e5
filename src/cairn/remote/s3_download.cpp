// Streamed first GET, then parallel ranges written at their offsets; see s3_download.h.
#include "cairn/remote/s3_download.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace cairn::remote::s3 {

namespace {

std::string range_header(std::uint64_t first, std::uint64_t last) {
  return "bytes=" + std::to_string(first) + "-" + std::to_string(last);
}

std::optional<std::uint64_t> parse_length(std::string_view text) {
  std::uint64_t v = 0;
  if (text.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::vector<ByteSpan> download_ranges(std::uint64_t total, std::uint64_t part_size) {
  std::vector<ByteSpan> out;
  if (part_size == 0) return out;
  for (std::uint64_t begin = part_size; begin < total; begin += part_size)
    out.push_back({begin, std::min(total, begin + part_size)});
  return out;
}

Status download_to_file(S3Client& client, const std::string& full_key, const std::string& display,
                        env::WritableFile& out, const ByteProgress& progress, TrailingMd5* md5) {
  const S3Settings& s = client.settings();
  const std::string what = "downloading " + display;
  const std::uint64_t part = std::max<std::uint64_t>(1, s.download_part_size);
  const std::size_t streams = static_cast<std::size_t>(std::max(1, s.max_concurrent_requests));

  // Ranges after the first part; filled (and the workers started) once the first response's
  // headers show an object larger than one part.
  std::vector<ByteSpan> rest;
  std::string etag;
  std::mutex mu;
  std::size_t next = 0;
  std::optional<Error> first_error;
  std::atomic<bool> failed{false};
  // For md5 in ranged mode: how far each part (0: the first stream's, then rest[i - 1]) is
  // written, and the first part not complete yet; the completed prefix of the file is
  // everything before that part's write position.
  std::mutex prefix_mu;
  std::vector<std::uint64_t> part_at, part_end;
  std::size_t front = 0;
  auto report = [&](std::size_t part_index, std::uint64_t at) {
    std::lock_guard lock(prefix_mu);
    part_at[part_index] = at;
    while (front < part_at.size() && part_at[front] == part_end[front]) ++front;
    md5->advance(front < part_at.size() ? part_at[front] : part_end.back());
  };
  auto fail = [&](Error e) {
    std::lock_guard lock(mu);
    if (!first_error) first_error = std::move(e);
    failed = true;
  };
  auto worker = [&] {
    while (!failed) {
      ByteSpan span;
      std::size_t part_index = 0;
      {
        std::lock_guard lock(mu);
        if (next >= rest.size()) return;
        span = rest[next++];
        part_index = next;  // part 0 is the first stream's
      }
      std::uint64_t at = span.begin;
      S3Call get;
      get.key = full_key;
      get.headers = {{"range", range_header(span.begin, span.end - 1)}};
      if (!etag.empty()) get.headers.emplace_back("if-match", etag);
      get.writer = [&](std::string_view piece) -> Status {
        if (failed) return make_error(ErrorCode::io, what + ": cancelled");
        if (at + piece.size() > span.end)
          return make_error(ErrorCode::unavailable, what + ": range response longer than asked");
        TRY_STATUS(out.write_at(at, piece));
        at += piece.size();
        if (md5) report(part_index, at);
        if (progress) progress(piece.size());
        return ok();
      };
      auto got = client.send(get, what + " (range " + std::to_string(span.begin) + "-)");
      if (!got) return fail(got.error());
      if (got->status != 206 || at != span.end) {
        return fail(Error(ErrorCode::unavailable,
                          what + ": short or unexpected range response (" + std::to_string(got->status) + ", " +
                              std::to_string(at - span.begin) + " of " + std::to_string(span.end - span.begin) +
                              " bytes)"));
      }
    }
  };
  std::vector<std::thread> helpers;

  // The first, plain GET. When its headers announce more than one part, it keeps the first
  // part only (then it is cut) while streams - 1 helper threads fetch the other ranges.
  std::uint64_t keep = UINT64_MAX;
  std::uint64_t written = 0;
  bool cut = false;
  bool inline_md5 = md5 != nullptr;  // single stream of a small or unknown size: hash as it comes
  S3Call first;
  first.key = full_key;
  first.on_headers = [&](const http::HttpResponse& head) -> Status {
    auto length = parse_length(head.header("content-length"));
    if (md5 && head.status == 200 && length && *length > k_trailing_hash_min) inline_md5 = false;
    if (head.status != 200 || !length || *length <= part || streams < 2) return ok();
    rest = download_ranges(*length, part);
    inline_md5 = false;
    if (md5) {
      part_end.push_back(part);
      for (const auto& r : rest) part_end.push_back(r.end);
      part_at.push_back(0);
      for (const auto& r : rest) part_at.push_back(r.begin);
    }
    etag = head.header("etag");
    keep = part;
    std::size_t n = std::min(rest.size(), streams - 1);
    for (std::size_t i = 0; i < n; ++i) helpers.emplace_back(worker);
    return ok();
  };
  first.writer = [&](std::string_view chunk) -> Status {
    if (failed) return make_error(ErrorCode::io, what + ": cancelled");
    if (written + chunk.size() > keep) chunk = chunk.substr(0, keep - written);
    TRY_STATUS(out.append(chunk));
    written += chunk.size();
    if (inline_md5) md5->append(chunk);
    else if (md5 && part_at.empty()) md5->advance(written);  // one big stream: trailing thread
    else if (md5) report(0, written);
    if (progress) progress(chunk.size());
    if (written == keep) {
      cut = true;
      return make_error(ErrorCode::io, what + ": first part complete");  // stops this stream
    }
    return ok();
  };
  auto resp = client.send(first, what);
  if (cut)
    worker();  // this thread joins the helpers on the remaining ranges
  else if (!resp)
    fail(resp.error());
  else if (!rest.empty())
    fail(Error(ErrorCode::unavailable, what + ": the first response ended before its first part"));
  for (auto& t : helpers) t.join();
  if (first_error) return std::unexpected(*first_error);
  return ok();
}

}  // namespace cairn::remote::s3
