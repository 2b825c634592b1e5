#include "cairn/catalog/sqlite_db.h"

#include "cairn/catalog/regex_check.h"

namespace cairn::catalog::sqlite {
namespace {

void delete_regex(void* p) { delete static_cast<CompiledRegex*>(p); }

// regexp(pattern, text): SQLite's "text REGEXP pattern"; the compiled pattern is cached per
// statement through sqlite3_set_auxdata.
void regexp_function(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  auto* re = static_cast<CompiledRegex*>(sqlite3_get_auxdata(ctx, 0));
  if (!re) {
    auto pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    auto compiled = CompiledRegex::compile(pattern ? pattern : "");
    if (!compiled) {
      sqlite3_result_error(ctx, "invalid regular expression", -1);
      return;
    }
    re = compiled.release();
    sqlite3_set_auxdata(ctx, 0, re, delete_regex);
    re = static_cast<CompiledRegex*>(sqlite3_get_auxdata(ctx, 0));
    if (!re) {  // SQLite may drop auxdata immediately; match without caching
      auto again = CompiledRegex::compile(pattern);
      auto text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
      sqlite3_result_int(ctx, again && again->search(text ? text : "") ? 1 : 0);
      return;
    }
  }
  auto text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  int n = sqlite3_value_bytes(argv[1]);
  sqlite3_result_int(ctx, re->search(std::string_view(text ? text : "", n)) ? 1 : 0);
}

}  // namespace

std::unexpected<Error> sqlite_error(sqlite3* db, int rc, std::string_view what) {
  int primary = rc & 0xFF;
  ErrorCode code = ErrorCode::io;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) code = ErrorCode::timeout;
  else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) code = ErrorCode::corrupt;
  else if (primary == SQLITE_PERM || primary == SQLITE_READONLY || primary == SQLITE_AUTH) code = ErrorCode::permission;
  else if (primary == SQLITE_CANTOPEN) code = ErrorCode::unavailable;
  else if (primary == SQLITE_CONSTRAINT) code = ErrorCode::conflict;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  return make_error(code, std::move(msg));
}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (m_stmt) sqlite3_finalize(m_stmt);
    m_db = o.m_db;
    m_stmt = o.m_stmt;
    o.m_stmt = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (m_stmt) sqlite3_finalize(m_stmt);
}

void Statement::bind(int i, const Scalar& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) sqlite3_bind_null(m_stmt, i);
        else if constexpr (std::is_same_v<T, bool>) sqlite3_bind_int64(m_stmt, i, x ? 1 : 0);
        else if constexpr (std::is_same_v<T, std::int64_t>) sqlite3_bind_int64(m_stmt, i, x);
        else if constexpr (std::is_same_v<T, double>) sqlite3_bind_double(m_stmt, i, x);
        else sqlite3_bind_text(m_stmt, i, x.data(), static_cast<int>(x.size()), SQLITE_TRANSIENT);
      },
      v);
}

void Statement::bind_text(int i, std::string_view s) {
  sqlite3_bind_text(m_stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
void Statement::bind_int(int i, std::int64_t v) { sqlite3_bind_int64(m_stmt, i, v); }
void Statement::bind_null(int i) { sqlite3_bind_null(m_stmt, i); }

Expected<bool> Statement::step() {
  int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(m_db, rc, "catalog (sqlite)");
}

Status Statement::run() {
  while (true) {
    auto row = step();
    if (!row) {
      reset();  // leave a reusable statement behind
      return std::unexpected(row.error());
    }
    if (!*row) break;
  }
  reset();
  return ok();
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::string_view Statement::column_text(int i) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
  int n = sqlite3_column_bytes(m_stmt, i);
  return p ? std::string_view(p, n) : std::string_view();
}

Expected<std::unique_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    auto err = sqlite_error(db, rc, "opening catalog " + path);
    sqlite3_close(db);
    return err;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 60000);
  sqlite3_create_function_v2(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, regexp_function,
                             nullptr, nullptr, nullptr);
  return std::unique_ptr<Database>(new Database(db));
}

Database::~Database() { sqlite3_close_v2(m_db); }

Expected<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) return sqlite_error(m_db, rc, "catalog (sqlite): preparing a statement");
  return Statement(m_db, stmt);
}

Status Database::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return sqlite_error(nullptr, rc, "catalog (sqlite): " + msg);
  }
  return ok();
}

}  // namespace cairn::catalog::sqlite
