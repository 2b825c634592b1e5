// pull: fetch (fetch.h) then checkout (checkout.h) of the same targets, as DVC 3.67's
// `dvc pull` (dvc/repo/pull.py). When any download failed the checkout does not run (DVC
// raises DownloadError first); otherwise the checkout runs even if objects were missing
// everywhere, and its failures are reported in its result. Partial imports fetched from their
// source are then placed in the workspace (import_url_checkout; added/modified lines like any
// output, a conflicting file without force is a failed target).
// REQUIRES: the repository lock is held.
#pragma once

#include <optional>

#include "cairn/repo/checkout.h"
#include "cairn/repo/repository.h"
#include "cairn/repo/transfer.h"

namespace cairn::repo {

struct PullOptions {
  TransferOptions transfer;
  Force force = Force::no;
};

struct PullResult {
  TransferResult fetch;
  std::optional<CheckoutResult> checkout;  // empty when the fetch failed
};

// Errors: those of fetch(), and those of checkout() (e.g. unsaved files without force).
Expected<PullResult> pull(Repository& repo, const PullOptions& options);

}  // namespace cairn::repo
