// Remote helpers and the registry: check_key, is_transient, redact_url, url_scheme and the
// dispatch of open_backend/open_remote by URL.
#include <gtest/gtest.h>

#include "cairn/remote/local_remote.h"
#include "cairn/remote/mem_remote.h"
#include "cairn/remote/registry.h"
#include "test_util.h"

using namespace cairn;
using namespace cairn::remote;

TEST(CheckKey, AcceptsDvcLayoutKeys) {
  for (const char* k : {"files/md5/ab/cdef0123456789abcdef0123456789", "files/md5/ab/cd.dir", "ab/cdef",
                        "runs/aa/bb/cc", "x", ".hidden/file", "a..b/c", "with space/ok"})
    EXPECT_TRUE(check_key(k)) << k;
}

TEST(CheckKey, RefusesUnsafeKeysWithInvalidInput) {
  for (std::string k : {std::string(""), std::string("/etc/passwd"), std::string("../x"), std::string("a/../../x"),
                        std::string("a//b"), std::string("a/"), std::string("./a"), std::string("a/."),
                        std::string("a\\..\\b"), std::string("a\0b", 3), std::string(1025, 'a')}) {
    auto s = check_key(k);
    ASSERT_FALSE(s) << k;
    EXPECT_EQ(s.error().code(), ErrorCode::invalid_input);
  }
  EXPECT_TRUE(check_key(std::string(1024, 'a')));
}

TEST(IsTransient, OnlyUnavailableAndTimeout) {
  EXPECT_TRUE(is_transient(Error(ErrorCode::unavailable, "")));
  EXPECT_TRUE(is_transient(Error(ErrorCode::timeout, "")));
  for (ErrorCode c : {ErrorCode::not_found, ErrorCode::invalid_input, ErrorCode::corrupt, ErrorCode::conflict,
                      ErrorCode::io, ErrorCode::permission})
    EXPECT_FALSE(is_transient(Error(c, "")));
}

TEST(RedactUrl, HidesUserinfo) {
  EXPECT_EQ(redact_url("s3://AKIAXXX:wJalrXUtnFEMI@host:9000/bucket/x"), "s3://***@host:9000/bucket/x");
  EXPECT_EQ(redact_url("https://user:pa%40ss@example.com/a@b"), "https://***@example.com/a@b");
  EXPECT_EQ(redact_url("https://token@example.com"), "https://***@example.com");
}

TEST(RedactUrl, HidesSignedQueryValues) {
  EXPECT_EQ(redact_url("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2024"
                       "&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
                       "&X-Amz-Security-Token=FwoGZX&X-Amz-Signature=abcdef"),
            "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***"
            "&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
            "&X-Amz-Security-Token=***&X-Amz-Signature=***");
  EXPECT_EQ(redact_url("https://h/p?AWSAccessKeyId=AKIA&Signature=xyz&Expires=1"),
            "https://h/p?AWSAccessKeyId=***&Signature=***&Expires=1");
  EXPECT_EQ(redact_url("https://h/p?token=t&access_token=a&sig=s&keep=1#frag"),
            "https://h/p?token=***&access_token=***&sig=***&keep=1#frag");
  EXPECT_EQ(redact_url("https://u:p@h/p?password=x"), "https://***@h/p?password=***");
}

TEST(RedactUrl, LeavesPlainUrlsAndPathsAlone) {
  for (const char* u : {"s3://bucket/prefix", "/data/remote", "../store", "file:///tmp/x", "mem://t",
                        "https://example.com/dvc?x=1&y", "https://h/p?"})
    EXPECT_EQ(redact_url(u), u);
}

TEST(UrlScheme, PicksTheBackend) {
  EXPECT_EQ(url_scheme("s3://bucket/x"), "s3");
  EXPECT_EQ(url_scheme("S3://bucket/x"), "s3");
  EXPECT_EQ(url_scheme("https://h/x"), "https");
  EXPECT_EQ(url_scheme("http://h/x"), "http");
  EXPECT_EQ(url_scheme("mem://name"), "mem");
  EXPECT_EQ(url_scheme("file:///tmp/x"), "file");
  EXPECT_EQ(url_scheme("/tmp/x"), "file");
  EXPECT_EQ(url_scheme("relative/dir"), "file");
  EXPECT_EQ(url_scheme("./odd://name"), "file");
  EXPECT_EQ(url_scheme("gs://b"), "gs");
}

TEST(OpenBackend, LocalPathsAndFileUrls) {
  cairn::testing::TempDir dir;
  auto abs = open_backend({dir / "store", {}, "/ignored"});
  ASSERT_TRUE(abs);
  EXPECT_EQ(dynamic_cast<LocalRemote&>(**abs).root(), dir / "store");
  auto rel = open_backend({"sub/../store2", {}, dir.path()});
  ASSERT_TRUE(rel);
  EXPECT_EQ(dynamic_cast<LocalRemote&>(**rel).root(), dir / "store2");
  auto url = open_backend({"file://" + dir.path() + "/with%20space", {}, ""});
  ASSERT_TRUE(url);
  EXPECT_EQ(dynamic_cast<LocalRemote&>(**url).root(), dir / "with space");
  auto host = open_backend({"file://localhost" + dir.path(), {}, ""});
  ASSERT_TRUE(host);
  EXPECT_EQ(dynamic_cast<LocalRemote&>(**host).root(), dir.path());
  auto other_host = open_backend({"file://server/share", {}, ""});
  ASSERT_FALSE(other_host);
  EXPECT_EQ(other_host.error().code(), ErrorCode::invalid_input);
  auto empty = open_backend({"", {}, ""});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::invalid_input);
}

TEST(OpenBackend, MemAndS3Dispatch) {
  auto mem = open_backend({"mem://registry-test", {}, ""});
  ASSERT_TRUE(mem);
  EXPECT_NE(dynamic_cast<MemRemote*>(mem->get()), nullptr);
  EXPECT_FALSE(open_backend({"mem://", {}, ""}));
  EXPECT_FALSE(open_backend({"mem://a/b", {}, ""}));
  // s3 goes to the S3 backend (whatever it answers, it is not "unsupported scheme").
  auto s3 = open_backend({"s3://bucket/prefix", {{"endpointurl", "http://127.0.0.1:1"}}, ""});
  if (!s3) {
    EXPECT_EQ(s3.error().message().find("unsupported remote URL scheme"), std::string::npos);
  }
  MemRemote::drop("mem://registry-test");
}

TEST(OpenBackend, UnsupportedSchemesAreInvalidInputWithoutSecrets) {
  auto gs = open_backend({"gs://user:hunter2@bucket/x?token=abc", {}, ""});
  ASSERT_FALSE(gs);
  EXPECT_EQ(gs.error().code(), ErrorCode::invalid_input);
  EXPECT_NE(gs.error().message().find("'gs'"), std::string::npos) << gs.error().message();
  EXPECT_EQ(gs.error().message().find("hunter2"), std::string::npos) << gs.error().message();
  EXPECT_EQ(gs.error().message().find("abc"), std::string::npos) << gs.error().message();
}

TEST(OpenRemote, WrapsTheBackend) {
  auto r = open_remote({"mem://open-remote-test", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(dynamic_cast<MemRemote*>(r->get()), nullptr);  // wrapped
  EXPECT_EQ((*r)->display_url(), "mem://open-remote-test");
  ASSERT_TRUE((*r)->put_bytes("k", "v"));
  EXPECT_EQ(*MemRemote("mem://open-remote-test").get_bytes("k"), "v");
  MemRemote::drop("mem://open-remote-test");
}
