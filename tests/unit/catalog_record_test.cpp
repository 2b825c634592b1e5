// Tests for the artifact record model: ids, ISO times, JSON round trip and format versioning.
#include <gtest/gtest.h>

#include "cairn/catalog/iso_time.h"
#include "cairn/catalog/record.h"
#include "cairn/catalog/record_index.h"
#include "cairn/catalog/record_text.h"

namespace cairn::catalog {
namespace {

ArtifactRecord sample() {
  ArtifactRecord r;
  r.artifact_id = new_artifact_id();
  r.name = "train-set";
  r.version = 3;
  r.files["docs/train.txt"] = {"0123456789abcdef0123456789abcdef", 12, "s3://b/files/md5/01/23"};
  r.labels.datatype = "annotation_file";
  r.labels.ticket = "AB-123";
  r.labels.infos = {{"stratification", "x"}, {"fold", 2}, {"tags", {"a", "b"}}, {"nested", {{"k", true}}}};
  r.username = "user-a";
  r.hostname = "host";
  r.argv = {"cairn", "artifact", "log"};
  r.creation_time = *parse_iso_time("2026-11-22T02:40:00.123Z");
  r.run_id = "run-1";
  r.based_on = {new_artifact_id()};
  r.git = GitInfo{"abc123", "main", GitDirty::dirty};
  r.environment.python_packages["pandas"] = "2.2.0";
  return r;
}

TEST(CatalogIsoTime, ParsesVariantsAndRoundTrips) {
  auto z = parse_iso_time("2024-05-01T12:00:00Z");
  ASSERT_TRUE(z);
  EXPECT_EQ(*parse_iso_time("2024-05-01T14:00:00+02:00"), *z);
  EXPECT_EQ(*parse_iso_time("2024-05-01 12:00:00"), *z);
  EXPECT_EQ(*parse_iso_time("2024-05-01T07:00-0500"), *z);
  EXPECT_EQ(parse_iso_time("2024-05-01T12:00:00.123456+00:00")->time_since_epoch().count() % 1000, 123);
  EXPECT_EQ(format_iso_time(*parse_iso_time("2024-05-01")), "2024-05-01T00:00:00.000Z");
  auto t = parse_iso_time("1999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso_time(*t), "1999-12-31T23:59:59.999Z");
  for (auto bad : {"", "2024-13-01", "2024-02-30", "yesterday", "2024-05-01T25:00", "2024-05-01T12:00:00Q"})
    EXPECT_FALSE(parse_iso_time(bad)) << bad;
}

TEST(CatalogRecord, ArtifactIdsAreUuid4) {
  auto id = new_artifact_id();
  EXPECT_TRUE(is_valid_artifact_id(id)) << id;
  EXPECT_EQ(id[9 + 14], '4') << id;
  EXPECT_NE(new_artifact_id(), id);
  EXPECT_FALSE(is_valid_artifact_id("artifact_x"));
  EXPECT_FALSE(is_valid_artifact_id("x'; DROP TABLE artifacts"));
}

TEST(CatalogRecord, JsonRoundTrip) {
  auto r = sample();
  auto j = record_to_json(r);
  EXPECT_EQ(j["format_version"], kRecordFormatVersion);
  EXPECT_EQ(j["creation_time"], "2026-11-22T02:40:00.123Z");
  auto back = record_from_json_text(j.dump());
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, r);
}

// The fast serializer used by bulk ingest writes exactly what nlohmann's dump() writes.
TEST(CatalogRecord, FastJsonTextMatchesNlohmannDump) {
  auto r = sample();
  EXPECT_EQ(record_to_json_text(r), record_to_json(r).dump());
  ArtifactRecord bare;  // nulls, empty lists and objects, no git
  bare.artifact_id = new_artifact_id();
  bare.username = "u";
  EXPECT_EQ(record_to_json_text(bare), record_to_json(bare).dump());
  r.labels.description = std::string("quote \" back\\ ctl \x01\x1f\b\f\n\r\t del \x7f end");
  r.hostname = "h\u00f6st-\u65e5\u672c";  // UTF-8 passes through unescaped
  r.files["dir/\u00e4 \"x\".csv"] = {"ff", 18446744073709551615ull, "file:///a b"};
  r.environment.executable = "cairn";
  r.environment.executable_version = "0.1.0";
  r.git->branch = "";
  r.git->dirty = GitDirty::clean;
  r.version = -1;
  EXPECT_EQ(record_to_json_text(r), record_to_json(r).dump());
  auto back = record_from_json_text(record_to_json_text(r));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, r);
  r.labels.project = std::string("\xff\xfe");  // invalid UTF-8: rejected like dump() rejects it
  EXPECT_ANY_THROW(record_to_json_text(r));
}

TEST(CatalogRecord, UnknownFormatVersionIsReportedNotGuessed) {
  auto j = record_to_json(sample());
  j["format_version"] = 2;
  auto r = record_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::corrupt);
  EXPECT_NE(r.error().message().find("unknown format_version 2"), std::string::npos) << r.error().message();
  j.erase("format_version");
  EXPECT_FALSE(record_from_json(j));
}

TEST(CatalogRecord, RejectsUnsafeRelpathsAndBadFields) {
  auto j = record_to_json(sample());
  j["files"]["../etc/passwd"] = {{"md5", "x"}, {"size", 1}, {"url", ""}};
  EXPECT_FALSE(record_from_json(j));
  j = record_to_json(sample());
  j["creation_time"] = "soon";
  EXPECT_FALSE(record_from_json(j));
  EXPECT_FALSE(record_from_json_text("{not json"));
}

TEST(CatalogRecord, IndexValuesFlattenLabelsAndArrays) {
  auto r = sample();
  auto rows = index_values(r);
  auto has = [&](const std::string& path, const Scalar& v) {
    for (const auto& row : rows)
      if (row.path == path && row.value == v) return true;
    return false;
  };
  EXPECT_TRUE(has("based_on", r.based_on[0]));
  EXPECT_TRUE(has("file_relpaths", std::string("docs/train.txt")));
  EXPECT_FALSE(has("labels.datatype", std::string("annotation_file")));  // a column, not a row
  EXPECT_TRUE(has("labels.infos.fold", std::int64_t(2)));
  EXPECT_TRUE(has("labels.infos.tags", std::string("b")));
  EXPECT_TRUE(has("labels.infos.nested.k", true));
  EXPECT_TRUE(has("environment.python_packages.pandas", std::string("2.2.0")));
  EXPECT_TRUE(has("argv", std::string("log")));
}

}  // namespace
}  // namespace cairn::catalog
