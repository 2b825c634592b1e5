#include "cairn/catalog/postgres_connection.h"

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

Expected<Result> Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Result r(PQexecParams(m_conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                        nullptr, 0));
  PGresult* raw = r.get();
  auto status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  std::string msg = PQresultErrorMessage(raw);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  ErrorCode code = PQstatus(m_conn) != CONNECTION_OK ? ErrorCode::unavailable : ErrorCode::io;
  if (state && std::string_view(state) == "23505") code = ErrorCode::conflict;
  return make_error(code, "catalog (postgresql): " + msg);
}

Status Connection::run(const char* sql) {
  PGresult* r = PQexec(m_conn, sql);
  auto status = PQresultStatus(r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(r);
    return ok();
  }
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return make_error(ErrorCode::io, "catalog (postgresql): " + msg);
}

}  // namespace cairn::catalog::postgres
