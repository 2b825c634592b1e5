// import-url and update: track data that lives outside the repository (a local path, an S3
// object or prefix, an HTTP(S) file) in an import `.dvc` file with DVC 3.67's bytes
// (dvc/repo/imp_url.py, dvc/repo/update.py, dvc/stage/imports.py):
//
//   md5: <stage md5 (stage_md5.h)>
//   frozen: true
//   deps:
//   - <md5|etag|checksum>: <source hash (import_source.h)>
//     size: <n>                      (nfiles for folders)
//     hash: md5
//     path: <the URL as typed; a local path inside the repository relative to the .dvc>
//   outs:
//   - md5: <content md5 or .dir>      (absent with --no-download / --no-exec)
//     size: <n>
//     hash: md5
//     path: <basename of the output>
//
// import_url: the output is named after the URL (or OUT, or OUT/<name> when OUT is a folder);
// the `.dvc` file goes next to it. An existing output is refused unless Force::yes (then it is
// replaced). ImportMode::download stores the source in the cache and links it into the
// workspace per cache.type; no_download records the source's hash only (the output has no
// hash and is fetched later from the source: import_url_fetch); no_exec records only the paths
// and does not contact the source. The output is added to the `.gitignore` beside it; with
// core.autostage the touched files are staged in git.
//
// update: for each import `.dvc` (or output) named, re-checks the source; when the source,
// the stage md5 or the output changed (a partial import always counts as changed) it
// re-imports — downloading unless ImportMode::no_download, which records the new source hash
// and clears the output's hash (DVC computes the stage md5 before clearing it). Unchanged
// imports are left as they are. Existing `.dvc` text is updated with DVC's apply_diff (key
// order kept, new keys appended). Non-import `.dvc` files are reported in `skipped`.
//
// Nothing is written to the workspace or the `.dvc` file before the source's bytes are safely
// in the cache.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cairn/repo/add.h"
#include "cairn/repo/dvc_file.h"
#include "cairn/repo/import_source.h"
#include "cairn/repo/repository.h"

namespace cairn::repo {

enum class ImportMode { download, no_download, no_exec };

// Called once per (re-)import, before its data moves, with DVC's "Importing '<source>' ->
// '<out>'" parts (source: DVC's str(dep); out: relative to the cwd).
using ImportStarted = std::function<void(const std::string& source, const std::string& out)>;

struct ImportUrlOptions {
  std::string url;                 // as the user typed it
  std::optional<std::string> out;  // OUT (relative to the cwd)
  ImportMode mode = ImportMode::download;
  Force force = Force::no;  // replace an existing output
  std::size_t jobs = 0;     // 0: default
  ImportStarted on_start;
};

struct ImportResult {
  std::string dvc_file;                     // relative to the cwd
  std::vector<std::string> files_to_track;  // .dvc/.gitignore files to `git add`, sorted
};

Expected<ImportResult> import_url(Repository& repo, const ImportUrlOptions& options);

struct UpdateOptions {
  std::vector<std::string> targets;        // .dvc files or outputs; with recursive, folders too
  ImportMode mode = ImportMode::download;  // download or no_download
  bool recursive = false;
  std::size_t jobs = 0;
  ImportStarted on_start;
};

struct UpdateResult {
  std::vector<std::string> unchanged;       // .dvc files (relative to cwd) that needed nothing
  std::vector<std::string> updated;         // .dvc files re-imported
  std::vector<std::string> skipped;         // .dvc files that are not imports
  std::vector<std::string> files_to_track;  // sorted
};

Expected<UpdateResult> update(Repository& repo, const UpdateOptions& options);

// ---- for fetch/pull of partial imports (repo/transfer.*) ------------------------------------

// An import (one dependency that is not a repository import, one output) whose output has no
// hash: made with --no-download (or update --no-download); its data comes from the source.
bool is_partial_import(const DvcFile& file);

struct ImportFetch {
  std::string dvc_file;  // relative to the cwd
  std::string out_abs;   // where the output goes in the workspace
  Fetched fetched;       // what is now in the cache
};

// Copies a partial import's data from its source into the cache, after checking that the
// source still matches the dependency recorded in the `.dvc` file (conflict "changed since it
// was imported" otherwise: the user must `update`). The `.dvc` file is not modified (as DVC).
// Precondition: is_partial_import(file).
Expected<ImportFetch> import_url_fetch(Repository& repo, const DvcFile& file, std::size_t jobs);

// Links fetched data into the workspace at fetched.out_abs per cache.type (pull's checkout
// step). An existing output whose content differs is replaced only with Force::yes (conflict
// otherwise); one with the same content is left alone. Says which of the three happened.
enum class ImportPlaced { unchanged, added, modified };
Expected<ImportPlaced> import_url_checkout(Repository& repo, const ImportFetch& fetched, Force force);

}  // namespace cairn::repo
