// The S3 backend of Remote; see s3_remote.h for the contract.
#include "cairn/remote/s3_remote.h"

#include <curl/curl.h>
#include <atomic>

#include "cairn/env/env.h"
#include "cairn/remote/aws_config.h"
#include "cairn/remote/s3_client.h"
#include "cairn/remote/s3_download.h"
#include "cairn/remote/s3_multipart.h"
#include "cairn/remote/s3_settings.h"
#include "cairn/remote/s3_xml.h"

namespace cairn::remote {

namespace {

using http::HttpResponse;
using s3::S3Call;
using s3::S3Client;
using s3::S3Settings;

constexpr std::size_t k_delete_batch = 1000;  // DeleteObjects limit

bool is_2xx(long status) {
  return status >= 200 && status < 300;
}

// A sequential reader over bytes in memory.
http::BodyReader memory_reader(std::string_view data) {
  auto rest = std::make_shared<std::string_view>(data);
  return [rest](char* buf, std::size_t n) -> Expected<std::size_t> {
    std::size_t take = std::min(n, rest->size());
    std::copy_n(rest->data(), take, buf);
    rest->remove_prefix(take);
    return take;
  };
}

// "Sun, 06 Nov 1994 08:49:37 GMT" -> ns since the epoch (0 when unparsable).
std::int64_t http_date_ns(const std::string& value) {
  if (value.empty()) return 0;
  time_t t = curl_getdate(value.c_str(), nullptr);
  return t < 0 ? 0 : static_cast<std::int64_t>(t) * 1000000000;
}

class S3Remote final : public Remote {
 public:
  S3Remote(S3Settings settings, env::Env* env) : m_client(std::move(settings)), m_env(env) {
    const auto& prefix = m_client.settings().prefix;
    m_key_prefix = prefix.empty() ? "" : prefix + "/";
  }

  std::string display_url() const override { return m_client.settings().display_url; }

  Expected<std::optional<ObjectInfo>> stat(const std::string& key) override {
    TRY_STATUS(check_key(key));
    std::string what = "checking " + m_client.display(key);
    S3Call head;
    head.method = "HEAD";
    head.key = full_key(key);
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.exchange(head));
    if (resp.status == 404) {
      TRY_STATUS(ensure_bucket_exists(what));
      return std::optional<ObjectInfo>();
    }
    if (!is_2xx(resp.status)) return std::unexpected(m_client.error_for_head(head, resp, what));
    m_bucket_known = true;
    ObjectInfo info;
    info.key = key;
    info.size = std::strtoull(resp.header("content-length").c_str(), nullptr, 10);
    info.etag = s3::strip_quotes(resp.header("etag"));
    info.mtime_ns = http_date_ns(resp.header("last-modified"));
    return std::optional<ObjectInfo>(std::move(info));
  }

  Status list(const std::string& prefix, const ListVisitor& visit) override {
    if (!prefix.empty()) {
      // "a/b/" (a folder) or "files/md5/0" (a partial name): what precedes must be a safe key.
      std::string_view stem = prefix;
      if (stem.back() == '/') stem.remove_suffix(1);
      auto st = check_key(stem);
      if (!st)
        return make_error(ErrorCode::invalid_input,
                          "invalid list prefix '" + prefix + "': " + st.error().message());
    }
    bool stopped = false;
    return list_full(
        m_key_prefix + prefix, "listing " + m_client.display(prefix),
        [&](const s3::ListedObject& obj) -> Status {
          if (!obj.key.starts_with(m_key_prefix)) return ok();
          std::string rel = obj.key.substr(m_key_prefix.size());
          if (!check_key(rel)) return ok();  // "dir/" markers and unsafe keys
          if (!visit(ObjectInfo{rel, obj.size, obj.etag, obj.mtime_ns})) stopped = true;
          return ok();
        },
        stopped);
  }

  Status put_bytes(const std::string& key, std::string_view data) override {
    TRY_STATUS(check_key(key));
    const S3Settings& s = m_client.settings();
    std::string display = m_client.display(key);
    if (!data.empty() && data.size() >= s.multipart_threshold)
      return s3::multipart_upload(m_client, full_key(key), display, memory_reader(data), data.size(), {});
    S3Call put = put_call(key);
    put.body = data;
    put.headers.emplace_back("content-md5", aws::content_md5(data));
    TRY_STATUS(m_client.send(put, "uploading " + display));
    m_bucket_known = true;
    return ok();
  }

  Status put_file(const std::string& key, const std::string& local_path,
                  const ByteProgress& progress) override {
    TRY_STATUS(check_key(key));
    const S3Settings& s = m_client.settings();
    std::string display = m_client.display(key);
    std::string what = "uploading " + local_path + " to " + display;
    auto st = m_env->stat(local_path, env::Follow::yes);
    if (!st) return std::unexpected(st.error().with_context(what));
    if (!*st) return make_error(ErrorCode::not_found, what + ": no such file");
    if ((*st)->type != env::FileType::regular)
      return make_error(ErrorCode::invalid_input, what + ": not a regular file");
    const std::uint64_t size = (*st)->size;
    auto file = m_env->open_read(local_path);
    if (!file) return std::unexpected(file.error().with_context(what));
    env::ReadableFile* in = file->get();

    if (size > 0 && size >= s.multipart_threshold) {
      http::BodyReader reader = [in](char* buf, std::size_t n) { return in->read(buf, n); };
      return s3::multipart_upload(m_client, full_key(key), display, reader, size, progress);
    }
    std::uint64_t sent = 0;
    S3Call put = put_call(key);
    put.body_size = size;
    put.reader = [&](char* buf, std::size_t n) -> Expected<std::size_t> {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, size - sent));
      if (want == 0) return std::size_t{0};
      auto got = in->read(buf, want);
      if (!got) return std::unexpected(got.error().with_context(what));
      if (*got == 0)
        return make_error(ErrorCode::io, what + ": the file changed while uploading (shorter than its size)");
      sent += *got;
      if (progress) progress(*got);
      return *got;
    };
    TRY_STATUS(m_client.send(put, what));
    m_bucket_known = true;
    return ok();
  }

  Expected<std::string> get_bytes(const std::string& key, ByteRange range) override {
    TRY_STATUS(check_key(key));
    std::string what = "reading " + m_client.display(key);
    bool ranged = range.offset > 0 || range.length.has_value();
    if (range.length && *range.length == 0) {
      ASSIGN_OR_RETURN(auto info, stat(key));
      if (!info) return make_error(ErrorCode::not_found, what + ": no such object");
      return std::string();
    }
    S3Call get;
    get.key = full_key(key);
    if (ranged) {
      std::string value = "bytes=" + std::to_string(range.offset) + "-";
      if (range.length) value += std::to_string(range.offset + *range.length - 1);
      get.headers.emplace_back("range", value);
    }
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.exchange(get));
    if (resp.status == 416 && ranged) return std::string();  // starts at or past the end
    if (!is_2xx(resp.status)) return std::unexpected(m_client.error_for(resp, what));
    m_bucket_known = true;
    if (ranged && resp.status == 200) {
      // The server ignored Range: cut the range out of the whole body.
      if (range.offset >= resp.body.size()) return std::string();
      return resp.body.substr(range.offset, range.length.value_or(std::string::npos));
    }
    return std::move(resp.body);
  }

  Status get_file(const std::string& key, const std::string& local_path,
                  const ByteProgress& progress) override {
    return download(key, local_path, progress, nullptr);
  }

  Expected<std::optional<std::string>> get_file_hashed(const std::string& key, const std::string& local_path,
                                                       const ByteProgress& progress) override {
    TrailingMd5 md5(m_env, local_path);
    std::atomic<std::uint64_t> bytes{0};
    TRY_STATUS(download(key, local_path,
                        [&](std::uint64_t n) {
                          bytes += n;
                          if (progress) progress(n);
                        },
                        &md5));
    auto hex = md5.finish(bytes.load());
    if (!hex) {
      (void)m_env->remove_file(local_path);
      return std::unexpected(hex.error());
    }
    return std::move(*hex);
  }

  Status download(const std::string& key, const std::string& local_path, const ByteProgress& progress,
                  TrailingMd5* md5) {
    TRY_STATUS(check_key(key));
    std::string display = m_client.display(key);
    auto file = m_env->open_write(local_path);
    if (!file)
      return std::unexpected(file.error().with_context("downloading " + display + " to " + local_path));
    Status st = s3::download_to_file(m_client, full_key(key), display, **file, progress, md5);
    Status closed = (*file)->close();
    if (st && !closed) st = std::unexpected(closed.error().with_context("writing " + local_path));
    if (!st) {
      (void)m_env->remove_file(local_path);  // no partial download left behind
      return st;
    }
    m_bucket_known = true;
    return ok();
  }

  Status remove(const std::string& key) override {
    TRY_STATUS(check_key(key));
    std::string what = "deleting " + m_client.display(key);
    S3Call del;
    del.method = "DELETE";
    del.key = full_key(key);
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.exchange(del));
    if (is_2xx(resp.status)) return ok();
    if (resp.status == 404 && s3::parse_error_body(resp.body).code != "NoSuchBucket") return ok();
    return std::unexpected(m_client.error_for(resp, what));
  }

  Status copy(const std::string& from_key, const std::string& to_key) override {
    TRY_STATUS(check_key(from_key));
    TRY_STATUS(check_key(to_key));
    std::string what = "copying " + m_client.display(from_key) + " to " + m_client.display(to_key);
    S3Call put;
    put.method = "PUT";
    put.key = full_key(to_key);
    put.headers = m_client.settings().write_headers;
    put.headers.emplace_back("content-type", "application/octet-stream");
    put.headers.emplace_back("x-amz-copy-source",
                             "/" + aws::uri_encode(m_client.settings().bucket, aws::EncodeSlash::yes) + "/" +
                                 aws::uri_encode(full_key(from_key), aws::EncodeSlash::no));
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.send(put, what));
    // CopyObject may fail after its 200 status line: the error is then in the body.
    if (!s3::parse_error_body(resp.body).code.empty()) return std::unexpected(m_client.error_for(resp, what));
    return ok();
  }

  Status make_root() override {
    const S3Settings& s = m_client.settings();
    std::string what = "creating bucket '" + s.bucket + "'";
    S3Call head;
    head.method = "HEAD";
    ASSIGN_OR_RETURN(http::HttpResponse found, m_client.exchange(head));
    if (is_2xx(found.status)) {
      m_bucket_known = true;
      return ok();
    }
    if (found.status != 404)
      return std::unexpected(m_client.error_for_head(head, found, "checking bucket '" + s.bucket + "'"));
    S3Call create;
    create.method = "PUT";
    std::string body;
    if (s.region != "us-east-1") {
      body =
          "<CreateBucketConfiguration "
          "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
          s3::xml_escape(s.region) + "</LocationConstraint></CreateBucketConfiguration>";
      create.headers.emplace_back("content-type", "application/xml");
    }
    create.body = body;
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.exchange(create));
    if (is_2xx(resp.status) || s3::parse_error_body(resp.body).code == "BucketAlreadyOwnedByYou") {
      m_bucket_known = true;
      return ok();
    }
    Error e = m_client.error_for(resp, what);
    if (s3::parse_error_body(resp.body).code == "BucketAlreadyExists")
      return make_error(ErrorCode::conflict,
                        e.message() + " (bucket names are global: the name is taken by another account)");
    return std::unexpected(e);
  }

  Status remove_root(Force force) override {
    const S3Settings& s = m_client.settings();
    std::string what = "removing " + s.display_url;
    // Delete page by page, listing again from the start each time (no token over deletions).
    while (true) {
      std::vector<std::string> keys;
      bool stopped = false;
      TRY_STATUS(list_full(
          m_key_prefix, what,
          [&](const s3::ListedObject& obj) -> Status {
            keys.push_back(obj.key);
            if (keys.size() >= k_delete_batch) stopped = true;
            return ok();
          },
          stopped));
      if (keys.empty()) break;
      if (force == Force::no) {
        return make_error(ErrorCode::conflict, what + ": not empty (holds '" + keys.front() + "'" +
                                                   (keys.size() > 1 ? " and more" : "") +
                                                   "); remove its objects first or force the removal");
      }
      TRY_STATUS(delete_objects(keys, what));
    }
    if (!s.prefix.empty()) return ok();  // a prefix is not a container: the bucket stays
    S3Call del;
    del.method = "DELETE";
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.exchange(del));
    m_bucket_known = false;
    if (is_2xx(resp.status)) return ok();
    return std::unexpected(m_client.error_for(resp, what));
  }

 private:
  std::string full_key(const std::string& key) const { return m_key_prefix + key; }

  S3Call put_call(const std::string& key) const {
    S3Call put;
    put.method = "PUT";
    put.key = full_key(key);
    put.headers = m_client.settings().write_headers;
    put.headers.emplace_back("content-type", "application/octet-stream");
    return put;
  }

  // After a 404 on a key: not_found when the bucket itself is missing (checked once).
  Status ensure_bucket_exists(const std::string& what) {
    if (m_bucket_known) return ok();
    S3Call head;
    head.method = "HEAD";
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.exchange(head));
    if (is_2xx(resp.status)) {
      m_bucket_known = true;
      return ok();
    }
    if (resp.status == 404) {
      return make_error(ErrorCode::not_found, "bucket '" + m_client.settings().bucket +
                                                  "' does not exist at " + m_client.endpoint_display() +
                                                  " (" + what + ")");
    }
    return std::unexpected(m_client.error_for_head(head, resp, what));
  }

  // ListObjectsV2 over every page of `full_prefix` (a full bucket key prefix); stops early
  // when `stopped` becomes true.
  Status list_full(const std::string& full_prefix, const std::string& what,
                   const std::function<Status(const s3::ListedObject&)>& each, bool& stopped) {
    std::string token;
    do {
      S3Call call;
      call.query = {{"list-type", "2"}, {"encoding-type", "url"}};
      if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
      if (!token.empty()) call.query.emplace_back("continuation-token", token);
      ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.send(call, what));
      m_bucket_known = true;
      auto page = s3::parse_list_objects_v2(resp.body);
      if (!page) return std::unexpected(page.error().with_context(what));
      for (const auto& obj : page->objects) {
        TRY_STATUS(each(obj));
        if (stopped) return ok();
      }
      token = page->truncated ? page->next_token : "";
    } while (!token.empty());
    return ok();
  }

  // DeleteObjects for up to 1000 full keys (keys XML cannot carry go one by one).
  Status delete_objects(const std::vector<std::string>& keys, const std::string& what) {
    std::string xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
    std::size_t in_batch = 0;
    for (const auto& key : keys) {
      bool xml_safe = std::none_of(key.begin(), key.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
      });
      if (!xml_safe) {
        S3Call del;
        del.method = "DELETE";
        del.key = key;
        ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.exchange(del));
        if (!is_2xx(resp.status) && resp.status != 404)
          return std::unexpected(m_client.error_for(resp, what));
        continue;
      }
      xml += "<Object><Key>" + s3::xml_escape(key) + "</Key></Object>";
      ++in_batch;
    }
    xml += "</Delete>";
    if (in_batch == 0) return ok();
    S3Call post;
    post.method = "POST";
    post.query = {{"delete", ""}};
    post.headers = {{"content-type", "application/xml"}, {"content-md5", aws::content_md5(xml)}};
    post.body = xml;
    ASSIGN_OR_RETURN(http::HttpResponse resp, m_client.send(post, what + " (DeleteObjects)"));
    auto errors = s3::xml_elements(resp.body, "Error");
    if (!errors.empty()) {
      std::string key = s3::xml_text(errors.front(), "Key").value_or("?");
      std::string code = s3::xml_text(errors.front(), "Code").value_or("");
      std::string message = s3::xml_text(errors.front(), "Message").value_or("");
      ErrorCode ec = code == "AccessDenied" ? ErrorCode::permission : ErrorCode::io;
      return make_error(
          ec, m_client.scrub(what + ": deleting '" + key + "' failed (" + code + ": " + message + ")"));
    }
    return ok();
  }

  S3Client m_client;
  env::Env* m_env;
  std::string m_key_prefix;  // "" or "prefix/"
  std::atomic<bool> m_bucket_known{false};
};

}  // namespace

Expected<std::unique_ptr<Remote>> open_s3_remote(const RemoteSpec& spec) {
  env::Env* fs = env::default_env();
  ASSIGN_OR_RETURN(S3Settings settings,
                   s3::parse_s3_settings(spec, s3::BucketRequired::yes, aws::process_environment(), *fs));
  return std::unique_ptr<Remote>(std::make_unique<S3Remote>(std::move(settings), fs));
}

Expected<std::vector<std::string>> list_s3_buckets(const RemoteSpec& spec) {
  env::Env* fs = env::default_env();
  ASSIGN_OR_RETURN(S3Settings settings,
                   s3::parse_s3_settings(spec, s3::BucketRequired::no, aws::process_environment(), *fs));
  S3Client client(std::move(settings));
  S3Call call;
  call.scope = s3::Scope::service;
  ASSIGN_OR_RETURN(http::HttpResponse resp, client.send(call, "listing buckets at " + client.endpoint_display()));
  std::vector<std::string> names;
  for (std::string_view bucket : s3::xml_elements(resp.body, "Bucket")) {
    if (auto name = s3::xml_text(bucket, "Name")) names.push_back(*name);
  }
  return names;
}

}  // namespace cairn::remote
