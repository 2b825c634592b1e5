#include "cairn/catalog/catalog_url.h"

#include "cairn/catalog/postgres_catalog.h"
#include "cairn/catalog/sqlite_catalog.h"

namespace cairn::catalog {

std::string redact_catalog_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto authority_start = scheme + 3;
  auto at = url.find('@', authority_start);
  auto slash = url.find('/', authority_start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) return std::string(url);
  auto colon = url.find(':', authority_start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Expected<std::unique_ptr<Catalog>> open_catalog(std::string_view url) {
  constexpr std::string_view sqlite_prefix = "sqlite://";
  if (url.starts_with(sqlite_prefix)) {
    std::string path(url.substr(sqlite_prefix.size()));
    if (path.empty()) return make_error(ErrorCode::invalid_input, "catalog URL 'sqlite://' has no path");
    ASSIGN_OR_RETURN(auto c, SqliteCatalog::open(path));
    return std::unique_ptr<Catalog>(std::move(c));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    auto c = PostgresCatalog::open(std::string(url));
    if (!c) return std::unexpected(c.error().with_context("catalog " + redact_catalog_url(url)));
    return std::unique_ptr<Catalog>(std::move(*c));
  }
  return make_error(ErrorCode::invalid_input, "unsupported catalog URL '" + redact_catalog_url(url) +
                                                  "' (use sqlite:///PATH or postgresql://USER@HOST:PORT/DB)");
}

}  // namespace cairn::catalog
