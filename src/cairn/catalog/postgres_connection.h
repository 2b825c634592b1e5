// Thin RAII wrapper over a libpq connection: parameterised statements only (every value is a
// text parameter; NULL for absent), results as an owned PGresult. Errors: cannot connect ->
// ErrorCode::unavailable, a failed statement -> io (conflict for unique violations).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/util/error.h"

namespace cairn::catalog::postgres {

using Param = std::optional<std::string>;

class Result {
 public:
  explicit Result(PGresult* r) : m_r(r) {}
  Result(Result&& o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
  ~Result() {
    if (m_r) PQclear(m_r);
  }
  int rows() const { return PQntuples(m_r); }
  bool is_null(int row, int col) const { return PQgetisnull(m_r, row, col); }
  std::string_view text(int row, int col) const {
    return std::string_view(PQgetvalue(m_r, row, col), PQgetlength(m_r, row, col));
  }
  std::int64_t integer(int row, int col) const;
  PGresult* get() const { return m_r; }

 private:
  PGresult* m_r;
};

class Connection {
 public:
  static Expected<std::unique_ptr<Connection>> open(const std::string& conninfo);
  ~Connection();

  Expected<Result> exec(const std::string& sql, const std::vector<Param>& params = {});
  // Runs sql without parameters (may hold several statements).
  Status run(const char* sql);
  // Runs "COPY ... FROM STDIN" (text format) and streams data (rows already escaped, see
  // copy_text_field) to the server; all rows or none, with the surrounding transaction.
  Status copy_in(const std::string& sql, std::string_view data);

 private:
  explicit Connection(PGconn* c) : m_conn(c) {}
  PGconn* m_conn;
};

// Appends s to out as one field of COPY's text format (backslash, tab, newline and carriage
// return escaped); copy_null_field appends the NULL marker.
void copy_text_field(std::string_view s, std::string& out);
inline void copy_null_field(std::string& out) { out += "\\N"; }

}  // namespace cairn::catalog::postgres
