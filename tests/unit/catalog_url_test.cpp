// Tests for open_catalog / redact_catalog_url (catalog URLs from config or CAIRN_CATALOG_URL).
#include <gtest/gtest.h>

#include "cairn/catalog/catalog_url.h"
#include "test_util.h"

namespace cairn::catalog {
namespace {

TEST(CatalogUrl, OpensSqliteByPath) {
  cairn::testing::TempDir dir;
  auto c = open_catalog("sqlite://" + (dir / "c.db"));
  ASSERT_TRUE(c) << c.error().message();
  auto q = parse_query_text("{}");
  ASSERT_TRUE(q);
  auto r = (*c)->find(*q, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total, 0);
}

TEST(CatalogUrl, RejectsUnknownSchemesWithoutEchoingPasswords) {
  auto c = open_catalog("mysql://bob:s3cret@host/db");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(c.error().message().find("s3cret"), std::string::npos) << c.error().message();
  EXPECT_FALSE(open_catalog("sqlite://"));
}

TEST(CatalogUrl, UnreachablePostgresIsUnavailableAndRedacted) {
  auto c = open_catalog("postgresql://bob:s3cret@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::unavailable) << c.error().message();
  EXPECT_EQ(c.error().message().find("s3cret"), std::string::npos) << c.error().message();
}

TEST(CatalogUrl, Redaction) {
  EXPECT_EQ(redact_catalog_url("postgresql://u:p@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact_catalog_url("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(redact_catalog_url("sqlite:///a:b@c"), "sqlite:///a:b@c");
}

}  // namespace
}  // namespace cairn::catalog
