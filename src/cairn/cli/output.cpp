#include "cairn/cli/output.h"

#include <cstdio>
#include <iostream>
#include <regex>

#include "cairn/env/env.h"
#include "cairn/util/progress.h"
#include "cairn/util/py_json.h"

namespace cairn::cli {

namespace {
void dump_into(const nlohmann::ordered_json& v, std::string& out) {
  switch (v.type()) {
    case nlohmann::ordered_json::value_t::object: {
      out += "{";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += pyjson::quote_string(it.key());
        out += ": ";
        dump_into(it.value(), out);
      }
      out += "}";
      break;
    }
    case nlohmann::ordered_json::value_t::array: {
      out += "[";
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ", ";
        first = false;
        dump_into(item, out);
      }
      out += "]";
      break;
    }
    case nlohmann::ordered_json::value_t::string: out += pyjson::quote_string(v.get_ref<const std::string&>()); break;
    case nlohmann::ordered_json::value_t::number_float: out += pyjson::float_repr(v.get<double>()); break;
    default: out += v.dump();
  }
}
}  // namespace

std::string dumps(const nlohmann::ordered_json& value) {
  std::string out;
  dump_into(value, out);
  return out;
}

std::string redact(std::string text) {
  static const std::regex url_creds(R"(([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\s:]+):([^/@\s]+)@)");
  text = std::regex_replace(text, url_creds, "$1$2:****@");
  static const std::regex kv(R"(((?:secret_access_key|access_key_id|session_token|password)\s*[=:]\s*)(\S+))",
                             std::regex::icase);
  return std::regex_replace(text, kv, "$1****");
}

int report_error(const Error& error) {
  std::string msg = redact(error.message());
  if (msg.starts_with("config file error:")) {
    std::fprintf(stderr, "ERROR: configuration error - %s\n", msg.c_str());
    return k_exit_config;
  }
  std::fprintf(stderr, "ERROR: %s\n", msg.c_str());
  if (msg.find("you are not inside of a DVC repository") != std::string::npos) return k_exit_not_repo;
  // DVC commands catch their own failures and exit 1.
  return k_exit_failure;
}

void out_line(const CliContext& ctx, const std::string& line) {
  if (ctx.quiet) return;
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

void warn_line(const std::string& line) { std::fprintf(stderr, "WARNING: %s\n", redact(line).c_str()); }

void add_common_flags(CLI::App* sub, CliContext& ctx) {
  sub->add_flag("-q,--quiet", ctx.quiet, "Be quiet.");
  sub->add_flag("-v,--verbose", ctx.verbose, "Be verbose (repeat for more; -v also prints counters).");
}

namespace {
std::string shell_quote(const std::string& s) {
  bool safe = !s.empty();
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("@%+=:,./-_").find(c) != std::string_view::npos))
      safe = false;
  if (safe) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\"'\"'";
    else out.push_back(c);
  }
  return out + "'";
}
}  // namespace

void print_track_hint(const CliContext& ctx, const std::vector<std::string>& files) {
  if (files.empty() || ctx.quiet) return;
  std::string cmd = "\tgit add";
  for (const auto& f : files) cmd += " " + shell_quote(f);
  out_line(ctx, "\nTo track the changes with git, run:\n\n" + cmd);
  out_line(ctx, "\nTo enable auto staging, run:\n\n\tcairn config core.autostage true");
}

void prepare(const CliContext& ctx) {
  if (ctx.quiet) Progress::set_enabled(false);
}

std::unique_ptr<repo::Repository> open_repo(CliContext& ctx) {
  auto repo = repo::Repository::open(env::default_env(), ctx.cwd);
  if (!repo) {
    ctx.exit_code = report_error(repo.error());
    return nullptr;
  }
  return std::move(*repo);
}

}  // namespace cairn::cli
