// Thin RAII wrapper over a libpq connection: parameterised statements only (every value is a
// text parameter; NULL for absent), results as an owned PGresult. exec() prepares each distinct
// statement text once per connection (PQprepare) and runs it with PQexecPrepared afterwards,
// so repeated queries skip parsing and, once PostgreSQL settles on a generic plan, planning;
// the cache holds at most kMaxPrepared statements (then DEALLOCATE ALL and start over).
// Errors: cannot connect -> ErrorCode::unavailable, a failed statement -> io (conflict for
// unique violations).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

  static constexpr size_t kMaxPrepared = 256;

  // Runs one statement (prepared on first use, see above).
  Expected<Result> exec(const std::string& sql, const std::vector<Param>& params = {});
  // Runs sql without parameters and without preparing it (may hold several statements).
  Status run(const char* sql);
  Status run(const std::string& sql) { return run(sql.c_str()); }
  // Runs "COPY ... FROM STDIN" and streams the data (in the format the statement names) to
  // the server, made chunk by chunk while the server loads the previous ones: next(chunk)
  // appends the next bytes to the (empty) chunk and returns false after the last. All rows or
  // none, with the surrounding transaction.
  Status copy_in(const std::string& sql, const std::function<bool(std::string& chunk)>& next);

 private:
  explicit Connection(PGconn* c) : m_conn(c) {}
  Expected<Result> checked(PGresult* raw);
  // The name of sql's prepared statement, preparing it first if needed.
  Expected<std::string> prepared(const std::string& sql);

  PGconn* m_conn;
  std::unordered_map<std::string, std::string> m_prepared;  // sql -> statement name
  std::uint64_t m_next_name = 0;
};

// Appends items (strings) as a text[] literal: {"a","b"}, every element quoted, '"' and '\\'
// escaped.
template <class Range>
void append_array_literal(const Range& items, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    out += '"';
    for (char c : std::string_view(item)) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
}
template <class Range>
std::string array_literal(const Range& items) {
  std::string out;
  append_array_literal(items, out);
  return out;
}

}  // namespace cairn::catalog::postgres
