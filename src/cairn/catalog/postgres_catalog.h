// PostgresCatalog: the shared-team Catalog backend over libpq (PostgreSQL >= 12).
//
// Contract: implements Catalog (catalog.h) with the same logical tables as SqliteCatalog, in
// PostgreSQL types (schema and its versioning: postgres_schema.h): creation_time BIGINT
// milliseconds, the record text in artifact_records, and artifact_values(seq, path, value,
// num) where text values live in `value` and numbers/booleans (as 0/1) in `num`. Writers
// serialize on a transaction advisory lock, so concurrent processes wait rather than fail and
// name versions are unique; schema creation and migration are guarded by the same lock
// (opening an up-to-date catalog does not wait for it). A put is a fixed number of round
// trips whatever its size (present ids, name versions, the current max seq, then COPY into
// the three tables); a put of at least kBulkLoadMin records that is at least as large as the
// table drops the query-only indexes and rebuilds them after the load (same transaction;
// readers wait for it). After a bulk load, and after puts of >= 1000 records whenever
// artifacts has doubled since the last time, the tables are VACUUMed and ANALYZEd. find is
// one statement (count and page), lineage one recursive statement; statements are prepared
// once per connection. connection is a libpq conninfo string or a postgresql:// URL;
// credentials in it never appear in error messages.
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
  Expected<std::vector<LineageEdge>> lineage(std::string_view artifact_id, LineageDirection direction,
                                             int depth) override;

  // Records per put from which a put into a table no larger than it is a bulk load.
  static constexpr size_t kBulkLoadMin = 20000;

 protected:
  Expected<std::vector<LineageEdge>> direct_links(const std::vector<std::string>& ids,
                                                  LineageDirection direction) override;

 private:
  explicit PostgresCatalog(std::unique_ptr<postgres::Connection> conn);
  Status insert_batch(std::vector<ArtifactRecord>& records);
  Status refresh_statistics();

  std::unique_ptr<postgres::Connection> m_conn;
  std::int64_t m_analyzed_rows = -1;  // table size at the last ANALYZE (-1: not read yet)
  bool m_bulk_loaded = false;         // the last put rebuilt the query indexes
};

}  // namespace cairn::catalog
