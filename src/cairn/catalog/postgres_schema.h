// The PostgreSQL catalog schema: its version, creation, migration from older versions, and
// the query-only indexes that a bulk load drops and rebuilds.
//
// Contract: the version lives in the one-row table cairn_schema (a database with an
// `artifacts` table but no cairn_schema is version 1, the schema before the query rework).
// ensure_schema (outside any transaction) returns at once for an up-to-date database and
// refuses a newer one with ErrorCode::corrupt; otherwise, in one transaction holding the
// writers' advisory lock (kWriterLock), it creates version kSchemaVersion in an empty database
// or migrates an older one in place (every record, version counter, value and lineage link
// kept). drop_query_indexes / create_query_indexes cover only indexes that enforce nothing
// (uniqueness stays), so dropping them never changes what a put accepts.
#pragma once

#include "cairn/util/error.h"

namespace cairn::catalog::postgres {

class Connection;

inline constexpr int kSchemaVersion = 2;

// Serializes writers and schema changes (an arbitrary constant: "cairn" in ASCII); released at
// the end of the transaction.
inline constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(435610135150)";

Status ensure_schema(Connection& conn);
Status drop_query_indexes(Connection& conn);
Status create_query_indexes(Connection& conn);
// The unique indexes (primary keys, artifact_id, (name, version)): only for a load into empty
// tables, inside its transaction; create_key_indexes fails (ErrorCode::conflict) on duplicates.
Status drop_key_indexes(Connection& conn);
Status create_key_indexes(Connection& conn);

}  // namespace cairn::catalog::postgres
