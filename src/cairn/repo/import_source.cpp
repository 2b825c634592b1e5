// Sources of import-url stages (local, S3, HTTP); see import_source.h.
#include "cairn/repo/import_source.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cairn/object/file_hash.h"
#include "cairn/object/tree.h"
#include "cairn/remote/http_remote.h"
#include "cairn/remote/registry.h"
#include "cairn/remote/retry_remote.h"
#include "cairn/repo/output_state.h"
#include "cairn/util/md5.h"
#include "cairn/util/path.h"
#include "cairn/util/progress.h"
#include "cairn/util/py_json.h"
#include "cairn/util/thread_pool.h"

namespace cairn::repo {

namespace {

// Runs fn(i) for every i on `jobs` threads; returns the first error.
Status parallel_try(std::size_t n, std::size_t jobs, const std::function<Status(std::size_t)>& fn) {
  std::mutex mu;
  std::optional<Error> first;
  std::atomic<bool> failed{false};
  parallel_for(n, std::max<std::size_t>(1, jobs), [&](std::size_t i) {
    if (failed) return;
    auto st = fn(i);
    if (!st) {
      std::lock_guard lock(mu);
      if (!first) first = st.error();
      failed = true;
    }
  });
  if (first) return std::unexpected(*first);
  return ok();
}

std::string changed_since(const std::string& what) {
  return "the source " + what +
         " changed since it was imported; run `cairn update` to import the new version";
}

// The md5 `.dir` id and the cache object for a folder's (relpath, md5) list.
Expected<object::ObjectId> store_manifest(Repository& repo, std::vector<FetchedFile>& files) {
  std::vector<object::TreeEntry> entries;
  entries.reserve(files.size());
  for (const auto& f : files) entries.push_back(object::TreeEntry{f.relpath, f.md5, f.size, false});
  object::Tree tree(std::move(entries));
  std::string bytes = tree.serialize();
  object::ObjectId id = tree.id();
  ASSIGN_OR_RETURN(bool present, repo.store().exists(id));
  if (!present) TRY_STATUS(repo.store().put_bytes(id, bytes));
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.relpath < b.relpath; });
  return id;
}

// A temp file for a download, in the repository's tmp dir (same file system as the cache).
Expected<std::string> download_temp(Repository& repo) {
  std::string dir = repo.cairn_state_dir() + "/imports";
  TRY_STATUS(repo.env()->make_dirs(dir));
  return env::temp_name_for(dir + "/download");
}

// Downloads `key` of `remote` and stores it in the cache; the temp file is always removed.
Expected<FetchedFile> download_into_cache(Repository& repo, remote::Remote& remote, const std::string& key,
                                          const std::string& relpath, Progress* progress) {
  ASSIGN_OR_RETURN(std::string tmp, download_temp(repo));
  auto got = remote.get_file(key, tmp, [&](std::uint64_t n) {
    if (progress) progress->advance(0, n);
  });
  if (!got) {
    (void)repo.env()->remove_file(tmp);
    return std::unexpected(got.error());
  }
  auto stored = repo.store().put_file_hashing(tmp, object::HashName::md5);
  (void)repo.env()->remove_file(tmp);
  if (!stored) return std::unexpected(stored.error());
  if (progress) progress->advance(1, 0);
  return FetchedFile{relpath, stored->md5, stored->size};
}

// ---------------------------------------------------------------------------------- local

class LocalSource final : public ImportSource {
 public:
  LocalSource(Repository& repo, std::string def_path, std::string abs)
      : ImportSource(repo, SourceKind::local, std::move(def_path)), m_abs(std::move(abs)) {}

  std::string display() const override { return m_abs; }

  Expected<SourceState> state(std::size_t jobs) override {
    SourceState s;
    s.hash_key = "md5";
    ASSIGN_OR_RETURN(auto st, m_repo.env()->stat(m_abs, env::Follow::yes));
    if (!st) return s;
    s.exists = true;
    if (st->type == env::FileType::regular) {
      ASSIGN_OR_RETURN(auto h, object::hash_file(m_repo.env(), m_abs));
      s.hash_value = h.md5;
      s.size = h.size;
      s.isexec = st->is_exec();
      return s;
    }
    if (st->type != env::FileType::directory)
      return make_error(ErrorCode::invalid_input, "dependency '" + m_abs + "' is not a file or directory");
    s.is_dir = true;
    ASSIGN_OR_RETURN(s.files, list_files());
    TRY_STATUS(parallel_try(s.files.size(), resolve_jobs(jobs), [&](std::size_t i) -> Status {
      ASSIGN_OR_RETURN(auto h, object::hash_file(m_repo.env(), path::join(m_abs, s.files[i].relpath)));
      s.files[i].hash = h.md5;
      s.files[i].size = h.size;
      return ok();
    }));
    std::vector<object::TreeEntry> entries;
    std::uint64_t total = 0;
    for (const auto& f : s.files) {
      entries.push_back(object::TreeEntry{f.relpath, f.hash, f.size, false});
      total += f.size;
    }
    s.hash_value = object::Tree(std::move(entries)).id().value;
    s.size = total;
    s.nfiles = s.files.size();
    return s;
  }

  Expected<Fetched> fetch(const SourceState& expected, std::size_t jobs) override {
    Fetched out;
    ASSIGN_OR_RETURN(auto st, m_repo.env()->stat(m_abs, env::Follow::yes));
    if (!st) return make_error(ErrorCode::not_found, "dependency '" + m_abs + "' does not exist");
    if (st->type != env::FileType::directory) {
      ASSIGN_OR_RETURN(auto stored, m_repo.store().put_file_hashing(m_abs, object::HashName::md5));
      if (!expected.hash_value.empty() && stored.md5 != expected.hash_value)
        return make_error(ErrorCode::conflict, changed_since("'" + m_abs + "'"));
      out.id = object::ObjectId{stored.md5, object::HashName::md5};
      out.size = stored.size;
      out.files.push_back(FetchedFile{"", stored.md5, stored.size});
      return out;
    }
    std::vector<SourceFile> files = expected.files;
    if (files.empty()) {
      ASSIGN_OR_RETURN(files, list_files());
    }
    out.files.resize(files.size());
    Progress progress("Importing " + m_abs, files.size());
    TRY_STATUS(parallel_try(files.size(), resolve_jobs(jobs), [&](std::size_t i) -> Status {
      ASSIGN_OR_RETURN(auto stored, m_repo.store().put_file_hashing(path::join(m_abs, files[i].relpath),
                                                                    object::HashName::md5));
      out.files[i] = FetchedFile{files[i].relpath, stored.md5, stored.size};
      progress.advance(1, stored.size);
      return ok();
    }));
    progress.finish();
    ASSIGN_OR_RETURN(out.id, store_manifest(m_repo, out.files));
    if (!expected.hash_value.empty() && out.id.value != expected.hash_value)
      return make_error(ErrorCode::conflict, changed_since("'" + m_abs + "'"));
    out.is_dir = true;
    for (const auto& f : out.files) out.size += f.size;
    out.nfiles = out.files.size();
    return out;
  }

 private:
  // Every regular file under the folder (symlinks to files followed, as DVC's walk does),
  // sorted by relpath. Inside the repository the workspace rules (.dvcignore) apply.
  Expected<std::vector<SourceFile>> list_files() {
    std::vector<SourceFile> files;
    if (path::is_within(m_abs, m_repo.root())) {
      ASSIGN_OR_RETURN(auto walked, walk_dir(m_repo, m_abs, 0));
      for (const auto& f : walked) files.push_back(SourceFile{f.relpath, f.st.size, ""});
      return files;
    }
    std::vector<std::string> pending{""};
    while (!pending.empty()) {
      std::string rel = pending.back();
      pending.pop_back();
      ASSIGN_OR_RETURN(auto entries,
                       m_repo.env()->list_dir_stat(rel.empty() ? m_abs : path::join(m_abs, rel)));
      for (const auto& e : entries) {
        if (!e.st) continue;
        std::string child = rel.empty() ? e.name : rel + "/" + e.name;
        if (e.st->type == env::FileType::directory) {
          auto lst = m_repo.env()->stat(path::join(m_abs, child), env::Follow::no);
          if (lst && *lst && (*lst)->type == env::FileType::symlink) continue;  // no link cycles
          pending.push_back(child);
        } else if (e.st->type == env::FileType::regular) {
          files.push_back(SourceFile{child, e.st->size, ""});
        }
      }
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.relpath < b.relpath; });
    return files;
  }

  std::string m_abs;
};

// ---------------------------------------------------------------------------------- s3

class S3Source final : public ImportSource {
 public:
  S3Source(Repository& repo, std::string def_path, std::string bucket_url, std::string key,
           std::unique_ptr<remote::Remote> remote)
      : ImportSource(repo, SourceKind::s3, std::move(def_path)),
        m_bucket_url(std::move(bucket_url)),
        m_key(std::move(key)),
        m_remote(std::move(remote)) {}

  std::string display() const override { return remote::redact_url(m_def_path); }

  Expected<SourceState> state(std::size_t) override {
    SourceState s;
    s.hash_key = "etag";
    bool folder_only = m_key.empty() || m_key.ends_with('/');
    if (!folder_only) {
      auto info = m_remote->stat(m_key);
      if (!info) {
        if (info.error().code() == ErrorCode::not_found) return s;  // no such bucket
        return std::unexpected(info.error());
      }
      if (*info) {
        s.exists = true;
        s.hash_value = (*info)->etag;
        s.size = (*info)->size;
        return s;
      }
    }
    std::string prefix = folder_prefix();
    auto listed = m_remote->list(prefix, [&](const remote::ObjectInfo& o) {
      s.files.push_back(SourceFile{o.key.substr(prefix.size()), o.size, o.etag});
      return true;
    });
    if (!listed) {
      if (listed.error().code() == ErrorCode::not_found) return s;
      return std::unexpected(listed.error());
    }
    if (s.files.empty()) return s;
    std::sort(s.files.begin(), s.files.end(),
              [](const auto& a, const auto& b) { return a.relpath < b.relpath; });
    s.exists = true;
    s.is_dir = true;
    s.hash_key = "md5";
    std::string manifest = etag_manifest_bytes(s.files);
    object::ObjectId id{md5_hex(manifest) + ".dir", object::HashName::md5};
    // DVC keeps the etag manifest it built in the cache.
    ASSIGN_OR_RETURN(bool present, m_repo.store().exists(id));
    if (!present) TRY_STATUS(m_repo.store().put_bytes(id, manifest));
    s.hash_value = id.value;
    std::uint64_t total = 0;
    for (const auto& f : s.files) total += f.size;
    s.size = total;
    s.nfiles = s.files.size();
    return s;
  }

  Expected<Fetched> fetch(const SourceState& expected, std::size_t jobs) override {
    ASSIGN_OR_RETURN(SourceState now, state(jobs));
    if (!now.exists) return make_error(ErrorCode::not_found, "dependency '" + display() + "' does not exist");
    if (!expected.hash_value.empty() && now.hash_value != expected.hash_value)
      return make_error(ErrorCode::conflict, changed_since("'" + display() + "'"));
    Fetched out;
    if (!now.is_dir) {
      ASSIGN_OR_RETURN(FetchedFile f, download_into_cache(m_repo, *m_remote, m_key, "", nullptr));
      out.id = object::ObjectId{f.md5, object::HashName::md5};
      out.size = f.size;
      out.files.push_back(std::move(f));
      return out;
    }
    std::string prefix = folder_prefix();
    out.files.resize(now.files.size());
    Progress progress("Importing " + display(), now.files.size());
    TRY_STATUS(parallel_try(now.files.size(), resolve_jobs(jobs), [&](std::size_t i) -> Status {
      ASSIGN_OR_RETURN(out.files[i], download_into_cache(m_repo, *m_remote, prefix + now.files[i].relpath,
                                                         now.files[i].relpath, &progress));
      return ok();
    }));
    progress.finish();
    ASSIGN_OR_RETURN(out.id, store_manifest(m_repo, out.files));
    out.is_dir = true;
    for (const auto& f : out.files) out.size += f.size;
    out.nfiles = out.files.size();
    return out;
  }

 private:
  std::string folder_prefix() const {
    if (m_key.empty() || m_key.ends_with('/')) return m_key;
    return m_key + "/";
  }

  std::string m_bucket_url;
  std::string m_key;
  std::unique_ptr<remote::Remote> m_remote;
};

// ---------------------------------------------------------------------------------- http

class HttpSource final : public ImportSource {
 public:
  HttpSource(Repository& repo, std::string def_path, std::string key, remote::HttpRemote* http,
             std::unique_ptr<remote::Remote> remote)
      : ImportSource(repo, SourceKind::http, std::move(def_path)),
        m_key(std::move(key)),
        m_http(http),
        m_remote(std::move(remote)) {}

  std::string display() const override { return remote::redact_url(m_def_path); }

  Expected<SourceState> state(std::size_t) override {
    SourceState s;
    s.hash_key = "checksum";
    ASSIGN_OR_RETURN(auto head, m_http->head(m_key));
    if (!head) return s;
    s.exists = true;
    std::string etag = head->header("etag");
    std::string content_md5 = head->header("content-md5");
    if (!etag.empty())
      s.hash_value = etag;
    else if (!content_md5.empty())
      s.hash_value = content_md5;
    else
      s.hash_value = fsspec_http_token(m_def_path, head->effective_url, head->headers);
    if (auto size = head_size(*head)) s.size = *size;
    return s;
  }

  Expected<Fetched> fetch(const SourceState& expected, std::size_t jobs) override {
    ASSIGN_OR_RETURN(SourceState now, state(jobs));
    if (!now.exists) return make_error(ErrorCode::not_found, "dependency '" + display() + "' does not exist");
    if (!expected.hash_value.empty() && now.hash_value != expected.hash_value)
      return make_error(ErrorCode::conflict, changed_since("'" + display() + "'"));
    ASSIGN_OR_RETURN(FetchedFile f, download_into_cache(m_repo, *m_remote, m_key, "", nullptr));
    Fetched out;
    out.id = object::ObjectId{f.md5, object::HashName::md5};
    out.size = f.size;
    out.files.push_back(std::move(f));
    return out;
  }

  // fsspec's size: Content-Length unless the body is encoded, else Content-Range's total.
  static std::optional<std::uint64_t> head_size(const remote::HttpHead& head) {
    std::string encoding = head.header("content-encoding");
    if (head.has_header("content-length") && (encoding.empty() || encoding == "identity"))
      return std::strtoull(head.header("content-length").c_str(), nullptr, 10);
    return remote::http::content_range_total(head.header("content-range"));
  }

 private:
  std::string m_key;
  remote::HttpRemote* m_http;                // owned by m_remote
  std::unique_ptr<remote::Remote> m_remote;  // m_http inside a RetryRemote
};

// Python's repr() of a str (ASCII control characters escaped; other text kept).
std::string py_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == quote || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(ch);
    }
  }
  out.push_back(quote);
  return out;
}

// A 32-hex md5 as a decimal integer (Python's str(int(hex, 16))).
std::string hex_to_decimal(std::string_view hex) {
  unsigned __int128 v = 0;
  for (char c : hex) v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  if (v == 0) return "0";
  std::string out;
  while (v > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

std::string etag_manifest_bytes(const std::vector<SourceFile>& files) {
  std::vector<const SourceFile*> sorted;
  for (const auto& f : files) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->relpath < b->relpath; });
  nlohmann::json arr = nlohmann::json::array();
  for (const auto* f : sorted) arr.push_back({{"etag", f->hash}, {"relpath", f->relpath}});
  return pyjson::dumps_sorted(arr);
}

std::string fsspec_http_token(const std::string& url, const std::string& effective_url,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  auto header = [&](std::string_view name) -> std::optional<std::string> {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return std::nullopt;
  };
  remote::HttpHead head;
  head.headers = headers;
  // {"name": url, "size": ..., **info, "type": "file"}; info's keys in fsspec's order.
  std::string d = "{'name': " + py_repr(url) + ", 'size': ";
  auto size = HttpSource::head_size(head);
  d += size ? std::to_string(*size) : "None";
  if (auto type = header("content-type")) {
    std::string mime = type->substr(0, type->find(';'));
    d += ", 'mimetype': " + py_repr(mime);
  }
  if (header("accept-ranges") == std::optional<std::string>("none")) d += ", 'partial': False";
  d += ", 'url': " + py_repr(effective_url);
  for (auto [field, lower] : {std::pair{"ETag", "etag"}, std::pair{"Content-MD5", "content-md5"},
                              std::pair{"Digest", "digest"}, std::pair{"Last-Modified", "last-modified"}}) {
    auto v = header(lower);
    if (v && !v->empty()) d += ", '" + std::string(field) + "': " + py_repr(*v);
  }
  d += ", 'type': 'file'}";
  return hex_to_decimal(md5_hex("(" + d + ",)"));
}

Expected<std::unique_ptr<ImportSource>> ImportSource::open(Repository& repo, const std::string& def_path,
                                                           const std::string& wdir) {
  std::string scheme = remote::url_scheme(def_path);
  if (scheme == "s3") {
    std::string_view rest = std::string_view(def_path).substr(5);
    auto slash = rest.find('/');
    std::string bucket(rest.substr(0, slash));
    if (bucket.empty())
      return make_error(ErrorCode::invalid_input,
                        "S3 URL without a bucket: '" + remote::redact_url(def_path) + "'");
    std::string key = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
    remote::RemoteSpec spec;
    spec.url = "s3://" + bucket;
    ASSIGN_OR_RETURN(auto r, remote::open_remote(spec));
    return std::unique_ptr<ImportSource>(
        std::make_unique<S3Source>(repo, def_path, spec.url, std::move(key), std::move(r)));
  }
  if (scheme == "http" || scheme == "https") {
    ASSIGN_OR_RETURN(auto split, remote::split_http_url(def_path));
    remote::RemoteSpec spec;
    spec.url = split.first;
    ASSIGN_OR_RETURN(auto options, remote::http_remote_options(spec));
    auto http = std::make_unique<remote::HttpRemote>(split.first, std::move(options), repo.env());
    remote::HttpRemote* raw = http.get();
    auto wrapped = std::make_unique<remote::RetryRemote>(std::move(http), remote::WrapOptions{});
    return std::unique_ptr<ImportSource>(
        std::make_unique<HttpSource>(repo, def_path, split.second, raw, std::move(wrapped)));
  }
  if (scheme != "file")
    return make_error(ErrorCode::invalid_input,
                      "unsupported URL scheme '" + scheme + "' in '" + remote::redact_url(def_path) +
                          "' (cairn imports local paths, s3:// and http(s):// URLs)");
  std::string p = def_path;
  if (p.starts_with("file://")) p = p.substr(7);
  std::string abs = p.starts_with("/") ? path::normalize(p) : path::normalize(path::join(wdir, p));
  return std::unique_ptr<ImportSource>(std::make_unique<LocalSource>(repo, def_path, abs));
}

}  // namespace cairn::repo
