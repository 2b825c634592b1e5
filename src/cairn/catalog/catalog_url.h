// open_catalog: a Catalog from a catalog URL (the `catalog.url` setting / CAIRN_CATALOG_URL).
//
// Contract: "sqlite://<path>" opens (creating) an SQLite catalog at <path> — so
// "sqlite:///abs/catalog.db" is the absolute path /abs/catalog.db; its folder must exist.
// "postgresql://..." and "postgres://..." are handed to libpq unchanged. Anything else is
// ErrorCode::invalid_input naming the accepted forms; the message never echoes a password.
#pragma once

#include <memory>
#include <string_view>

#include "cairn/catalog/catalog.h"

namespace cairn::catalog {

Expected<std::unique_ptr<Catalog>> open_catalog(std::string_view url);

// The URL with any password replaced by "***" (for messages).
std::string redact_catalog_url(std::string_view url);

}  // namespace cairn::catalog
