// `cairn remote add|modify|list|remove|rename|default`: the flags, output and messages of
// `dvc remote` (dvc/commands/remote.py); the logic is repo/remote_config.h.
//
// Output as DVC prints it: `remote list` goes through rich (tabs expanded to 8 columns,
// lines wrapped at the console width: $COLUMNS, else the terminal's, else 80), everything
// else is plain. -q silences stdout and error lines (DVC's footer for unexpected errors
// still shows). Exit codes: 251 for config errors, 255 for DVC's "unexpected error"s, 1
// for `remote default` without a default.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/cli/commands.h"
#include "cairn/cli/config_level_flags.h"
#include "cairn/remote/remote.h"
#include "cairn/env/env.h"
#include "cairn/repo/config.h"
#include "cairn/repo/remote_config.h"
#include "cairn/repo/root.h"

namespace cairn::cli {
namespace {

using repo::Config;
using repo::ConfigLevel;

constexpr const char* k_footer =
    "\nHaving any troubles? Hit us up at https://dvc.org/support, we are always happy to help!\n";

// DVC's top-level error handling: ConfigError -> 251, anything else it did not expect -> 255.
void fail(CliContext& ctx, const Error& error) {
  const std::string& msg = error.message();
  if (msg.starts_with("config file error:")) {
    if (!ctx.quiet) std::fprintf(stderr, "ERROR: configuration error - %s\n", msg.c_str());
    ctx.exit_code = k_exit_config;
    return;
  }
  std::string text = repo::is_unexpected_error(error) ? msg : "unexpected error - " + msg;
  if (!ctx.quiet) std::fprintf(stderr, "ERROR: %s\n", text.c_str());
  std::fputs(k_footer, stderr);
  ctx.exit_code = k_exit_error;
}

// Config.from_cwd(validate=False), as every `dvc remote` command starts.
std::optional<Config> load_config(CliContext& ctx) {
  std::optional<std::string> dvc_dir;
  auto found = repo::find_repo(env::default_env(), ctx.cwd);
  if (found) dvc_dir = found->dvc_dir;
  auto config = Config::load(env::default_env(), dvc_dir, /*validate=*/false);
  if (!config) {
    fail(ctx, config.error());
    return std::nullopt;
  }
  return std::move(*config);
}

void finish(CliContext& ctx, const Status& st) {
  if (!st) fail(ctx, st.error());
}

// ----------------------------------------------------------------------------- rich output

// Terminal cells of one UTF-8 code point (East Asian wide and emoji: 2; combining: 0).
int cell_width(char32_t c) {
  if (c < 0x300) return 1;
  if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f)) return 0;
  if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x1f900 && c <= 0x1f9ff) ||
      (c >= 0x20000 && c <= 0x3fffd))
    return 2;
  return 1;
}

struct Glyph {
  std::string bytes;
  int cells = 1;
  bool space = false;
};

std::vector<Glyph> glyphs(const std::string& s) {
  std::vector<Glyph> out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (i + n > s.size()) n = s.size() - i;
    char32_t cp = c < 0x80 ? c : c < 0xe0 ? (c & 0x1f) : c < 0xf0 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    Glyph g{s.substr(i, n), cell_width(cp), c == ' ' || (c >= 9 && c <= 13)};
    out.push_back(std::move(g));
    i += n;
  }
  return out;
}

// rich's Text.wrap for one line without newlines: expand tabs (8 columns), break between
// words (a word carries its trailing whitespace), fold words longer than the width, drop
// trailing whitespace beyond the width.
std::vector<std::string> rich_wrap(const std::string& line, int width) {
  std::vector<Glyph> text;
  int col = 0;
  for (auto& g : glyphs(line)) {
    if (g.bytes == "\t") {
      int spaces = 8 - col % 8;
      for (int k = 0; k < spaces; ++k) text.push_back(Glyph{" ", 1, true});
      col += spaces;
    } else {
      col += g.cells;
      text.push_back(std::move(g));
    }
  }
  auto cells = [&](std::size_t b, std::size_t e) {
    int n = 0;
    for (std::size_t i = b; i < e; ++i) n += text[i].cells;
    return n;
  };
  std::vector<std::size_t> breaks;
  int offset = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    // re_word = \s*\S+\s*
    std::size_t start = pos, i = pos;
    while (i < text.size() && text[i].space) ++i;
    if (i == text.size()) break;
    while (i < text.size() && !text[i].space) ++i;
    std::size_t word_end_nows = i;
    while (i < text.size() && text[i].space) ++i;
    std::size_t end = i;
    pos = end;
    int word_len = cells(start, word_end_nows);
    if (width - offset >= word_len) {
      offset += cells(start, end);
    } else if (word_len > width) {
      // chop_cells(word, width)
      std::vector<std::pair<std::size_t, std::size_t>> pieces;
      std::size_t b = start;
      int size = 0;
      for (std::size_t k = start; k < end; ++k) {
        if (size + text[k].cells > width) {
          pieces.emplace_back(b, k);
          b = k;
          size = 0;
        }
        size += text[k].cells;
      }
      if (size) pieces.emplace_back(b, end);
      std::size_t s = start;
      for (std::size_t k = 0; k < pieces.size(); ++k) {
        if (s) breaks.push_back(s);
        if (k + 1 == pieces.size()) {
          offset = cells(pieces[k].first, pieces[k].second);
        } else {
          s += pieces[k].second - pieces[k].first;
        }
      }
    } else if (offset && start) {
      breaks.push_back(start);
      offset = cells(start, end);
    }
  }
  std::vector<std::string> out;
  std::size_t b = 0;
  breaks.push_back(text.size());
  for (std::size_t e : breaks) {
    // rstrip_end(width) then truncate(width)
    std::size_t stop = e;
    if (e - b > static_cast<std::size_t>(width)) {
      std::size_t excess = e - b - width, ws = 0;
      while (ws < e - b && text[e - 1 - ws].space) ++ws;
      stop = e - std::min(ws, excess);
    }
    std::string s;
    int used = 0;
    for (std::size_t i = b; i < stop; ++i) {
      if (used + text[i].cells > width) break;
      used += text[i].cells;
      s += text[i].bytes;
    }
    out.push_back(std::move(s));
    b = e;
  }
  return out;
}

bool dumb_term() {
  const char* term = std::getenv("TERM");
  std::string t = term ? term : "";
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "dumb" || t == "unknown";
}

// rich's Console width.
int console_width() {
  if (const char* cols = std::getenv("COLUMNS"); cols && *cols) {
    bool digits = true;
    for (const char* p = cols; *p; ++p) digits &= *p >= '0' && *p <= '9';
    if (digits) return std::atoi(cols);
  }
  if (isatty(STDOUT_FILENO) && dumb_term()) return 80;
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    winsize ws{};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0) return ws.ws_col ? ws.ws_col : 80;
  }
  return 80;
}

// ui.write(ui.rich_text(text, style=...), styled=True)
void rich_line(const CliContext& ctx, const std::string& text, bool green) {
  if (ctx.quiet) return;
  bool color = green && isatty(STDOUT_FILENO) && !dumb_term() && !std::getenv("NO_COLOR");
  for (const auto& line : rich_wrap(text, console_width())) {
    std::string s = color ? "\x1b[32m" + line + "\x1b[0m" : line;
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
  }
}

// ----------------------------------------------------------------------------- commands

struct RemoteOpts {
  LevelFlags levels;
  bool make_default = false, force = false, unset = false;
  std::string name, url, option, value, new_name;
};

void run_add(CliContext& ctx, const RemoteOpts& o) {
  auto config = load_config(ctx);
  if (!config) return;
  if (o.make_default) out_line(ctx, "Setting '" + repo::remote_name_key(o.name) + "' as a default remote.");
  finish(ctx, repo::add_remote(*config, o.levels.level(), o.name, o.url, o.make_default, o.force, ctx.cwd));
}

void run_modify(CliContext& ctx, const RemoteOpts& o, bool has_value) {
  auto config = load_config(ctx);
  if (!config) return;
  std::optional<std::string_view> value;
  if (has_value) value = o.value;
  finish(ctx, repo::modify_remote(*config, o.levels.level(), o.name, o.option, value, o.unset, ctx.cwd));
}

void run_list(CliContext& ctx, const RemoteOpts& o) {
  auto config = load_config(ctx);
  if (!config) return;
  auto list = repo::list_remotes(*config, o.levels.level());
  if (!list) return fail(ctx, list.error());
  for (const auto& e : list->entries) {
    // Unlike DVC, a password embedded in a URL is never printed (credentials stay out of output).
    rich_line(ctx, e.name + "\t" + remote::redact_url(e.url) + (e.is_default ? "\t(default)" : ""), e.is_default);
  }
  std::fflush(stdout);
  if (list->error) fail(ctx, *list->error);
}

void run_remove(CliContext& ctx, const RemoteOpts& o) {
  auto config = load_config(ctx);
  if (!config) return;
  finish(ctx, repo::remove_remote(*config, o.levels.level(), o.name));
}

void run_rename(CliContext& ctx, const RemoteOpts& o) {
  auto config = load_config(ctx);
  if (!config) return;
  finish(ctx, repo::rename_remote(*config, o.levels.level(), o.name, o.new_name));
}

void run_default(CliContext& ctx, const RemoteOpts& o, bool has_name) {
  auto config = load_config(ctx);
  if (!config) return;
  auto level = o.levels.level();
  if (!has_name && !o.unset) {
    auto def = repo::get_default_remote(*config, level);
    if (!def) return fail(ctx, def.error());
    if (!*def) {
      out_line(ctx, "No default remote set");
      ctx.exit_code = k_exit_failure;
      return;
    }
    out_line(ctx, **def);
    return;
  }
  if (o.unset) return finish(ctx, repo::unset_default_remote(*config, level));
  finish(ctx, repo::set_default_remote(*config, level, o.name));
}

// Adds a subcommand with the level flags and -q/-v.
CLI::App* add_sub(CLI::App* remote, CliContext& ctx, RemoteOpts& o, const char* name, const char* help) {
  auto* sub = remote->add_subcommand(name, help);
  sub->description(std::string(help) + "\nDocumentation: <https://man.dvc.org/remote/" + name + ">");
  add_level_flags(sub, o.levels);
  add_common_flags(sub, ctx);
  return sub;
}

}  // namespace

void register_remote(CLI::App& app, CliContext& ctx) {
  auto* remote = app.add_subcommand("remote", "Set up and manage data remotes.");
  remote->description(
      "Set up and manage data remotes (same files, bytes and messages as `dvc remote`).\n"
      "Use `cairn remote CMD --help` for command-specific help.");
  remote->require_subcommand(1);
  add_common_flags(remote, ctx);
  auto o = std::make_shared<RemoteOpts>();

  auto* add = add_sub(remote, ctx, *o, "add", "Add a new data remote.");
  add->add_option("name", o->name, "Name of the remote")->required();
  add->add_option("url", o->url,
                  "Remote location. See full list of supported URLs at <https://man.dvc.org/remote>")
      ->required();
  add->add_flag("-d,--default", o->make_default, "Set as default remote.");
  add->add_flag("-f,--force", o->force, "Force overwriting existing configs");
  add->callback([&ctx, o] { run_add(ctx, *o); });

  auto* def = add_sub(remote, ctx, *o, "default", "Set/unset the default data remote.");
  auto* def_name = def->add_option("name", o->name, "Name of the remote");
  def->add_flag("-u,--unset", o->unset, "Unset default remote.");
  def->callback([&ctx, o, def_name] { run_default(ctx, *o, def_name->count() > 0); });

  auto* modify = add_sub(remote, ctx, *o, "modify", "Modify the configuration of a data remote.");
  modify->add_option("name", o->name, "Name of the remote")->required();
  modify->add_option("option", o->option, "Name of the option to modify.")->required();
  auto* value = modify->add_option("value", o->value, "(optional) Value of the option.");
  modify->add_flag("-u,--unset", o->unset, "Unset option.");
  modify->callback([&ctx, o, value] { run_modify(ctx, *o, value->count() > 0); });

  auto* list = add_sub(remote, ctx, *o, "list", "List all available data remotes.");
  list->callback([&ctx, o] { run_list(ctx, *o); });

  auto* remove = add_sub(remote, ctx, *o, "remove", "Remove a data remote.");
  remove->add_option("name", o->name, "Name of the remote to remove.")->required();
  remove->callback([&ctx, o] { run_remove(ctx, *o); });

  auto* rename = add_sub(remote, ctx, *o, "rename", "Rename a DVC remote");
  rename->add_option("name", o->name, "Remote to be renamed")->required();
  rename->add_option("new", o->new_name, "New name of the remote")->required();
  rename->callback([&ctx, o] { run_rename(ctx, *o); });
}

}  // namespace cairn::cli
