#include "cairn/catalog/postgres_connection.h"

#include <algorithm>
#include <cstdlib>

namespace cairn::catalog::postgres {

std::int64_t Result::integer(int row, int col) const {
  return std::strtoll(PQgetvalue(m_r, row, col), nullptr, 10);
}

Expected<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (!c) return make_error(ErrorCode::unavailable, "catalog (postgresql): out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(c);
    return make_error(ErrorCode::unavailable, "catalog (postgresql): cannot connect: " + msg);
  }
  PQsetClientEncoding(c, "UTF8");
  return std::unique_ptr<Connection>(new Connection(c));
}

Connection::~Connection() { PQfinish(m_conn); }

Expected<Result> Connection::checked(PGresult* raw) {
  Result r(raw);
  auto status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  std::string msg = raw ? PQresultErrorMessage(raw) : PQerrorMessage(m_conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  ErrorCode code = PQstatus(m_conn) != CONNECTION_OK ? ErrorCode::unavailable : ErrorCode::io;
  if (state && std::string_view(state) == "23505") code = ErrorCode::conflict;
  return make_error(code, "catalog (postgresql): " + msg);
}

Expected<std::string> Connection::prepared(const std::string& sql) {
  if (auto it = m_prepared.find(sql); it != m_prepared.end()) return it->second;
  if (m_prepared.size() >= kMaxPrepared) {
    TRY_STATUS(run("DEALLOCATE ALL"));
    m_prepared.clear();
  }
  std::string name = "cairn_" + std::to_string(m_next_name++);
  // Parameter types are left to the server to infer, as with PQexecParams.
  auto done = checked(PQprepare(m_conn, name.c_str(), sql.c_str(), 0, nullptr));
  if (!done) return std::unexpected(done.error());
  m_prepared.emplace(sql, name);
  return name;
}

Expected<Result> Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  ASSIGN_OR_RETURN(auto name, prepared(sql));
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return checked(PQexecPrepared(m_conn, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                nullptr, 0));
}

Status Connection::run(const char* sql) {
  auto r = checked(PQexec(m_conn, sql));
  if (!r) return std::unexpected(r.error());
  return ok();
}

Status Connection::copy_in(const std::string& sql, const std::function<bool(std::string& chunk)>& next) {
  auto fail = [&](PGresult* r) -> Status {
    std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(m_conn);
    if (r) PQclear(r);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    ErrorCode code = PQstatus(m_conn) != CONNECTION_OK ? ErrorCode::unavailable : ErrorCode::io;
    return make_error(code, "catalog (postgresql): " + msg);
  };
  PGresult* start = PQexec(m_conn, sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) return fail(start);
  PQclear(start);
  constexpr size_t kPiece = 1 << 20;  // PQputCopyData takes an int length
  const char* error = nullptr;
  std::string chunk;
  while (!error) {
    chunk.clear();
    bool more = next(chunk);
    for (size_t off = 0; off < chunk.size() && !error; off += kPiece) {
      size_t n = std::min(kPiece, chunk.size() - off);
      if (PQputCopyData(m_conn, chunk.data() + off, static_cast<int>(n)) != 1) error = "sending COPY data failed";
    }
    if (!more) break;
  }
  if (PQputCopyEnd(m_conn, error) != 1) return fail(nullptr);
  Status result = ok();
  while (PGresult* r = PQgetResult(m_conn)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      if (result) result = fail(r);
      else PQclear(r);
    } else {
      PQclear(r);
    }
  }
  return result;
}

}  // namespace cairn::catalog::postgres
