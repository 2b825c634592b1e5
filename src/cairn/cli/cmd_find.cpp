// `cairn find [QUERY]` (Mongo-style filter over the catalog, newest first) and
// `cairn lineage REF` (based_on graph up or down). Engine: catalog/artifacts.h.
#include <cstdio>
#include <memory>
#include <string>

#include "cairn/cli/artifact_cli.h"
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"

namespace cairn::cli {
namespace {

using Json = nlohmann::ordered_json;

struct FindFlags {
  std::string query;
  std::int64_t limit = 100;
  bool json = false, csv = false;
};

void run_find(CliContext& ctx, const FindFlags& f) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  auto found = engine->find(f.query, f.limit);
  if (!found) return void(ctx.exit_code = artifact_error(found.error()));
  if (f.json) {
    Json arr = Json::array();
    for (const auto& r : found->records) arr.push_back(record_json(r));
    Json j = {{"total", found->total}, {"count", found->records.size()}, {"artifacts", arr}};
    std::printf("%s\n", dumps(j).c_str());
    return;
  }
  const TextTable table = records_table(found->records);
  if (f.csv) {
    std::fputs(render_csv(table).c_str(), stdout);
    return;
  }
  std::fputs(render_table(table, TableStyle::plain).c_str(), stdout);
  out_line(ctx, std::to_string(found->records.size()) + " of " + std::to_string(found->total) + " matching artifact" +
                    (found->total == 1 ? "" : "s") + " shown");
}

struct LineageFlags {
  std::string ref;
  bool up = false, down = false, json = false, dot = false, mermaid = false;
  int depth = 0;
};

void run_lineage(CliContext& ctx, const LineageFlags& f) {
  auto engine = open_artifacts(ctx);
  if (!engine) return;
  const auto dir = f.down ? catalog::LineageDirection::down : catalog::LineageDirection::up;
  auto lin = engine->lineage(f.ref, dir, f.depth);
  if (!lin) return void(ctx.exit_code = artifact_error(lin.error()));
  if (f.json) return void(std::printf("%s\n", dumps(Json::parse(catalog::lineage_to_json(*lin).dump())).c_str()));
  if (f.dot) return void(std::fputs(catalog::lineage_to_dot(*lin).c_str(), stdout));
  if (f.mermaid) return void(std::fputs(catalog::lineage_to_mermaid(*lin).c_str(), stdout));
  // Text: one line per edge, indented by depth.
  auto label = [&](const std::string& id) {
    for (const auto& n : lin->nodes)
      if (n.record.artifact_id == id && n.record.name) return id + " (" + *n.record.name + "@" + std::to_string(n.record.version) + ")";
    return id;
  };
  out_line(ctx, label(lin->start));
  for (const auto& e : lin->edges) {
    const std::string& other = dir == catalog::LineageDirection::up ? e.parent : e.child;
    const std::string& from = dir == catalog::LineageDirection::up ? e.child : e.parent;
    out_line(ctx, std::string(2 * e.depth, ' ') + (dir == catalog::LineageDirection::up ? "<- " : "-> ") + label(other) +
                      (e.depth > 1 ? "  [via " + from + "]" : ""));
  }
}

}  // namespace

void register_find(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<FindFlags>();
  auto* find = app.add_subcommand("find", "Find artifacts in the catalog with a Mongo-style JSON filter.");
  find->footer(
      "QUERY examples:\n"
      "  '{\"username\": \"user-a\", \"labels.datatype\": \"annotation_file\"}'\n"
      "  '{\"creation_time\": {\"$gte\": \"2026-11-01\", \"$lt\": \"2026-12-01\"}}'\n"
      "  '{\"file_relpaths\": {\"$regex\": \"\\\\.txt$\"}, \"based_on\": \"artifact_...\"}'\n"
      "Operators: $eq $ne $gt $gte $lt $lte $in $nin $regex $exists $not $and $or $nor.\n"
      "Exit codes: 0 ok; 1 failed; 3 catalog unreachable; 254 bad command line or query.");
  find->add_option("query", flags->query, "JSON filter (default: everything).");
  find->add_option("--limit", flags->limit, "At most this many rows (default 100; 0 = all).");
  auto* j = find->add_flag("--json", flags->json, "Print {total, count, artifacts} as JSON.");
  auto* c = find->add_flag("--csv", flags->csv, "Print the table as CSV.");
  j->excludes(c);
  add_common_flags(find, ctx);
  find->callback([&ctx, flags] { run_find(ctx, *flags); });
}

void register_lineage(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<LineageFlags>();
  auto* lin = app.add_subcommand("lineage", "Show what an artifact was based on (--up) or what was based on it (--down).");
  lin->add_option("ref", flags->ref, "ID, NAME, NAME@VERSION or NAME@latest.")->required();
  auto* up = lin->add_flag("--up", flags->up, "Ancestors (default).");
  auto* down = lin->add_flag("--down", flags->down, "Descendants.");
  up->excludes(down);
  lin->add_option("--depth", flags->depth, "Follow at most N links (default: all).")->check(CLI::NonNegativeNumber);
  auto* j = lin->add_flag("--json", flags->json, "JSON {start, direction, edges, nodes}.");
  auto* d = lin->add_flag("--dot", flags->dot, "Graphviz dot.");
  auto* m = lin->add_flag("--mermaid", flags->mermaid, "Mermaid flowchart.");
  j->excludes(d, m);
  d->excludes(m);
  add_common_flags(lin, ctx);
  lin->callback([&ctx, flags] { run_lineage(ctx, *flags); });
}

}  // namespace cairn::cli
