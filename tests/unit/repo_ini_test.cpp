#include "cairn/repo/ini.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cairn::repo {
namespace {

std::string read_data(const std::string& rel) {
  std::ifstream in(std::string(CAIRN_TEST_DATA_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string dump_or_die(const IniFile& f) {
  auto d = f.dump();
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().message());
  return d ? *d : std::string();
}

// Vectors produced by data/config/gen_ini_vectors.py with ConfigObj 5.0.9 + DVC 3.67.1.
TEST(IniVectors, MatchConfigObjAndDvc) {
  auto cases = nlohmann::json::parse(read_data("config/ini_vectors.json"));
  ASSERT_GT(cases.size(), 500u);
  int ok_cases = 0;
  for (const auto& c : cases) {
    std::string input = c["input"];
    SCOPED_TRACE("input: " + nlohmann::json(input).dump());
    auto parsed = IniFile::parse(input, "cfg");
    if (c.value("nested", false)) {
      EXPECT_FALSE(parsed.has_value());
      continue;
    }
    if (c["ok"]) {
      EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
      if (!parsed) continue;
      ++ok_cases;
      if (c["dump"].is_null()) {
        EXPECT_FALSE(parsed->dump().has_value());
      } else {
        auto d = parsed->dump();
        EXPECT_TRUE(d.has_value()) << d.error().message();
        if (!d) continue;
        EXPECT_EQ(*d, c["dump"].get<std::string>());
        // dump() output parses back to the same model.
        auto again = IniFile::parse(*d, "cfg");
        ASSERT_TRUE(again.has_value()) << again.error().message();
        EXPECT_EQ(dump_or_die(*again), *d);
      }
    } else {
      EXPECT_FALSE(parsed.has_value());
      if (parsed) continue;
      EXPECT_EQ(parsed.error().code(), ErrorCode::invalid_input);
      if (!c["line"].is_null()) {
        std::string expect = "cfg:" + std::to_string(c["line"].get<int>()) + ": ";
        EXPECT_EQ(parsed.error().message().rfind(expect, 0), 0u) << parsed.error().message();
      }
    }
  }
  EXPECT_GT(ok_cases, 150);
}

TEST(IniFile, ErrorsNameFileAndLine) {
  auto r = IniFile::parse("[core]\nremote = x\nfoo\n", "/r/.dvc/config");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(),
            "/r/.dvc/config:3: Invalid line ('foo') (matched as neither section nor keyword)");
  r = IniFile::parse("[core]\na = 1\na = 2\n", "c");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "c:3: Duplicate keyword name");
  r = IniFile::parse("[a]]\n", "c");
  EXPECT_EQ(r.error().message(), "c:1: Cannot compute the section depth");
  r = IniFile::parse("[a]\nk = 1\n[a]\n", "c");
  EXPECT_EQ(r.error().message(), "c:3: Duplicate section name");
  r = IniFile::parse("[a]\nk = '''x\n", "c");
  EXPECT_EQ(r.error().message(), "c:2: Parse error in multiline value");
  r = IniFile::parse("[a]\nk = \"x\n", "c");
  EXPECT_EQ(r.error().message(), "c:2: Parse error in value");
  r = IniFile::parse("[a]\n[[b]]\n", "c");
  EXPECT_EQ(r.error().message(), "c:2: nested sections are not supported");
  r = IniFile::parse("[a]\nk = \xff\n", "c");
  EXPECT_EQ(r.error().message(),
            "c:2: 'utf-8' codec can't decode byte 0xff in position 8: invalid start byte");
}

TEST(IniFile, DumpMatchesDvcLayout) {
  auto f = IniFile::parse(
      "['remote \"Storage\"']\nurl = s3://b\n[core]\n  Remote = storage # c\n[cache]\n"
      "type = \"hardlink,symlink\"\n[empty]\n['remote \"e\"']\n",
      "c");
  ASSERT_TRUE(f.has_value()) << f.error().message();
  EXPECT_EQ(dump_or_die(*f),
            "[core]\n    remote = storage\n[cache]\n    type = \"hardlink,symlink\"\n"
            "['remote \"storage\"']\n    url = s3://b\n['remote \"e\"']\n");
  ASSERT_NE(f->get("remote \"storage\"", "url"), nullptr);
  EXPECT_EQ(f->get("remote \"storage\"", "url")->str, "s3://b");
}

TEST(IniFile, EmptyConfigDumpsNewlineLikeDvc) {
  auto f = IniFile::parse("", "c");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->sections().empty());
  EXPECT_EQ(dump_or_die(*f), "\n");
}

TEST(IniFile, SetUnsetAndQuoting) {
  IniFile f;
  f.set("core", "autostage", IniValue("true"));
  f.set("cache", "type", IniValue("reflink,copy"));
  f.set("remote \"r\"", "url", IniValue("/a b"));
  f.set("core", "x", IniValue(""));
  f.set("core", "y", IniValue("a#b"));
  f.set("core", "z", IniValue(" lead"));
  f.set("core", "q", IniValue("say \"hi\""));
  f.set("core", "l", IniValue::make_list({"a", "b c"}));
  EXPECT_EQ(dump_or_die(f),
            "[core]\n    autostage = true\n    x = \"\"\n    y = \"a#b\"\n    z = \" lead\"\n"
            "    q = 'say \"hi\"'\n    l = a, b c\n[cache]\n    type = \"reflink,copy\"\n"
            "['remote \"r\"']\n    url = /a b\n");
  EXPECT_TRUE(f.unset("cache", "type"));
  EXPECT_FALSE(f.unset("cache", "type"));
  EXPECT_EQ(f.find_section("cache")->entries.size(), 0u);
  f.set("core", "bad", IniValue("'''\"\"\""));
  EXPECT_FALSE(f.dump().has_value());
}

TEST(IniFile, ListValuesAndDisplay) {
  auto f = IniFile::parse("[cache]\ntype = reflink, copy\none = a,\nnone = ,\n", "c");
  ASSERT_TRUE(f.has_value());
  const IniValue* t = f->get("cache", "type");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->is_list);
  EXPECT_EQ(t->display(), "['reflink', 'copy']");
  EXPECT_EQ(dump_or_die(*f), "[cache]\n    type = reflink, copy\n    one = a,\n    none = ,\n");
}

TEST(IniFile, SplitSectionName) {
  EXPECT_EQ(IniFile::split_section_name("remote \"x\""),
            (std::pair<std::string, std::string>{"remote", "x"}));
  EXPECT_EQ(IniFile::split_section_name("  db\"a b\" "), (std::pair<std::string, std::string>{"db", "a b"}));
  EXPECT_EQ(IniFile::split_section_name("core"), (std::pair<std::string, std::string>{"", "core"}));
  EXPECT_EQ(python_lower("ÀBÇ"), "àbç");
}

}  // namespace
}  // namespace cairn::repo
