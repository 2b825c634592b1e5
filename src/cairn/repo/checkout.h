// checkout: makes the workspace match the recorded outputs, linking objects from the cache
// per cache.type (docs/format/repository.md §links).
//
// Safety: a `.dir` manifest is parsed and validated (no "..", absolute or duplicate paths)
// before anything is written for that output; each object is re-hashed before it is linked
// (DVC trusts 0444 objects; cairn does not), and a corrupt one is reported and never checked out; a
// workspace file whose content is not in the cache is never replaced or deleted without
// Force::yes. Files inside a tracked directory that are not in its manifest are removed
// (as DVC does), under the same rule. The one exception to re-hashing: objects the caller
// verified moments before (CheckoutOptions::just_verified: pull's freshly downloaded objects,
// each checked against its md5 on arrival) are not hashed a second time.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "cairn/repo/add.h"
#include "cairn/repo/repository.h"

namespace cairn::repo {

enum class Relink { no, yes };

struct CheckoutOptions {
  std::vector<std::string> targets;
  Force force = Force::no;
  Relink relink = Relink::no;
  std::size_t jobs = 0;
  // Object values (ObjectId::value) verified by the caller in this command; may be null.
  const std::unordered_set<std::string>* just_verified = nullptr;
};

struct CheckoutResult {
  std::vector<std::string> added, modified, deleted;  // outputs (dirs end with '/'), relative to cwd
  std::vector<std::string> failed;                    // outputs that could not be checked out
  std::vector<std::string> errors;                    // one line per failure cause
  std::size_t files_added = 0, files_modified = 0, files_deleted = 0;
};

// Returns the result even when some outputs failed (result.failed non-empty); returns an
// error only for problems that stop everything (unsaved files without force, bad input).
Expected<CheckoutResult> checkout(Repository& repo, const CheckoutOptions& options);

}  // namespace cairn::repo
