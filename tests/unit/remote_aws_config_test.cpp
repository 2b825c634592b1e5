// Unit tests of the AWS-side helpers of the S3 backend: SigV4 signing against the examples
// AWS publishes, the ~/.aws file parser, credential/region/endpoint resolution (temporary
// HOME files, environment variables) and the S3 option parsing. No server involved.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "cairn/env/env.h"
#include "cairn/remote/aws_config.h"
#include "cairn/remote/aws_ini.h"
#include "cairn/remote/aws_sigv4.h"
#include "cairn/remote/s3_settings.h"
#include "test_util.h"

namespace cairn::remote {
namespace {

using aws::AwsConfig;
using aws::EnvLookup;
using aws::NameValues;
using cairn::testing::TempDir;
using cairn::testing::write_file;

// ---------------------------------------------------------------------------------------
// SigV4: examples from the AWS documentation.

// The AWS SigV4 test suite ("aws-sig-v4-test-suite"): service "service", us-east-1,
// 2015-08-30T12:36:00Z, key AKIDEXAMPLE.
const aws::AwsCredentials k_suite_key{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test"};
// The S3 documentation's examples ("Signature Calculations for the Authorization Header:
// Transferring Payload in a Single Chunk"): examplebucket, us-east-1, 2013-05-24.
const aws::AwsCredentials k_s3_doc_key{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "",
                                       "test"};
const std::string k_s3_doc_host = "examplebucket.s3.amazonaws.com";
const std::string k_s3_doc_time = "20130524T000000Z";

aws::Signature sign_suite(NameValues query) {
  aws::SigningRequest req{"GET",
                          "/",
                          std::move(query),
                          {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
                          std::string(aws::k_empty_sha256)};
  return aws::sign_v4(req, k_suite_key, "us-east-1", "service", "20150830T123600Z");
}

TEST(AwsSigV4, DerivedSigningKeyFromTheDocumentation) {
  // "Examples of how to derive a signing key for Signature Version 4".
  EXPECT_EQ(aws::to_hex(aws::derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                                "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(AwsSigV4, TestSuiteGetVanilla) {
  auto sig = sign_suite({});
  EXPECT_EQ(sig.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sig.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(AwsSigV4, TestSuiteQueryParametersAreSortedByNameThenValue) {
  // get-vanilla-query-order-key-case and get-vanilla-query-order-value.
  EXPECT_EQ(sign_suite({{"Param2", "value2"}, {"Param1", "value1"}}).signature,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  EXPECT_EQ(sign_suite({{"Param1", "value2"}, {"Param1", "Value1"}}).signature,
            "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1");
}

TEST(AwsSigV4, S3DocGetObjectWithRange) {
  aws::SigningRequest req{"GET",
                          "/test.txt",
                          {},
                          {{"Host", k_s3_doc_host},
                           {"Range", "bytes=0-9"},
                           {"x-amz-content-sha256", std::string(aws::k_empty_sha256)},
                           {"x-amz-date", k_s3_doc_time}},
                          std::string(aws::k_empty_sha256)};
  auto sig = aws::sign_v4(req, k_s3_doc_key, "us-east-1", "s3", k_s3_doc_time);
  EXPECT_EQ(aws::sha256_hex(sig.canonical_request),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(sig.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(AwsSigV4, S3DocPutObjectWithAnEncodedKey) {
  std::string payload = aws::sha256_hex("Welcome to Amazon S3.");
  EXPECT_EQ(payload, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  aws::SigningRequest req{"PUT",
                          "/" + aws::uri_encode("test$file.text", aws::EncodeSlash::no),
                          {},
                          {{"Host", k_s3_doc_host},
                           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"x-amz-date", k_s3_doc_time},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                           {"x-amz-content-sha256", payload}},
                          payload};
  EXPECT_EQ(req.canonical_uri, "/test%24file.text");
  EXPECT_EQ(aws::sign_v4(req, k_s3_doc_key, "us-east-1", "s3", k_s3_doc_time).signature,
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(AwsSigV4, S3DocSubresourceWithoutValueAndListObjects) {
  auto sign_get = [](NameValues query) {
    aws::SigningRequest req{"GET",
                            "/",
                            std::move(query),
                            {{"Host", k_s3_doc_host},
                             {"x-amz-content-sha256", std::string(aws::k_empty_sha256)},
                             {"x-amz-date", k_s3_doc_time}},
                            std::string(aws::k_empty_sha256)};
    return aws::sign_v4(req, k_s3_doc_key, "us-east-1", "s3", k_s3_doc_time).signature;
  };
  // GET ?lifecycle: a value-less sub-resource is canonicalised as "lifecycle=" (what
  // libcurl 7.88's signer gets wrong).
  EXPECT_EQ(sign_get({{"lifecycle", ""}}),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  // GET ?max-keys=2&prefix=J, given out of order.
  EXPECT_EQ(sign_get({{"prefix", "J"}, {"max-keys", "2"}}),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(AwsSigV4, UriEncodingKeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(aws::uri_encode("AZaz09-._~", aws::EncodeSlash::yes), "AZaz09-._~");
  EXPECT_EQ(aws::uri_encode("a b+c/é=&?%", aws::EncodeSlash::no), "a%20b%2Bc/%C3%A9%3D%26%3F%25");
  EXPECT_EQ(aws::uri_encode("a/b", aws::EncodeSlash::yes), "a%2Fb");
  EXPECT_EQ(aws::uri_encode("日本", aws::EncodeSlash::no), "%E6%97%A5%E6%9C%AC");
  EXPECT_EQ(aws::canonical_query_string({{"prefix", "a b/"}, {"list-type", "2"}, {"uploads", ""}}),
            "list-type=2&prefix=a%20b%2F&uploads=");
}

TEST(AwsSigV4, HeadersAreLowerCasedTrimmedAndSorted) {
  aws::SigningRequest req{"GET",
                          "/k",
                          {},
                          {{"X-Amz-Date", "20150830T123600Z"}, {"Host", "h"}, {"My-Header", "  a   b  c "}},
                          std::string(aws::k_empty_sha256)};
  std::string signed_headers;
  std::string canonical = aws::canonical_request(req, &signed_headers);
  EXPECT_EQ(signed_headers, "host;my-header;x-amz-date");
  EXPECT_NE(canonical.find("\nmy-header:a b c\n"), std::string::npos) << canonical;
}

TEST(AwsSigV4, TimestampAndContentMd5) {
  EXPECT_EQ(aws::amz_timestamp(std::chrono::system_clock::from_time_t(1369353600)), "20130524T000000Z");
  EXPECT_EQ(aws::content_md5(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(aws::content_md5("hello"), "XUFAKrxLKna5cZ2REBfFkg==");
}

// ---------------------------------------------------------------------------------------
// ~/.aws file parsing.

TEST(AwsIni, SectionsEntriesCommentsAndNestedS3Block) {
  auto ini = aws::parse_aws_ini(
      "# comment\n"
      "[default]\n"
      "aws_access_key_id = AKIA1\n"
      "Region: eu-west-1\n"
      "; another comment\n"
      "\n"
      "[profile dev]\r\n"
      "s3 =\n"
      "    multipart_chunksize = 16MB\n"
      "    addressing_style = path\n"
      "output = json # not a comment\n",
      "config");
  ASSERT_TRUE(ini) << ini.error().message();
  EXPECT_EQ((*ini)["default"]["aws_access_key_id"], "AKIA1");
  EXPECT_EQ((*ini)["default"]["region"], "eu-west-1");
  EXPECT_EQ((*ini)["profile dev"]["s3.multipart_chunksize"], "16MB");
  EXPECT_EQ((*ini)["profile dev"]["s3.addressing_style"], "path");
  EXPECT_EQ((*ini)["profile dev"]["output"], "json # not a comment");
}

TEST(AwsIni, MalformedLinesNameFileAndLine) {
  auto outside = aws::parse_aws_ini("key = value\n", "/h/.aws/credentials");
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(outside.error().message(), "/h/.aws/credentials:1: entry outside of any [section]");
  auto garbage = aws::parse_aws_ini("[a]\nx = 1\nnot an entry\n", "f");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message().find("f:3:"), std::string::npos);
  EXPECT_FALSE(aws::parse_aws_ini("[unterminated\n", "f"));
}

// ---------------------------------------------------------------------------------------
// Credential, region and endpoint resolution.

class AwsConfigTest : public ::testing::Test {
 protected:
  AwsConfigTest() { m_env["HOME"] = m_home.path(); }

  EnvLookup lookup() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = m_env.find(name);
      if (it == m_env.end()) return std::nullopt;
      return it->second;
    };
  }
  Expected<AwsConfig> resolve(const std::map<std::string, std::string>& options = {}) {
    return aws::resolve_aws_config(options, lookup(), *env::default_env());
  }
  void credentials_file(const std::string& text) { write_file(m_home / ".aws/credentials", text); }
  void config_file(const std::string& text) { write_file(m_home / ".aws/config", text); }

  TempDir m_home;
  std::map<std::string, std::string> m_env;
};

TEST_F(AwsConfigTest, NothingConfigured) {
  auto c = resolve();
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_FALSE(c->credentials);
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_EQ(c->endpoint_url, "");
  EXPECT_EQ(c->profile, "default");
  EXPECT_EQ(c->credentials_file, m_home / ".aws/credentials");
  EXPECT_EQ(c->config_file, m_home / ".aws/config");
}

TEST_F(AwsConfigTest, OptionsThenEnvironmentThenCredentialsFileThenConfigFile) {
  config_file("[default]\naws_access_key_id = CONF\naws_secret_access_key = conf-secret\n");
  auto c = resolve();
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "CONF");
  EXPECT_EQ(c->credentials->source, m_home / ".aws/config" + " [profile default]");

  credentials_file(
      "[default]\naws_access_key_id = FILE\naws_secret_access_key = file-secret\naws_session_token = ftok\n");
  c = resolve();
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "FILE");
  EXPECT_EQ(c->credentials->secret_access_key, "file-secret");
  EXPECT_EQ(c->credentials->session_token, "ftok");

  m_env["AWS_ACCESS_KEY_ID"] = "ENV";
  m_env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  m_env["AWS_SESSION_TOKEN"] = "etok";
  c = resolve();
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "ENV");
  EXPECT_EQ(c->credentials->session_token, "etok");
  EXPECT_EQ(c->credentials->source, "environment");

  c = resolve({{"access_key_id", "OPT"}, {"secret_access_key", "opt-secret"}});
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "OPT");
  EXPECT_EQ(c->credentials->session_token, "");
  EXPECT_EQ(c->credentials->source, "remote options");
}

TEST_F(AwsConfigTest, ProfileFromOptionOrEnvironment) {
  credentials_file(
      "[default]\naws_access_key_id = D\naws_secret_access_key = d\n"
      "[dev]\naws_access_key_id = DEV\naws_secret_access_key = dev\n");
  config_file("[profile dev]\nregion = ap-south-1\n[default]\nregion = eu-north-1\n");
  auto c = resolve();
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "D");
  EXPECT_EQ(c->region, "eu-north-1");

  m_env["AWS_PROFILE"] = "dev";
  c = resolve();
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "DEV");
  EXPECT_EQ(c->region, "ap-south-1");
  EXPECT_EQ(c->profile, "dev");

  m_env.erase("AWS_PROFILE");
  c = resolve({{"profile", "dev"}});
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "DEV");
}

TEST_F(AwsConfigTest, ExplicitProfileOptionIgnoresEnvironmentKeysAsBotoDoes) {
  credentials_file("[dev]\naws_access_key_id = DEV\naws_secret_access_key = dev\n");
  m_env["AWS_ACCESS_KEY_ID"] = "ENV";
  m_env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  auto c = resolve({{"profile", "dev"}});
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "DEV");
  // AWS_PROFILE does not have that effect.
  m_env["AWS_PROFILE"] = "dev";
  c = resolve();
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "ENV");
}

TEST_F(AwsConfigTest, MissingNamedProfileIsInvalidInput) {
  credentials_file("[default]\naws_access_key_id = D\naws_secret_access_key = d\n");
  auto c = resolve({{"profile", "nope"}});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::invalid_input);
  EXPECT_NE(c.error().message().find("profile 'nope' not found"), std::string::npos);
}

TEST_F(AwsConfigTest, HalfAKeyPairIsInvalidInput) {
  auto c = resolve({{"access_key_id", "ONLY"}});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(c.error().message(),
            "secret_access_key is missing while access_key_id is set (in remote options)");
  m_env["AWS_SECRET_ACCESS_KEY"] = "s3cr3t";
  c = resolve();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message().find("s3cr3t"), std::string::npos);
}

TEST_F(AwsConfigTest, FileLocationsFromEnvironmentAndOptions) {
  write_file(m_home / "elsewhere/creds",
             "[default]\naws_access_key_id = OPTFILE\naws_secret_access_key = x\n");
  write_file(m_home / "env/creds", "[default]\naws_access_key_id = ENVFILE\naws_secret_access_key = x\n");
  write_file(m_home / "elsewhere/conf", "[default]\nregion = sa-east-1\n");
  auto c =
      resolve({{"credentialpath", m_home / "elsewhere/creds"}, {"configpath", m_home / "elsewhere/conf"}});
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "OPTFILE");
  EXPECT_EQ(c->region, "sa-east-1");
  // As DVC (os.environ.setdefault), the variable wins over credentialpath.
  m_env["AWS_SHARED_CREDENTIALS_FILE"] = m_home / "env/creds";
  c = resolve({{"credentialpath", m_home / "elsewhere/creds"}});
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "ENVFILE");
  // "~/" is the home directory.
  m_env.erase("AWS_SHARED_CREDENTIALS_FILE");
  c = resolve({{"credentialpath", "~/elsewhere/creds"}});
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "OPTFILE");
}

TEST_F(AwsConfigTest, RegionOrder) {
  config_file("[default]\nregion = from-file\n");
  EXPECT_EQ(resolve()->region, "from-file");
  m_env["AWS_DEFAULT_REGION"] = "from-default-region";
  EXPECT_EQ(resolve()->region, "from-default-region");
  m_env["AWS_REGION"] = "from-region";
  EXPECT_EQ(resolve()->region, "from-region");
  EXPECT_EQ(resolve({{"region", "from-option"}})->region, "from-option");
}

TEST_F(AwsConfigTest, EndpointOrderAndS3Block) {
  config_file(
      "[default]\nendpoint_url = http://profile\ns3 =\n  endpoint_url = http://profile-s3\n"
      "  multipart_threshold = 64MB\n");
  auto c = resolve();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->endpoint_url, "http://profile-s3");
  EXPECT_EQ(c->s3.at("multipart_threshold"), "64MB");
  m_env["AWS_ENDPOINT_URL"] = "http://global";
  EXPECT_EQ(resolve()->endpoint_url, "http://global");
  m_env["AWS_ENDPOINT_URL_S3"] = "http://s3-specific";
  EXPECT_EQ(resolve()->endpoint_url, "http://s3-specific");
  EXPECT_EQ(resolve({{"endpointurl", "http://option"}})->endpoint_url, "http://option");
}

TEST_F(AwsConfigTest, MalformedFileIsAnError) {
  credentials_file("aws_access_key_id = X\n");
  auto c = resolve();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::invalid_input);
  EXPECT_NE(c.error().message().find(".aws/credentials:1"), std::string::npos);
}

// Scoped changes to the real process environment (tests run single-threaded).
class ScopedEnv {
 public:
  ~ScopedEnv() {
    for (const auto& [name, old] : m_saved) {
      if (old)
        ::setenv(name.c_str(), old->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }
  void set(const std::string& name, const std::optional<std::string>& value) {
    if (!m_saved.count(name)) {
      const char* old = std::getenv(name.c_str());
      m_saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value)
      ::setenv(name.c_str(), value->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }

 private:
  std::map<std::string, std::optional<std::string>> m_saved;
};

TEST(AwsConfigProcessEnvironment, ReadsRealVariablesAndHome) {
  TempDir home;
  ScopedEnv env;
  env.set("HOME", home.path());
  for (const char* v :
       {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"})
    env.set(v, std::nullopt);
  write_file(home / ".aws/credentials",
             "[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = h\n");
  write_file(home / ".aws/config", "[default]\nregion = eu-central-1\n");
  auto c = aws::resolve_aws_config({}, aws::process_environment(), *env::default_env());
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "HOMEKEY");
  EXPECT_EQ(c->region, "eu-central-1");
  env.set("AWS_ACCESS_KEY_ID", "ENVKEY");
  env.set("AWS_SECRET_ACCESS_KEY", "e");
  env.set("AWS_REGION", "us-west-2");
  env.set("AWS_ENDPOINT_URL", "http://localhost:9000");
  c = aws::resolve_aws_config({}, aws::process_environment(), *env::default_env());
  ASSERT_TRUE(c && c->credentials);
  EXPECT_EQ(c->credentials->access_key_id, "ENVKEY");
  EXPECT_EQ(c->region, "us-west-2");
  EXPECT_EQ(c->endpoint_url, "http://localhost:9000");
  // An empty variable counts as unset.
  env.set("AWS_REGION", "");
  env.set("AWS_ENDPOINT_URL", "");
  c = aws::resolve_aws_config({}, aws::process_environment(), *env::default_env());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->region, "eu-central-1");
  EXPECT_EQ(c->endpoint_url, "");
}

TEST(AwsSizes, AwsCliSyntax) {
  EXPECT_EQ(*aws::parse_size("8388608"), 8388608u);
  EXPECT_EQ(*aws::parse_size("8MB"), 8u << 20);
  EXPECT_EQ(*aws::parse_size("8 MiB"), 8u << 20);
  EXPECT_EQ(*aws::parse_size("16mb"), 16u << 20);
  EXPECT_EQ(*aws::parse_size("512KB"), 512u << 10);
  EXPECT_EQ(*aws::parse_size("1.5GB"), 3ull << 29);
  EXPECT_EQ(*aws::parse_size("1TiB"), 1ull << 40);
  for (const char* bad : {"", "MB", "8XB", "-1", "1.5", "8 M B", "0x10"}) {
    auto r = aws::parse_size(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::invalid_input);
    }
  }
}

// ---------------------------------------------------------------------------------------
// S3 option parsing.

class S3SettingsTest : public AwsConfigTest {
 protected:
  Expected<s3::S3Settings> parse(const std::string& url, std::map<std::string, std::string> options = {},
                                 s3::BucketRequired required = s3::BucketRequired::yes) {
    RemoteSpec spec;
    spec.url = url;
    spec.options = std::move(options);
    return s3::parse_s3_settings(spec, required, lookup(), *env::default_env());
  }
};

TEST_F(S3SettingsTest, UrlBucketAndPrefix) {
  auto s = parse("s3://bkt/some/prefix/");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->bucket, "bkt");
  EXPECT_EQ(s->prefix, "some/prefix");
  EXPECT_EQ(s->display_url, "s3://bkt/some/prefix");
  EXPECT_EQ(parse("s3://bkt")->prefix, "");
  EXPECT_FALSE(parse("s3://"));
  EXPECT_TRUE(parse("s3://", {}, s3::BucketRequired::no));
  EXPECT_FALSE(parse("gs://bkt"));
  EXPECT_FALSE(parse("s3://bkt/a/../b"));
  auto creds = parse("s3://AKIA:Zs3cr3tZ@bkt/x");
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().message().find("Zs3cr3tZ"), std::string::npos) << creds.error().message();
}

TEST_F(S3SettingsTest, EndpointSchemeAndAddressing) {
  auto aws = parse("s3://my-bucket/p", {{"region", "eu-west-1"}});
  ASSERT_TRUE(aws);
  EXPECT_EQ(aws->endpoint.scheme, "https");
  EXPECT_EQ(aws->endpoint.host, "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws->addressing, s3::Addressing::virtual_host);
  EXPECT_EQ(parse("s3://my.dotted.bucket")->addressing, s3::Addressing::path);

  auto minio = parse("s3://b", {{"endpointurl", "http://127.0.0.1:9000/"}});
  ASSERT_TRUE(minio);
  EXPECT_EQ(minio->endpoint.scheme, "http");
  EXPECT_EQ(minio->endpoint.host, "127.0.0.1:9000");
  EXPECT_EQ(minio->endpoint.base_path, "");
  EXPECT_EQ(minio->addressing, s3::Addressing::path);

  auto bare = parse("s3://b", {{"endpointurl", "minio.local:9000"}, {"use_ssl", "false"}});
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->endpoint.scheme, "http");
  EXPECT_EQ(parse("s3://b", {{"endpointurl", "minio.local:9000"}})->endpoint.scheme, "https");
  // An explicit scheme wins over use_ssl.
  EXPECT_EQ(parse("s3://b", {{"endpointurl", "https://x"}, {"use_ssl", "false"}})->endpoint.scheme, "https");
  EXPECT_EQ(parse("s3://b", {{"endpointurl", "https://gw/s3/"}})->endpoint.base_path, "/s3");
  EXPECT_FALSE(parse("s3://b", {{"endpointurl", "ftp://x"}}));
  EXPECT_FALSE(parse("s3://b", {{"use_ssl", "maybe"}}));

  config_file("[default]\ns3 =\n  addressing_style = path\n");
  EXPECT_EQ(parse("s3://my-bucket")->addressing, s3::Addressing::path);
}

TEST_F(S3SettingsTest, TlsAndTimeouts) {
  auto d = parse("s3://b");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->transport.tls_verify, http::TlsVerify::yes);
  EXPECT_EQ(d->transport.connect_timeout_ms, 60000);
  EXPECT_EQ(d->transport.read_timeout_s, 60);
  EXPECT_EQ(parse("s3://b", {{"ssl_verify", "False"}})->transport.tls_verify, http::TlsVerify::no);
  auto ca = parse("s3://b", {{"ssl_verify", "/etc/my-ca.pem"}});
  EXPECT_EQ(ca->transport.tls_verify, http::TlsVerify::yes);
  EXPECT_EQ(ca->transport.ca_bundle, "/etc/my-ca.pem");
  m_env["AWS_CA_BUNDLE"] = "/env/ca.pem";
  EXPECT_EQ(parse("s3://b")->transport.ca_bundle, "/env/ca.pem");
  auto t = parse("s3://b", {{"connect_timeout", "2.5"}, {"read_timeout", "7"}});
  EXPECT_EQ(t->transport.connect_timeout_ms, 2500);
  EXPECT_EQ(t->transport.read_timeout_s, 7);
  EXPECT_FALSE(parse("s3://b", {{"read_timeout", "soon"}}));
  EXPECT_FALSE(parse("s3://b", {{"connect_timeout", "-1"}}));
}

TEST_F(S3SettingsTest, WriteHeadersFromSseAclAndGrants) {
  auto s = parse("s3://b",
                 {{"sse", "aws:kms"}, {"sse_kms_key_id", "key-1"}, {"acl", "bucket-owner-full-control"}});
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->write_headers, (NameValues{{"x-amz-server-side-encryption", "aws:kms"},
                                          {"x-amz-server-side-encryption-aws-kms-key-id", "key-1"},
                                          {"x-amz-acl", "bucket-owner-full-control"}}));
  auto g = parse("s3://b", {{"grant_read", "id=abc"}});
  EXPECT_EQ(g->write_headers, (NameValues{{"x-amz-grant-read", "id=abc"}}));
  EXPECT_FALSE(parse("s3://b", {{"sse", "rot13"}}));
  auto both = parse("s3://b", {{"acl", "private"}, {"grant_read", "id=abc"}});
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message().find("mutually exclusive"), std::string::npos);
  auto ssec = parse("s3://b", {{"sse_customer_key", "c2VjcmV0"}});
  ASSERT_FALSE(ssec);
  EXPECT_EQ(ssec.error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(ssec.error().message().find("c2VjcmV0"), std::string::npos);
}

TEST_F(S3SettingsTest, MultipartSizesAndConcurrency) {
  auto d = parse("s3://b");
  EXPECT_EQ(d->multipart_threshold, 8u << 20);
  EXPECT_EQ(d->multipart_chunksize, 8u << 20);
  EXPECT_EQ(d->max_concurrent_requests, 4);
  auto o = parse(
      "s3://b",
      {{"multipart_chunksize", "16MB"}, {"multipart_threshold", "100MB"}, {"max_concurrent_requests", "12"}});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->multipart_chunksize, 16u << 20);
  EXPECT_EQ(o->multipart_threshold, 100u << 20);
  EXPECT_EQ(o->max_concurrent_requests, 12);
  auto small = parse("s3://b", {{"multipart_chunksize", "1MB"}});
  ASSERT_FALSE(small);
  EXPECT_NE(small.error().message().find("between 5MiB and 5GiB"), std::string::npos);
  EXPECT_FALSE(parse("s3://b", {{"multipart_threshold", "lots"}}));
  EXPECT_FALSE(parse("s3://b", {{"max_concurrent_requests", "0"}}));
  // The AWS config profile's s3 block is the fallback.
  config_file("[default]\ns3 =\n  multipart_chunksize = 32MB\n  max_concurrent_requests = 3\n");
  auto p = parse("s3://b");
  EXPECT_EQ(p->multipart_chunksize, 32u << 20);
  EXPECT_EQ(p->max_concurrent_requests, 3);
  EXPECT_EQ(parse("s3://b", {{"multipart_chunksize", "6MB"}})->multipart_chunksize, 6u << 20);
}

TEST_F(S3SettingsTest, DownloadPartSize) {
  EXPECT_EQ(parse("s3://b")->download_part_size, 64u << 20);
  EXPECT_EQ(parse("s3://b", {{"download_part_size", "256MB"}})->download_part_size, 256u << 20);
  EXPECT_EQ(parse("s3://b", {{"download_part_size", "8GB"}})->download_part_size, 8ull << 30);
  auto tiny = parse("s3://b", {{"download_part_size", "512KB"}});
  ASSERT_FALSE(tiny);
  EXPECT_NE(tiny.error().message().find("at least 1MiB"), std::string::npos) << tiny.error().message();
  EXPECT_FALSE(parse("s3://b", {{"download_part_size", "big"}}));
  config_file("[default]\ns3 =\n  download_part_size = 16MB\n");
  EXPECT_EQ(parse("s3://b")->download_part_size, 16u << 20);
  EXPECT_EQ(parse("s3://b", {{"download_part_size", "2MB"}})->download_part_size, 2u << 20);
}

TEST_F(S3SettingsTest, AnonymousAndCredentials) {
  auto none = parse("s3://b");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->credentials);
  EXPECT_EQ(none->anonymous, s3::AnonymousAccess::refused);
  EXPECT_NE(none->credentials_hint.find(m_home / ".aws/credentials"), std::string::npos);
  EXPECT_EQ(parse("s3://b", {{"allow_anonymous_login", "true"}})->anonymous, s3::AnonymousAccess::allowed);
  auto keys =
      parse("s3://b", {{"access_key_id", "AK"}, {"secret_access_key", "SK"}, {"session_token", "TK"}});
  ASSERT_TRUE(keys && keys->credentials);
  EXPECT_EQ(keys->credentials->session_token, "TK");
}

}  // namespace
}  // namespace cairn::remote
