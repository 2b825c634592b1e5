// `.gitignore` entries for DVC outputs (scmrepo Git.ignore / ignore_remove, §6.2 of
// docs/shared dvc-format notes).
//
// add_gitignore_entry appends "/<escaped basename>\n" to the .gitignore in the output's
// parent directory (created if missing), prepending "\n" when the file does not end with a
// newline, and does nothing when that exact line is already present. Escaping is pathspec
// 1.x GitIgnoreSpecPattern.escape: a backslash before each of `\ [ ] ! * # ?`.
// It does NOT ask Git whether the path is already ignored by some other rule (DVC does, and
// then skips the append); callers that need that check must do it themselves.
// remove_gitignore_entry deletes lines equal (after stripping whitespace) to the entry —
// escaped or, as DVC compares, unescaped — and deletes the file when no line is left.
// Both return whether the .gitignore changed, so callers can print `git add` hints. Paths:
// `root` absolute, `output_relpath` relative to root ("data/x"); writes are atomic.
#pragma once

#include <string>
#include <string_view>

#include "cairn/env/env.h"
#include "cairn/util/error.h"

namespace cairn::repo {

// "/name" escaped as DVC writes it into .gitignore.
std::string gitignore_entry_for(std::string_view basename);

Expected<bool> add_gitignore_entry(env::Env* env, const std::string& root, const std::string& output_relpath);
Expected<bool> remove_gitignore_entry(env::Env* env, const std::string& root,
                                      const std::string& output_relpath);

}  // namespace cairn::repo
