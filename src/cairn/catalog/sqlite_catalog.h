// SqliteCatalog: the embedded Catalog backend (one SQLite file, WAL mode).
//
// Contract: implements Catalog (catalog.h). Schema (versioned by PRAGMA user_version, now 3):
// artifacts(seq, artifact_id, name, version, username, hostname, run_id, creation_time ms,
// git_commit, git_branch, git_dirty, label_{datatype,ticket,project,dataset,description}) with
// a unique index on artifact_id and indexes on (username, label_datatype, creation_time),
// (creation_time), (label_datatype, creation_time), label_ticket, label_project,
// label_dataset, (name, version) unique (the optional label indexes are partial: non-NULL rows
// only); artifact_records(seq, record JSON), read only for the records a query returns;
// artifact_values(path, value, seq), keyed (WITHOUT ROWID) by all three, see record_index.h,
// for every multi-valued or free-form path but argv (queries on argv, and a record's own
// based_on list, read the record JSON). Version 1 and 2 files are migrated in place. Writers
// prepare their statements once per connection and serialize each record's JSON directly
// (record_text.h); a put of >= 20,000 records that is at least as big as the table (an
// import or rebuild) checks ids for duplicates itself, drops the id and query indexes and
// builds them once after the load, in the same transaction, and inserts the values sorted; the planner statistics are
// refreshed (ANALYZE, sampled) whenever the table has doubled since the last refresh. Writers
// use BEGIN IMMEDIATE with a 60 s busy timeout and retry, so concurrent processes serialize
// instead of failing. A file with a newer schema version is refused (ErrorCode::corrupt)
// rather than guessed at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/catalog/catalog.h"

namespace cairn::catalog {

namespace sqlite {
class Database;
}

class SqliteCatalog final : public Catalog {
 public:
  // Opens (creating if needed) the catalog file at path; its folder must exist.
  static Expected<std::unique_ptr<SqliteCatalog>> open(const std::string& path);
  ~SqliteCatalog() override;

  Expected<std::vector<ArtifactRecord>> put(std::vector<ArtifactRecord> records) override;
  Expected<ArtifactRecord> get(std::string_view artifact_id) override;
  Expected<FindResult> find(const Query& query, FindOptions options) override;
  Expected<std::int64_t> latest_version(std::string_view name) override;

 protected:
  Expected<std::vector<LineageEdge>> direct_links(const std::vector<std::string>& ids,
                                                  LineageDirection direction) override;

 private:
  explicit SqliteCatalog(std::unique_ptr<sqlite::Database> db);
  Status begin_immediate();
  Status prepare_write_statements();
  // Inserts records (assigning versions); with skip, a bulk insert without the id index that
  // leaves out the records marked true and numbers the rest from first_seq (the table's
  // max(seq) + 1); without it, records already stored are left out by the index.
  Status insert_batch(std::vector<ArtifactRecord>& records, const std::vector<bool>* skip, std::int64_t first_seq);
  // For a bulk load: which records are already stored (looked up while the id index exists,
  // only when the table has rows) or repeat an earlier record of the batch.
  Expected<std::vector<bool>> already_stored_or_repeated(const std::vector<ArtifactRecord>& records,
                                                         bool table_has_rows);
  Status refresh_statistics();

  struct WriteStatements;
  std::unique_ptr<sqlite::Database> m_db;
  std::unique_ptr<WriteStatements> m_write;  // prepared on first put
  std::int64_t m_analyzed_rows = -1;         // table size at the last ANALYZE (-1: unknown)
};

}  // namespace cairn::catalog
