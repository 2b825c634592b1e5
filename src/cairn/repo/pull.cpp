#include "cairn/repo/pull.h"

#include <unordered_set>

#include "cairn/repo/fetch.h"
#include "cairn/repo/import_url.h"

namespace cairn::repo {

Expected<PullResult> pull(Repository& repo, const PullOptions& options) {
  PullResult result;
  ASSIGN_OR_RETURN(result.fetch, fetch(repo, options.transfer));
  if (result.fetch.failed > 0) return result;
  CheckoutOptions co;
  co.targets = options.transfer.targets;
  co.force = options.force;
  std::unordered_set<std::string> verified(result.fetch.downloaded.begin(), result.fetch.downloaded.end());
  co.just_verified = &verified;
  ASSIGN_OR_RETURN(result.checkout, checkout(repo, co));
  // Partial imports fetched from their source (fetch.h) are placed last.
  CheckoutResult& out = *result.checkout;
  for (const auto& imp : result.fetch.imports) {
    std::string name = repo.rel_to_cwd(imp.out_abs) + (imp.fetched.is_dir ? "/" : "");
    std::size_t nfiles = imp.fetched.is_dir ? imp.fetched.files.size() : 1;
    auto placed = import_url_checkout(repo, imp, options.force);
    if (!placed) {
      out.failed.push_back(repo.rel_to_cwd(imp.out_abs));
      out.errors.push_back(placed.error().message());
    } else if (*placed == ImportPlaced::added) {
      out.added.push_back(name);
      out.files_added += nfiles;
    } else if (*placed == ImportPlaced::modified) {
      out.modified.push_back(name);
      out.files_modified += nfiles;
    }
  }
  return result;
}

}  // namespace cairn::repo
