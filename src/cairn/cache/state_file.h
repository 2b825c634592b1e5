// The small private state files of `.dvc/tmp/cairn/` (tree memo, presence memo): a magic
// first line naming the format and version, then one '\n'-terminated record per line.
//
// for_each_state_line() calls `fn` for every complete record line; a missing, unreadable or
// foreign file (other magic) yields no lines, a torn last line is dropped: these files are
// caches, safe to lose. write_state_file() replaces the file atomically (temp + rename, no
// fsync: losing it only costs speed), creating its folder.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "cairn/env/env.h"
#include "cairn/util/error.h"

namespace cairn::cache {

void for_each_state_line(env::Env* env, const std::string& file, std::string_view magic,
                         const std::function<void(std::string_view)>& fn);

Status write_state_file(env::Env* env, const std::string& file, const std::string& contents);

}  // namespace cairn::cache
