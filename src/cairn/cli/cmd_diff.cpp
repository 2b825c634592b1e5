// `cairn diff`: changes of tracked data between git revisions or a revision and the workspace.
#include "cairn/cli/commands.h"
#include "cairn/cli/output.h"
#include "cairn/repo/diff.h"

namespace cairn::cli {

void register_diff(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string a_rev = "HEAD", b_rev;
    bool json = false, md = false, show_hash = false, hide_missing = false;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("diff", "Show added, modified and deleted data between commits or the workspace.");
  sub->add_option("a_rev", opts->a_rev, "Old Git revision (default: HEAD).");
  sub->add_option("b_rev", opts->b_rev, "New Git revision (default: the workspace).");
  sub->add_flag("--json", opts->json, "Print as JSON.");
  sub->add_flag("--md", opts->md, "Print as a Markdown table.");
  sub->add_flag("--show-hash", opts->show_hash, "Show hashes of the entries.");
  sub->add_flag("--hide-missing", opts->hide_missing, "Hide entries that are not in the cache.");
  add_common_flags(sub, ctx);
  sub->callback([&ctx, opts] {
    prepare(ctx);
    with_repo_locked(ctx, [&](repo::Repository& r) {
      auto res = repo::diff(r, opts->a_rev, opts->b_rev);
      if (!res) {
        ctx.exit_code = report_error(res.error());
        return;
      }
      bool hide_missing = !opts->b_rev.empty() || opts->hide_missing;
      struct Group {
        const char* name;
        const std::vector<repo::DiffEntry>* entries;
      };
      std::vector<Group> groups = {{"added", &res->added}, {"deleted", &res->deleted}, {"modified", &res->modified},
                                   {"renamed", &res->renamed}};
      if (!hide_missing) groups.push_back({"not in cache", &res->not_in_cache});
      if (opts->json) {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        if (!res->empty()) {
          for (const auto& g : groups) {
            auto arr = nlohmann::ordered_json::array();
            for (const auto& e : *g.entries) {
              nlohmann::ordered_json item;
              if (std::string(g.name) == "renamed") item["path"] = {{"old", e.path}, {"new", e.new_path}};
              else item["path"] = e.path;
              if (opts->show_hash) {
                if (std::string(g.name) == "modified") item["hash"] = {{"old", e.old_hash}, {"new", e.new_hash}};
                else item["hash"] = e.new_hash.empty() ? e.old_hash : e.new_hash;
              }
              arr.push_back(item);
            }
            j[g.name] = arr;
          }
        }
        std::puts(dumps(j).c_str());
        return;
      }
      if (opts->md) {
        std::string out = opts->show_hash ? "| Status   | Hash   | Path   |\n|----------|--------|--------|\n"
                                          : "| Status   | Path   |\n|----------|--------|\n";
        for (const auto& g : groups)
          for (const auto& e : *g.entries) {
            std::string p = std::string(g.name) == "renamed" ? e.path + " -> " + e.new_path : e.path;
            out += std::string("| ") + g.name + " | " + p + " |\n";
          }
        std::fputs(out.c_str(), stdout);
        return;
      }
      std::vector<std::string> summary;
      for (const auto& g : groups) {
        if (g.entries->empty()) continue;
        std::string header = g.name;
        header[0] = static_cast<char>(std::toupper(header[0]));
        out_line(ctx, header + ":");
        std::size_t files = 0;
        for (const auto& e : *g.entries) {
          std::string p = std::string(g.name) == "renamed" ? e.path + " -> " + e.new_path : e.path;
          std::string h;
          if (opts->show_hash) {
            h = std::string(g.name) == "modified" ? e.old_hash.substr(0, 8) + ".." + e.new_hash.substr(0, 8)
                                                  : (e.new_hash.empty() ? e.old_hash : e.new_hash).substr(0, 8);
            h += "  ";
          }
          out_line(ctx, "    " + h + p);
          if (!p.ends_with('/')) ++files;
        }
        out_line(ctx, "");
        if (files) summary.push_back(std::to_string(files) + " " + g.name);
      }
      if (!summary.empty()) {
        std::string s = "files summary: ";
        for (std::size_t i = 0; i < summary.size(); ++i) s += (i ? ", " : "") + summary[i];
        out_line(ctx, s);
      }
    });
  });
}

}  // namespace cairn::cli
