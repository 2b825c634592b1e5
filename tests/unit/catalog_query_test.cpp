// Tests for the query language: parsing/validation errors (each names the path and operator)
// and the SQL compiler's guarantee that keys and values are bound parameters, never SQL text.
#include <gtest/gtest.h>

#include "cairn/catalog/iso_time.h"
#include "cairn/catalog/query.h"
#include "cairn/catalog/query_sql.h"

namespace cairn::catalog {
namespace {

Error parse_error(std::string_view text) {
  auto q = parse_query_text(text);
  EXPECT_FALSE(q.has_value()) << text;
  return q ? Error(ErrorCode::io, "unexpectedly parsed") : q.error();
}

void expect_error(std::string_view text, std::vector<std::string> needles) {
  Error e = parse_error(text);
  EXPECT_EQ(e.code(), ErrorCode::invalid_input) << e.message();
  for (const auto& n : needles) EXPECT_NE(e.message().find(n), std::string::npos) << e.message() << " lacks " << n;
}

TEST(CatalogQuery, EmptyTextMatchesAll) {
  auto q = parse_query_text("  ");
  ASSERT_TRUE(q);
  auto w = compile_where(*q, SqlDialect::sqlite);
  EXPECT_EQ(w.sql, "1 = 1");
  EXPECT_TRUE(w.params.empty());
}

TEST(CatalogQuery, MalformedJson) { expect_error(R"({"username": )", {"malformed JSON"}); }

TEST(CatalogQuery, NotAnObject) { expect_error(R"([1, 2])", {"filter must be a JSON object"}); }

TEST(CatalogQuery, UnknownOperatorNamesPathAndOperator) {
  expect_error(R"({"username": {"$like": "a%"}})", {"$like", "'username'", "unknown operator"});
  expect_error(R"({"$xor": []})", {"$xor", "unknown operator"});
}

TEST(CatalogQuery, UnknownField) { expect_error(R"({"password": "x"})", {"unknown field 'password'"}); }

TEST(CatalogQuery, BadRegexNamesPathAndOperator) {
  expect_error(R"({"file_relpaths": {"$regex": "(unclosed"}})", {"$regex", "'file_relpaths'", "invalid regex"});
}

TEST(CatalogQuery, TypeMismatchesNamePathAndOperator) {
  expect_error(R"({"creation_time": {"$gte": "last tuesday"}})", {"$gte", "'creation_time'", "ISO-8601"});
  expect_error(R"({"version": {"$gt": "3"}})", {"$gt", "'version'", "integer"});
  expect_error(R"({"username": 42})", {"$eq", "'username'", "string"});
  expect_error(R"({"labels.datatype": {"$in": "x"}})", {"$in", "'labels.datatype'", "list"});
  expect_error(R"({"labels.datatype": {"$exists": "yes"}})", {"$exists", "'labels.datatype'"});
  expect_error(R"({"version": {"$regex": "1"}})", {"$regex", "'version'", "text"});
  expect_error(R"({"labels.infos.n": {"$gt": true}})", {"$gt", "'labels.infos.n'"});
  expect_error(R"({"git.dirty": "yes"})", {"$eq", "'git.dirty'", "true or false"});
  expect_error(R"({"$or": {"username": "a"}})", {"$or", "list"});
  expect_error(R"({"based_on": ["a", "b"]})", {"$eq", "'based_on'"});
}

TEST(CatalogQuery, MixingOperatorsAndKeys) {
  expect_error(R"({"username": {"$eq": "a", "b": 1}})", {"'username'", "cannot mix"});
}

TEST(CatalogQuery, TimesAreComparedAsInstants) {
  auto q = parse_query_text(R"({"creation_time": {"$gte": "2024-05-01T14:00:00+02:00"}})");
  ASSERT_TRUE(q) << q.error().message();
  auto w = compile_where(*q, SqlDialect::sqlite);
  ASSERT_EQ(w.params.size(), 1u);
  auto expected = parse_iso_time("2024-05-01T12:00:00Z");
  ASSERT_TRUE(expected);
  EXPECT_EQ(std::get<std::int64_t>(w.params[0]), expected->time_since_epoch().count());
  EXPECT_EQ(w.sql, "(a.creation_time IS NOT NULL AND a.creation_time >= ?)");
}

TEST(CatalogQuery, KeysAndValuesAreNeverSplicedIntoSql) {
  const std::string evil_value = "x'); DROP TABLE artifacts; --";
  const std::string evil_key = "labels.infos.a'b\"; DROP TABLE artifacts; --";
  nlohmann::json filter = {{"username", evil_value},
                           {evil_key, {{"$in", {evil_value, 1}}}},
                           {"file_relpaths", {{"$regex", "DROP TABLE artifacts|x"}}}};
  auto q = parse_query(filter);
  ASSERT_TRUE(q) << q.error().message();
  for (auto dialect : {SqlDialect::sqlite, SqlDialect::postgres}) {
    auto w = compile_where(*q, dialect);
    EXPECT_EQ(w.sql.find("DROP"), std::string::npos) << w.sql;
    EXPECT_EQ(w.sql.find("'b"), std::string::npos) << w.sql;
    bool has_key = false, has_value = false;
    for (const auto& p : w.params) {
      if (auto* s = std::get_if<std::string>(&p)) {
        has_key |= *s == evil_key;
        has_value |= *s == evil_value;
      }
    }
    EXPECT_TRUE(has_key);
    EXPECT_TRUE(has_value);
  }
}

TEST(CatalogQuery, PostgresPlaceholdersAreNumbered) {
  auto q = parse_query_text(R"({"username": "a", "labels.infos.k": {"$in": ["x", "y"]}})");
  ASSERT_TRUE(q);
  auto w = compile_where(*q, SqlDialect::postgres, 3);
  EXPECT_NE(w.sql.find("$3"), std::string::npos) << w.sql;
  EXPECT_NE(w.sql.find("$6"), std::string::npos) << w.sql;
  EXPECT_EQ(w.sql.find("$7"), std::string::npos) << w.sql;
  EXPECT_EQ(w.sql.find('?'), std::string::npos) << w.sql;
  EXPECT_EQ(w.params.size(), 4u);
}

TEST(CatalogQuery, NotAcceptsOperatorObjectOrRegexString) {
  EXPECT_TRUE(parse_query_text(R"({"labels.datatype": {"$not": {"$in": ["a"]}}})"));
  EXPECT_TRUE(parse_query_text(R"({"file_relpaths": {"$not": "\\.txt$"}})"));
  EXPECT_TRUE(parse_query_text(R"({"$not": {"username": "a"}})"));
  expect_error(R"({"username": {"$not": 3}})", {"$not", "'username'"});
}

}  // namespace
}  // namespace cairn::catalog
