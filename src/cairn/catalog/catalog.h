// Catalog: the queryable index of artifact records (an index: the records in the artifact root
// are the truth, and the catalog can be rebuilt from them).
//
// Contract, for every backend (one conformance suite, tests/unit/catalog_conformance_test.cpp):
// - put(records): stores a batch in ONE transaction: all or nothing. A record whose
//   artifact_id is already stored is skipped (records are immutable, so re-ingesting is
//   idempotent). A named record with version 0 gets the next version of its name
//   (max + 1, starting at 1) inside that transaction, so concurrent writers never hand out the
//   same version; returns the records as stored. Concurrent writers (threads or processes)
//   wait for each other; they never fail with "database is locked".
// - get(id): the record, or ErrorCode::not_found.
// - find(query, limit): matching records newest first (creation_time, then insertion order),
//   at most `limit` of them, with the total number of matches.
// - lineage(id, direction, depth): edges reachable over based_on, breadth first, each edge
//   once; up = what id was based on, down = what was based on id.
// - latest_version(name): the highest version of name, or 0.
// One Catalog object is not shared between threads without external locking.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/catalog/query.h"
#include "cairn/catalog/record.h"
#include "cairn/util/error.h"

namespace cairn::catalog {

struct FindOptions {
  std::int64_t limit = 100;  // <= 0: no limit
};

struct FindResult {
  std::vector<ArtifactRecord> records;
  std::int64_t total = 0;  // matches without the limit
};

enum class LineageDirection { up, down };

struct LineageEdge {
  std::string child;   // the artifact that was based on...
  std::string parent;  // ...this one
  int depth = 1;       // 1 = a direct link of the start artifact
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  virtual Expected<std::vector<ArtifactRecord>> put(std::vector<ArtifactRecord> records) = 0;
  virtual Expected<ArtifactRecord> get(std::string_view artifact_id) = 0;
  virtual Expected<FindResult> find(const Query& query, FindOptions options) = 0;
  virtual Expected<std::int64_t> latest_version(std::string_view name) = 0;

  // Breadth first over direct_links (walk_lineage). A backend may override it with a walk of
  // its own that returns the same edges in the same order (fewer round trips).
  virtual Expected<std::vector<LineageEdge>> lineage(std::string_view artifact_id, LineageDirection direction,
                                                     int depth);

 protected:
  // Direct neighbours of each id: for up, (id, parent) pairs in based_on order; for down,
  // (child, id) pairs in insertion order of the children.
  virtual Expected<std::vector<LineageEdge>> direct_links(const std::vector<std::string>& ids,
                                                          LineageDirection direction) = 0;
};

// The direct neighbours of a frontier of ids (as Catalog::direct_links).
using LinkSource = std::function<Expected<std::vector<LineageEdge>>(const std::vector<std::string>& frontier)>;

// The lineage walk every backend shares: level by level from artifact_id up to depth levels,
// each edge once (at the first level it is reached), each artifact expanded once.
Expected<std::vector<LineageEdge>> walk_lineage(std::string_view artifact_id, LineageDirection direction, int depth,
                                                const LinkSource& links);

}  // namespace cairn::catalog
