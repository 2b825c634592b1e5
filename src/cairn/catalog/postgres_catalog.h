// PostgresCatalog: the shared-team Catalog backend over libpq (PostgreSQL >= 12).
//
// Contract: implements Catalog (catalog.h) with the same tables as SqliteCatalog, in
// PostgreSQL types: artifacts.record is JSONB, creation_time BIGINT milliseconds, and
// artifact_values(seq, path, value TEXT COLLATE "C", num DOUBLE PRECISION) where text values
// live in `value` and numbers/booleans (as 0/1) in `num`. Writers serialize on a transaction
// advisory lock, so concurrent processes wait rather than fail and name versions are unique.
// Schema creation is guarded by the same lock. A put is a fixed number of round trips
// whatever its size (present ids, name versions, a block of seq numbers, then COPY into both
// tables); after puts of >= 1000 records the tables are ANALYZEd whenever artifacts has
// doubled since the last time. connection is a libpq conninfo string or a
// postgresql:// URL; credentials in it never appear in error messages.
#pragma once

#include <memory>
#include <string>

#include "cairn/catalog/catalog.h"

namespace cairn::catalog {

namespace postgres {
class Connection;
}

class PostgresCatalog final : public Catalog {
 public:
  static Expected<std::unique_ptr<PostgresCatalog>> open(const std::string& connection);
  ~PostgresCatalog() override;

  Expected<std::vector<ArtifactRecord>> put(std::vector<ArtifactRecord> records) override;
  Expected<ArtifactRecord> get(std::string_view artifact_id) override;
  Expected<FindResult> find(const Query& query, FindOptions options) override;
  Expected<std::int64_t> latest_version(std::string_view name) override;

 protected:
  Expected<std::vector<LineageEdge>> direct_links(const std::vector<std::string>& ids,
                                                  LineageDirection direction) override;

 private:
  explicit PostgresCatalog(std::unique_ptr<postgres::Connection> conn);
  Status insert_batch(std::vector<ArtifactRecord>& records);
  Status refresh_statistics();

  std::unique_ptr<postgres::Connection> m_conn;
  std::int64_t m_analyzed_rows = -1;  // table size at the last ANALYZE (-1: not read yet)
};

}  // namespace cairn::catalog
