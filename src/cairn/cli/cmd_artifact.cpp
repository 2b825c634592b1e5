// `cairn artifact log|get|show|ls|push`: logging and reading artifacts (engine:
// catalog/artifacts.h). Human text by default, --json for scripts; exit codes in artifact_cli.h.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cairn/cli/artifact_cli.h"
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/util/path.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::ordered_json;

struct LogFlags {
  std::vector<std::string> files, labels, infos, based_on;
  std::string name, user;
  bool json = false;
};

Expected<std::pair<std::string, std::string>> split_kv(const std::string& kv, const char* flag) {
  auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    return make_error(ErrorCode::invalid_input, std::string(flag) + " expects KEY=VALUE, got '" + kv + "'");
  return std::pair{kv.substr(0, eq), kv.substr(eq + 1)};
}

Status apply_label(catalog::Labels& labels, const std::string& key, const std::string& value) {
  std::optional<std::string>* slot = key == "datatype"      ? &labels.datatype
                                     : key == "ticket"      ? &labels.ticket
                                     : key == "project"     ? &labels.project
                                     : key == "dataset"     ? &labels.dataset
                                     : key == "description" ? &labels.description
                                                            : nullptr;
  if (!slot)
    return make_error(ErrorCode::invalid_input, "unknown label '" + key +
                                                    "' (labels: datatype, ticket, project, dataset, description; "
                                                    "use --info KEY=VALUE for anything else)");
  *slot = value;
  return ok();
}

// --info a.b=VALUE sets infos.a.b; VALUE is JSON when it parses as JSON (10, true, [1,2]),
// otherwise the text itself.
Status apply_info(nlohmann::json& infos, const std::string& key, const std::string& value) {
  nlohmann::json* node = &infos;
  std::size_t start = 0;
  while (true) {
    auto dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) return make_error(ErrorCode::invalid_input, "bad --info key '" + key + "'");
    if (dot == std::string::npos) {
      auto parsed = nlohmann::json::parse(value, nullptr, false);
      (*node)[part] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
      return ok();
    }
    node = &(*node)[part];
    if (!node->is_object()) *node = nlohmann::json::object();
    start = dot + 1;
  }
}

void run_log(CliContext& ctx, const LogFlags& f) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  catalog::LogOptions options;
  if (!f.name.empty()) options.name = f.name;
  if (!f.user.empty()) options.username = f.user;
  for (const auto& kv : f.labels) {
    auto p = split_kv(kv, "--label");
    if (!p) return void(ctx.exit_code = artifact_error(p.error()));
    if (auto st = apply_label(options.labels, p->first, p->second); !st) return void(ctx.exit_code = artifact_error(st.error()));
  }
  for (const auto& kv : f.infos) {
    auto p = split_kv(kv, "--info");
    if (!p) return void(ctx.exit_code = artifact_error(p.error()));
    if (auto st = apply_info(options.labels.infos, p->first, p->second); !st)
      return void(ctx.exit_code = artifact_error(st.error()));
  }
  options.based_on = f.based_on;
  options.argv = ctx.argv;
  options.executable = "cairn";
  options.executable_version = CAIRN_VERSION;
  auto files = catalog::expand_log_paths(engine->settings(), f.files);
  if (!files) return void(ctx.exit_code = artifact_error(files.error()));
  auto logged = engine->log(*files, options);
  if (!logged) return void(ctx.exit_code = artifact_error(logged.error()));
  if (logged->queued)
    warn_line("artifact root " + engine->settings().root_url +
              " is unreachable: the artifact is stored locally and queued; run `cairn artifact push` later");
  if (logged->queue_flushed > 0 && !ctx.quiet)
    std::fprintf(stderr, "uploaded %zu queued artifact(s)\n", logged->queue_flushed);
  if (f.json) {
    Json j = record_json(logged->record);
    j["record_key"] = logged->record_key;
    j["queued"] = logged->queued;
    std::printf("%s\n", dumps(j).c_str());
  } else {
    std::printf("%s\n", logged->record.artifact_id.c_str());  // the id alone, for scripts
  }
}

struct GetFlags {
  std::string ref, out = ".";
  bool json = false;
};

void run_get(CliContext& ctx, const GetFlags& f) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  auto got = engine->materialise(f.ref, path::absolute(f.out, ctx.cwd));
  if (!got) return void(ctx.exit_code = artifact_error(got.error()));
  if (f.json) {
    Json j = {{"artifact_id", got->record.artifact_id}, {"paths", got->paths}};
    std::printf("%s\n", dumps(j).c_str());
    return;
  }
  for (const auto& p : got->paths)
    out_line(ctx, path::is_within(p, ctx.cwd) ? path::relative(p, ctx.cwd) : p);
}

struct ShowFlags {
  std::string ref;
  bool json = false;
};

void run_show(CliContext& ctx, const ShowFlags& f) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  auto rec = engine->show(f.ref);
  if (!rec) return void(ctx.exit_code = artifact_error(rec.error()));
  if (f.json) std::printf("%s\n", dumps(record_json(*rec)).c_str());
  else std::fputs(record_text(*rec).c_str(), stdout);
}

struct LsFlags {
  std::int64_t limit = 20;
  std::string name;
  bool json = false;
};

void run_ls(CliContext& ctx, const LsFlags& f) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  nlohmann::json filter = nlohmann::json::object();
  if (!f.name.empty()) filter["name"] = f.name;
  auto found = engine->find(filter.dump(), f.limit);
  if (!found) return void(ctx.exit_code = artifact_error(found.error()));
  if (f.json) {
    Json arr = Json::array();
    for (const auto& r : found->records) arr.push_back(record_json(r));
    std::printf("%s\n", dumps(arr).c_str());
    return;
  }
  std::fputs(render_table(records_table(found->records), TableStyle::plain).c_str(), stdout);
  if (!ctx.quiet && found->total > static_cast<std::int64_t>(found->records.size()))
    std::fprintf(stderr, "(%zu of %lld artifacts shown; use --limit)\n", found->records.size(),
                 static_cast<long long>(found->total));
}

void run_push(CliContext& ctx, bool json) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  auto pushed = engine->push_queue();
  if (!pushed) return void(ctx.exit_code = artifact_error(pushed.error()));
  if (json) {
    Json j = {{"artifacts", pushed->artifacts}, {"objects", pushed->objects}, {"remaining", pushed->remaining}};
    std::printf("%s\n", dumps(j).c_str());
  } else {
    out_line(ctx, std::to_string(pushed->artifacts) + " artifact(s) pushed (" + std::to_string(pushed->objects) +
                      " object(s) uploaded), " + std::to_string(pushed->remaining) + " still queued");
  }
  if (pushed->remaining > 0) ctx.exit_code = k_exit_unreachable;
}

}  // namespace

void register_artifact(CLI::App& app, CliContext& ctx) {
  auto* group = app.add_subcommand("artifact", "Log, read and list artifacts (files + metadata).");
  group->require_subcommand(1);
  group->footer(
      "Settings: catalog.url and artifacts.root (`cairn config catalog.url URL [--global]`), or the\n"
      "environment variables CAIRN_CATALOG_URL / CAIRN_ARTIFACTS_ROOT, which win. CAIRN_USER sets the user.\n"
      "Exit codes: 0 ok; 1 not found or failed; 3 root unreachable; 254 bad command line; 255 other.");

  auto log_flags = std::make_shared<LogFlags>();
  auto* log = group->add_subcommand("log", "Log files as a new artifact and print its id.");
  log->add_option("files", log_flags->files, "Files or directories to log.")->required();
  log->add_option("-n,--name", log_flags->name, "Artifact name; versions count up per name.");
  log->add_option("-l,--label", log_flags->labels, "KEY=VALUE for datatype, ticket, project, dataset, description.")
      ->allow_extra_args(false);
  log->add_option("-i,--info", log_flags->infos, "Free-form KEY=VALUE label (labels.infos.KEY; VALUE may be JSON).")
      ->allow_extra_args(false);
  log->add_option("--based-on", log_flags->based_on, "Artifact (ID or NAME@VERSION) this one derives from.")
      ->allow_extra_args(false);
  log->add_option("--user", log_flags->user, "User name to record (default: $CAIRN_USER, then the login name).");
  log->add_flag("--json", log_flags->json, "Print the stored record as JSON.");
  add_common_flags(log, ctx);
  log->callback([&ctx, log_flags] { run_log(ctx, *log_flags); });

  auto get_flags = std::make_shared<GetFlags>();
  auto* get = group->add_subcommand("get", "Download an artifact's files.");
  get->add_option("ref", get_flags->ref, "ID, NAME, NAME@VERSION or NAME@latest.")->required();
  get->add_option("-o,--out", get_flags->out, "Directory to write the files into (default: current directory).");
  get->add_flag("--json", get_flags->json, "Print the written paths as JSON.");
  add_common_flags(get, ctx);
  get->callback([&ctx, get_flags] { run_get(ctx, *get_flags); });

  auto show_flags = std::make_shared<ShowFlags>();
  auto* show = group->add_subcommand("show", "Show an artifact's record.");
  show->add_option("ref", show_flags->ref, "ID, NAME, NAME@VERSION or NAME@latest.")->required();
  show->add_flag("--json", show_flags->json, "Print the record as JSON.");
  add_common_flags(show, ctx);
  show->callback([&ctx, show_flags] { run_show(ctx, *show_flags); });

  auto ls_flags = std::make_shared<LsFlags>();
  auto* ls = group->add_subcommand("ls", "List artifacts, newest first.");
  ls->add_option("--limit", ls_flags->limit, "At most this many (default 20; 0 = all).");
  ls->add_option("-n,--name", ls_flags->name, "Only versions of this name.");
  ls->add_flag("--json", ls_flags->json, "Print records as a JSON list.");
  add_common_flags(ls, ctx);
  ls->callback([&ctx, ls_flags] { run_ls(ctx, *ls_flags); });

  auto push_json = std::make_shared<bool>(false);
  auto* push = group->add_subcommand("push", "Upload artifacts queued while the root was unreachable.");
  push->add_flag("--json", *push_json, "Print counts as JSON.");
  add_common_flags(push, ctx);
  push->callback([&ctx, push_json] { run_push(ctx, *push_json); });
}

}  // namespace cairn::cli
