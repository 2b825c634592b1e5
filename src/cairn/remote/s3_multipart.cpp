// Multipart uploads; see s3_multipart.h.
#include "cairn/remote/s3_multipart.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#include "cairn/remote/s3_xml.h"
#include "cairn/util/thread_pool.h"

namespace cairn::remote::s3 {

namespace {

constexpr std::uint64_t k_max_parts = 10000;

// Reads exactly `n` bytes (fewer only at the end of the source).
Expected<std::size_t> read_full(const http::BodyReader& source, char* buf, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    ASSIGN_OR_RETURN(std::size_t k, source(buf + got, n - got));
    if (k == 0) break;
    got += k;
  }
  return got;
}

// A 200 response that carries an <Error> (CompleteMultipartUpload may answer so).
std::optional<Error> embedded_error(S3Client& client, const http::HttpResponse& response, std::string_view what) {
  if (parse_error_body(response.body).code.empty()) return std::nullopt;
  return client.error_for(response, what);
}

}  // namespace

std::uint64_t part_size_for(std::uint64_t size, std::uint64_t chunksize) {
  std::uint64_t part = chunksize;
  if ((size + part - 1) / part > k_max_parts) {
    constexpr std::uint64_t mib = 1 << 20;
    part = ((size + k_max_parts - 1) / k_max_parts + mib - 1) / mib * mib;
  }
  return part;
}

Status multipart_upload(S3Client& client, const std::string& full_key, const std::string& display,
                        const http::BodyReader& source, std::uint64_t size, const ByteProgress& progress) {
  const S3Settings& s = client.settings();
  std::string what = "uploading " + display;

  S3Call create;
  create.method = "POST";
  create.key = full_key;
  create.query = {{"uploads", ""}};
  create.headers = s.write_headers;
  create.headers.emplace_back("content-type", "application/octet-stream");
  ASSIGN_OR_RETURN(http::HttpResponse created, client.send(create, what + " (CreateMultipartUpload)"));
  auto upload_id = xml_text(created.body, "UploadId");
  if (!upload_id || upload_id->empty())
    return make_error(ErrorCode::corrupt, what + ": CreateMultipartUpload returned no UploadId");

  const std::uint64_t part_size = part_size_for(size, s.multipart_chunksize);
  const std::uint64_t parts = std::max<std::uint64_t>(1, (size + part_size - 1) / part_size);
  std::vector<std::string> etags(parts);
  std::mutex source_mu;  // guards next_part and the sequential source
  std::uint64_t next_part = 0;
  std::mutex error_mu;
  std::optional<Error> first_error;
  std::atomic<bool> failed{false};
  auto fail = [&](Error e) {
    std::lock_guard lock(error_mu);
    if (!first_error) first_error = std::move(e);
    failed = true;
  };

  auto worker = [&](std::size_t) {
    std::string buffer;
    while (!failed) {
      std::uint64_t index;
      std::uint64_t want;
      {
        std::lock_guard lock(source_mu);
        if (next_part >= parts || failed) return;
        index = next_part++;
        want = std::min(part_size, size - index * part_size);
        buffer.resize(want);
        auto got = read_full(source, buffer.data(), want);
        if (!got) return fail(got.error().with_context(what));
        if (*got != want)
          return fail(
              Error(ErrorCode::io, what + ": the file changed while uploading (shorter than its size)"));
      }
      S3Call put;
      put.method = "PUT";
      put.key = full_key;
      put.query = {{"partNumber", std::to_string(index + 1)}, {"uploadId", *upload_id}};
      put.headers = {{"content-md5", aws::content_md5(buffer)}, {"content-type", "application/octet-stream"}};
      std::string_view remaining = buffer;
      put.reader = [&remaining, &progress](char* buf, std::size_t n) -> Expected<std::size_t> {
        std::size_t take = std::min(n, remaining.size());
        std::copy_n(remaining.data(), take, buf);
        remaining.remove_prefix(take);
        if (progress && take) progress(take);
        return take;
      };
      put.body_size = buffer.size();
      auto resp = client.send(put, what + " (part " + std::to_string(index + 1) + ")");
      if (!resp) return fail(resp.error());
      std::string etag = resp->header("etag");
      if (etag.empty()) return fail(Error(ErrorCode::corrupt, what + ": UploadPart returned no ETag"));
      etags[index] = etag;
    }
  };
  std::size_t threads =
      static_cast<std::size_t>(std::min<std::uint64_t>(parts, std::max(1, s.max_concurrent_requests)));
  parallel_for(threads, threads, worker);

  if (!failed) {
    std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (std::uint64_t i = 0; i < parts; ++i) {
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml_escape(etags[i]) +
             "</ETag></Part>";
    }
    xml += "</CompleteMultipartUpload>";
    S3Call complete;
    complete.method = "POST";
    complete.key = full_key;
    complete.query = {{"uploadId", *upload_id}};
    complete.headers = {{"content-type", "application/xml"}};
    complete.body = xml;
    auto resp = client.send(complete, what + " (CompleteMultipartUpload)");
    if (!resp)
      fail(resp.error());
    else if (auto e = embedded_error(client, *resp, what + " (CompleteMultipartUpload)"))
      fail(*e);
  }
  if (failed) {
    S3Call abort;
    abort.method = "DELETE";
    abort.key = full_key;
    abort.query = {{"uploadId", *upload_id}};
    (void)client.exchange(abort);  // best effort; the original error is what matters
    return std::unexpected(*first_error);
  }
  return ok();
}

}  // namespace cairn::remote::s3
