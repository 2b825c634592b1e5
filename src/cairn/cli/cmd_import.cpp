// `cairn import-url` and `cairn update`: track data from a local path, s3:// or http(s):// URL in
// an import `.dvc` file (DVC's commands of the same names; the logic is repo/import_url.h).
// Output as DVC prints it: "Importing '<source>' -> '<out>'" per import, "'<file>.dvc' didn't
// change, skipping" for an unchanged one, the `git add` hint after import-url, and errors as
// "ERROR: failed to import <url>. ..." / "ERROR: failed update data - ..." with exit code 1.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/import_url.h"

namespace cairn::cli {

void register_import_url(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string url;
    std::string out;
    std::string out_flag;
    bool no_exec = false;
    bool no_download = false;
    bool force = false;
    std::size_t jobs = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "import-url", "Download or copy a file or directory from a URL and track it (frozen import .dvc).");
  sub->add_option("url", o->url,
                  "Location of the data: /absolute/path, relative/path, s3://bucket/key, https://host/path.")
      ->required();
  sub->add_option("out", o->out, "Destination path to put files to (default: the URL's file name).");
  sub->add_option("-o,--out", o->out_flag, "Destination path (same as the OUT argument).");
  auto* no_exec =
      sub->add_flag("--no-exec", o->no_exec, "Only create the .dvc file without accessing the URL.");
  auto* no_download = sub->add_flag(
      "--no-download", o->no_download,
      "Create the .dvc file with the source's hash but do not download the data (pull fetches it later).");
  no_exec->excludes(no_download);
  sub->add_flag("-f,--force", o->force, "Override the local file or folder if it exists.");
  sub->add_option("-j,--jobs", o->jobs, "Number of parallel transfers (default: 2 x cores).");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, o] {
    prepare(ctx);
    if (!o->out.empty() && !o->out_flag.empty() && o->out != o->out_flag) {
      std::fprintf(stderr, "ERROR: OUT given twice ('%s' and -o '%s')\n", o->out.c_str(),
                   o->out_flag.c_str());
      ctx.exit_code = k_exit_usage;
      return;
    }
    with_repo_locked(ctx, [&](repo::Repository& r) {
      repo::ImportUrlOptions opts;
      opts.url = o->url;
      if (!o->out.empty()) opts.out = o->out;
      if (!o->out_flag.empty()) opts.out = o->out_flag;
      opts.mode = o->no_exec       ? repo::ImportMode::no_exec
                  : o->no_download ? repo::ImportMode::no_download
                                   : repo::ImportMode::download;
      opts.force = o->force ? repo::Force::yes : repo::Force::no;
      opts.jobs = o->jobs;
      opts.on_start = [&](const std::string& source, const std::string& out) {
        out_line(ctx, "Importing '" + redact(source) + "' -> '" + out + "'");
        std::fflush(stdout);
      };
      auto res = repo::import_url(r, opts);
      if (!res) {
        ctx.exit_code = report_error(res.error());
        return;
      }
      print_track_hint(ctx, res->files_to_track);
    });
  });
}

void register_update(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::vector<std::string> targets;
    bool no_download = false;
    bool recursive = false;
    std::size_t jobs = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("update", "Re-import data of import .dvc files when their source changed.");
  sub->add_option("targets", o->targets, "Import .dvc files (or their outputs) to update.")->required();
  sub->add_flag("--no-download", o->no_download,
                "Update the source's hash in the .dvc file but do not download the data.");
  sub->add_flag("-R,-r,--recursive", o->recursive,
                "Update every import .dvc file inside the given directories.");
  sub->add_option("-j,--jobs", o->jobs, "Number of parallel transfers (default: 2 x cores).");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, o] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      repo::UpdateOptions opts;
      opts.targets = o->targets;
      opts.mode = o->no_download ? repo::ImportMode::no_download : repo::ImportMode::download;
      opts.recursive = o->recursive;
      opts.jobs = o->jobs;
      opts.on_start = [&](const std::string& source, const std::string& out) {
        out_line(ctx, "Importing '" + redact(source) + "' -> '" + out + "'");
        std::fflush(stdout);
      };
      auto res = repo::update(r, opts);
      if (!res) {
        ctx.exit_code =
            report_error(Error(res.error().code(), "failed update data - " + res.error().message()));
        return;
      }
      for (const auto& f : res->unchanged) out_line(ctx, "'" + f + "' didn't change, skipping");
      for (const auto& f : res->skipped) warn_line("Could not update '" + f + "': it is not an import");
    });
  });
}

}  // namespace cairn::cli
