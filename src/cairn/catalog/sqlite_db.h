// Thin RAII wrappers over the SQLite C API used by SqliteCatalog: a connection and a prepared
// statement, reporting failures as cairn Errors (SQLITE_BUSY after the busy timeout ->
// ErrorCode::timeout, corruption -> corrupt, anything else -> io).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cairn/catalog/query.h"
#include "cairn/util/error.h"

namespace cairn::catalog::sqlite {

std::unexpected<Error> sqlite_error(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
  Statement(Statement&& o) noexcept : m_db(o.m_db), m_stmt(o.m_stmt) { o.m_stmt = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  ~Statement();

  // Binds a value to the 1-based placeholder i (bool as 0/1, monostate as NULL).
  void bind(int i, const Scalar& v);
  void bind_text(int i, std::string_view s);
  void bind_int(int i, std::int64_t v);
  void bind_null(int i);
  // SQLITE_ROW -> true, SQLITE_DONE -> false, else an Error.
  Expected<bool> step();
  Status run();  // step to completion, ignoring rows
  void reset();  // reset and clear bindings

  std::int64_t column_int(int i) const { return sqlite3_column_int64(m_stmt, i); }
  std::string_view column_text(int i) const;
  bool column_is_null(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_NULL; }

 private:
  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_stmt = nullptr;
};

class Database {
 public:
  static Expected<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();

  Expected<Statement> prepare(std::string_view sql);
  Status exec(const char* sql);
  sqlite3* handle() const { return m_db; }

 private:
  explicit Database(sqlite3* db) : m_db(db) {}
  sqlite3* m_db;
};

}  // namespace cairn::catalog::sqlite
