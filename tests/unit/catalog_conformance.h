// The Catalog conformance suite's backend hook: every backend provides a fresh, empty catalog
// location per test and a way to open (further) connections to it, so the same tests run
// against SQLite and PostgreSQL.
#pragma once

#include <memory>
#include <string>

#include "cairn/catalog/catalog.h"

namespace cairn::catalog::testing {

class CatalogBackend {
 public:
  virtual ~CatalogBackend() = default;
  virtual std::string name() const = 0;
  // A new empty catalog location (a file path, a connection string).
  virtual std::string create_location() = 0;
  // A new connection to location; may be called in a forked child process.
  virtual Expected<std::unique_ptr<Catalog>> connect(const std::string& location) = 0;
};

}  // namespace cairn::catalog::testing
