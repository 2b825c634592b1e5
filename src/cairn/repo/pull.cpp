#include "cairn/repo/pull.h"

#include "cairn/repo/fetch.h"

namespace cairn::repo {

Expected<PullResult> pull(Repository& repo, const PullOptions& options) {
  PullResult result;
  ASSIGN_OR_RETURN(result.fetch, fetch(repo, options.transfer));
  if (result.fetch.failed > 0) return result;
  CheckoutOptions co;
  co.targets = options.transfer.targets;
  co.force = options.force;
  ASSIGN_OR_RETURN(result.checkout, checkout(repo, co));
  return result;
}

}  // namespace cairn::repo
