// `cairn store ls|mb|rb|put|get|stat|cp|rm`: bucket and object operations on any store (a local
// folder, S3, read-only HTTP), with the AWS CLI's --endpoint-url and --profile (the AWS_*
// environment and ~/.aws are honoured as by the remotes). The logic is remote/store_ops.h;
// this file parses, draws progress and prints (human text like `aws s3`, or --json).
//
// Exit codes of the store commands (cairn-only commands, so they say more than DVC's 0/1/255):
//   0 success; 1 not found or refused (missing bucket or object, non-empty bucket without
//   --force); 2 access denied (rejected or missing credentials); 3 store unreachable, timed out
//   or failing (5xx); 254 bad command line, URL, regex or option value; 255 other errors (I/O).
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/remote/store_ops.h"
#include "cairn/util/progress.h"

namespace cairn::cli {
namespace {

using remote::StoreContext;
using remote::StoreObject;
using Json = nlohmann::ordered_json;

constexpr int k_exit_denied = 2;
constexpr int k_exit_unreachable = 3;
constexpr std::uint64_t k_progress_min_bytes = 8ull << 20;

struct StoreFlags {
  std::string endpoint_url;
  std::string profile;
  bool json = false;
};

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found:
    case ErrorCode::conflict:
      return k_exit_failure;
    case ErrorCode::permission:
      return k_exit_denied;
    case ErrorCode::unavailable:
    case ErrorCode::timeout:
      return k_exit_unreachable;
    case ErrorCode::invalid_input:
      return k_exit_usage;
    default:
      return k_exit_error;
  }
}

void fail(CliContext& ctx, const Error& error) {
  std::fprintf(stderr, "ERROR: %s\n", redact(error.message()).c_str());
  ctx.exit_code = exit_code_for(error.code());
}

StoreContext store_context(const CliContext& ctx, const StoreFlags& flags) {
  StoreContext s;
  s.endpoint_url = flags.endpoint_url;
  s.profile = flags.profile;
  s.cwd = ctx.cwd;
  return s;
}

// A byte progress bar for transfers of at least 8 MiB (drawn only on a terminal, not with -q).
class TransferBar {
 public:
  explicit TransferBar(std::string label) : m_label(std::move(label)) {}
  remote::TransferObserver observer() {
    return {[this](std::uint64_t total) {
              if (total >= k_progress_min_bytes)
                m_bar =
                    std::make_unique<Progress>(m_label, total, ProgressMode::automatic, ProgressUnit::bytes);
            },
            [this](std::uint64_t n) {
              if (m_bar) m_bar->advance(n, n);
            }};
  }
  void finish() {
    if (m_bar) m_bar->finish();
  }

 private:
  std::string m_label;
  std::unique_ptr<Progress> m_bar;
};

// "2024-05-01 12:00:00" in local time, as `aws s3 ls` prints; 19 blanks when unknown.
std::string format_time(std::int64_t mtime_ns) {
  if (mtime_ns == 0) return std::string(19, ' ');
  std::time_t t = static_cast<std::time_t>(mtime_ns / 1000000000);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// ISO 8601 UTC with a Z, or null when unknown.
Json iso_time(std::int64_t mtime_ns) {
  if (mtime_ns == 0) return nullptr;
  std::time_t t = static_cast<std::time_t>(mtime_ns / 1000000000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json object_json(const StoreObject& o) {
  Json j = Json::object();
  j["name"] = o.name;
  j["url"] = o.url;
  j["type"] = o.is_prefix ? "prefix" : "object";
  if (!o.is_prefix) {
    j["size"] = o.size;
    j["mtime"] = iso_time(o.mtime_ns);
    j["etag"] = o.etag.empty() ? Json(nullptr) : Json(o.etag);
  }
  return j;
}

// Adds the shared flags; `store` has fallthrough, so they work before or after the verb.
void add_store_flags(CLI::App* sub, StoreFlags& flags, bool with_json) {
  sub->add_option("--endpoint-url", flags.endpoint_url,
                  "S3 endpoint URL (MinIO, Ceph, ...), as the AWS CLI's --endpoint-url; default: "
                  "AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's endpoint_url, else AWS.");
  sub->add_option("--profile", flags.profile,
                  "AWS profile of ~/.aws/credentials and ~/.aws/config to use (default: AWS_PROFILE, else "
                  "'default'; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY win when no profile is named).");
  if (with_json) sub->add_flag("--json", flags.json, "Print the result as JSON.");
}

}  // namespace

void register_store(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<StoreFlags>();
  auto* store = app.add_subcommand(
      "store",
      "Bucket and object operations on any store: local folders, S3 (s3://bucket/key), HTTP (read-only).");
  store->require_subcommand(1);
  store->fallthrough();
  store->footer(
      "URLs: s3://bucket[/key], a local path or file:///path, http(s)://host/path (read-only).\n"
      "A URL ending in '/' is a folder: put/get/cp into it keep the file's name.\n"
      "Credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws (--profile); they are never printed.\n"
      "Exit codes: 0 ok; 1 not found or refused; 2 access denied; 3 store unreachable or failing;\n"
      "254 bad command line or value; 255 other errors.");
  add_store_flags(store, *flags, false);
  add_common_flags(store, ctx);

  // ls
  {
    struct Opts {
      std::string url;
      std::string filter;
      bool recursive = false;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = store->add_subcommand(
        "ls",
        "List buckets (no URL: the buckets of the S3 endpoint) or the objects under a URL, as `aws s3 ls`.");
    sub->add_option("url", o->url, "s3://bucket[/prefix], a folder, or nothing to list buckets.");
    sub->add_option("--filter", o->filter,
                    "Only names matching this regular expression (ECMAScript, searched).");
    sub->add_flag("-r,--recursive", o->recursive,
                  "List every object below the URL (names stay relative to the URL's folder).");
    add_store_flags(sub, *flags, true);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, o] {
      prepare(ctx);
      StoreContext s = store_context(ctx, *flags);
      if (o->url.empty()) {
        auto buckets = remote::store_list_buckets(s, o->filter);
        if (!buckets) return fail(ctx, buckets.error());
        if (flags->json) {
          Json arr = Json::array();
          for (const auto& b : *buckets) arr.push_back(Json{{"name", b.name}, {"url", b.url}});
          out_line(ctx, dumps(arr));
          return;
        }
        for (const auto& b : *buckets) out_line(ctx, b.name);
        return;
      }
      auto listed = remote::store_ls(o->url, s, o->recursive ? remote::Recursive::yes : remote::Recursive::no,
                                     o->filter);
      if (!listed) return fail(ctx, listed.error());
      if (flags->json) {
        Json arr = Json::array();
        for (const auto& obj : *listed) arr.push_back(object_json(obj));
        out_line(ctx, dumps(arr));
        return;
      }
      for (const auto& obj : *listed) {
        if (obj.is_prefix) {
          out_line(ctx, std::string(27, ' ') + "PRE " + obj.name);
          continue;
        }
        char size[32];
        std::snprintf(size, sizeof size, "%10llu", static_cast<unsigned long long>(obj.size));
        out_line(ctx, format_time(obj.mtime_ns) + " " + size + " " + obj.name);
      }
    });
  }

  // mb
  {
    auto url = std::make_shared<std::string>();
    auto* sub =
        store->add_subcommand("mb", "Make a bucket (or folder); an existing one is found, not an error.");
    sub->add_option("url", *url, "s3://bucket or a folder path.")->required();
    add_store_flags(sub, *flags, true);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, url] {
      prepare(ctx);
      auto made = remote::store_make_bucket(*url, store_context(ctx, *flags));
      if (!made) return fail(ctx, made.error());
      bool created = *made == remote::Created::yes;
      if (flags->json) return out_line(ctx, dumps(Json{{"url", redact(*url)}, {"created", created}}));
      out_line(ctx, created ? "make_bucket: " + redact(*url) : "bucket exists: " + redact(*url));
    });
  }

  // rb
  {
    struct Opts {
      std::string url;
      bool force = false;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = store->add_subcommand(
        "rb", "Remove a bucket (or folder); refused when it holds objects, unless --force.");
    sub->add_option("url", o->url, "s3://bucket or a folder path.")->required();
    sub->add_flag("-f,--force", o->force, "Delete every object in it first.");
    add_store_flags(sub, *flags, false);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, o] {
      prepare(ctx);
      auto st =
          remote::store_remove_bucket(o->url, store_context(ctx, *flags),
                                      o->force ? remote::Remote::Force::yes : remote::Remote::Force::no);
      if (!st) {
        if (st.error().code() == ErrorCode::conflict && !o->force)
          return fail(ctx, Error(st.error().code(), st.error().message() + " (use --force)"));
        return fail(ctx, st.error());
      }
      out_line(ctx, "remove_bucket: " + redact(o->url));
    });
  }

  // put
  {
    struct Opts {
      std::string file, url;
    };
    auto o = std::make_shared<Opts>();
    auto* sub =
        store->add_subcommand("put", "Upload a local file to a URL (atomic: the old object or the new one).");
    sub->add_option("file", o->file, "Local file.")->required();
    sub->add_option("url", o->url, "Destination (ending in '/': keep the file's name).")->required();
    add_store_flags(sub, *flags, true);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, o] {
      prepare(ctx);
      TransferBar bar("upload " + o->file);
      auto put = remote::store_put(o->file, o->url, store_context(ctx, *flags), bar.observer());
      bar.finish();
      if (!put) return fail(ctx, put.error());
      if (flags->json) return out_line(ctx, dumps(Json{{"url", put->url}, {"size", put->size}}));
      out_line(ctx, "upload: " + o->file + " to " + put->url);
    });
  }

  // get
  {
    struct Opts {
      std::string url, file;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = store->add_subcommand(
        "get",
        "Download an object to a local file (atomic: a temp file renamed into place; no partial file).");
    sub->add_option("url", o->url, "Object URL.")->required();
    sub->add_option("file", o->file, "Local destination (a folder: keep the object's name).")->required();
    add_store_flags(sub, *flags, true);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, o] {
      prepare(ctx);
      TransferBar bar("download " + redact(o->url));
      auto got = remote::store_get(o->url, o->file, store_context(ctx, *flags), bar.observer());
      bar.finish();
      if (!got) return fail(ctx, got.error());
      if (flags->json) return out_line(ctx, dumps(Json{{"path", *got}}));
      out_line(ctx, "download: " + redact(o->url) + " to " + *got);
    });
  }

  // stat
  {
    auto url = std::make_shared<std::string>();
    auto* sub = store->add_subcommand("stat", "Show an object's size, modification time and etag.");
    sub->add_option("url", *url, "Object URL.")->required();
    add_store_flags(sub, *flags, true);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, url] {
      prepare(ctx);
      auto st = remote::store_stat(*url, store_context(ctx, *flags));
      if (!st) return fail(ctx, st.error());
      if (!*st) return fail(ctx, Error(ErrorCode::not_found, "no such object: " + redact(*url)));
      const StoreObject& o = **st;
      if (flags->json) return out_line(ctx, dumps(object_json(o)));
      out_line(ctx, "url: " + o.url);
      out_line(ctx, "size: " + std::to_string(o.size));
      Json mtime = iso_time(o.mtime_ns);
      out_line(ctx, "last_modified: " + (mtime.is_null() ? std::string("-") : mtime.get<std::string>()));
      out_line(ctx, "etag: " + (o.etag.empty() ? std::string("-") : o.etag));
    });
  }

  // cp
  {
    struct Opts {
      std::string src, dst;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = store->add_subcommand(
        "cp",
        "Copy a file or object between any two places (local paths and URLs; server-side within a bucket).");
    sub->add_option("src", o->src, "Source: a local file or an object URL.")->required();
    sub->add_option("dst", o->dst, "Destination: a local path or a URL (ending in '/': keep the name).")
        ->required();
    add_store_flags(sub, *flags, true);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, o] {
      prepare(ctx);
      TransferBar bar("copy " + redact(o->src));
      auto copied = remote::store_cp(o->src, o->dst, store_context(ctx, *flags), bar.observer());
      bar.finish();
      if (!copied) return fail(ctx, copied.error());
      if (flags->json) return out_line(ctx, dumps(Json{{"src", redact(o->src)}, {"dst", *copied}}));
      out_line(ctx, "copy: " + redact(o->src) + " to " + *copied);
    });
  }

  // rm
  {
    struct Opts {
      std::string url;
      bool recursive = false;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = store->add_subcommand("rm", "Delete an object, or with --recursive everything under a URL.");
    sub->add_option("url", o->url, "Object URL (or prefix/folder with --recursive).")->required();
    sub->add_flag("-r,--recursive", o->recursive, "Delete every object under the URL's folder.");
    add_store_flags(sub, *flags, true);
    add_common_flags(sub, ctx);
    sub->callback([&ctx, flags, o] {
      prepare(ctx);
      auto removed = remote::store_rm(o->url, store_context(ctx, *flags),
                                      o->recursive ? remote::Recursive::yes : remote::Recursive::no);
      if (!removed) return fail(ctx, removed.error());
      if (flags->json) return out_line(ctx, dumps(Json(*removed)));
      for (const auto& u : *removed) out_line(ctx, "delete: " + u);
    });
  }
}

}  // namespace cairn::cli
