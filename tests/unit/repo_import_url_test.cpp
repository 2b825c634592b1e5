// import-url / update (repo/import_url.h) with local sources, the fetch of partial imports that
// pull uses (import_url_fetch + import_url_checkout), and DVC's hashing rules behind the `.dvc`
// bytes (stage_md5.h, import_source.h). Golden values were produced by DVC 3.67.1.
// (HTTP and S3 sources are checked against DVC itself in tests/e2e/test_import_url.py.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "cairn/repo/dvc_file.h"
#include "cairn/repo/import_source.h"
#include "cairn/repo/import_url.h"
#include "cairn/repo/init.h"
#include "cairn/repo/stage_md5.h"
#include "cairn/util/md5.h"
#include "test_util.h"

namespace cairn::repo {
namespace {

namespace fs = std::filesystem;
using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;

// What DVC 3.67.1 wrote for `dvc import-url ../src/file.txt` with file.txt = "foo\n".
constexpr const char* k_dvc_file_txt =
    "md5: e6cd37b5b5f679a363bbb19d46cecc6a\n"
    "frozen: true\n"
    "deps:\n"
    "- md5: d3b07384d113edec49eaa6238ad5ff00\n"
    "  size: 4\n"
    "  hash: md5\n"
    "  path: ../src/file.txt\n"
    "outs:\n"
    "- md5: d3b07384d113edec49eaa6238ad5ff00\n"
    "  size: 4\n"
    "  hash: md5\n"
    "  path: file.txt\n";

// A no-scm repository at <tmp>/repo and a source folder at <tmp>/src.
class ImportUrlTest : public ::testing::Test {
 protected:
  TempDir tmp;
  std::string root = tmp / "repo";

  void SetUp() override {
    fs::create_directories(tmp / "global");
    fs::create_directories(tmp / "system");
    ::setenv("DVC_GLOBAL_CONFIG_DIR", (tmp / "global").c_str(), 1);
    ::setenv("DVC_SYSTEM_CONFIG_DIR", (tmp / "system").c_str(), 1);
    fs::create_directories(root);
    InitOptions io;
    io.no_scm = NoScm::yes;
    ASSERT_TRUE(init(env::default_env(), root, io).has_value());
    write_file(tmp / "src/file.txt", "foo\n");
    write_file(tmp / "src/dir/one", "one\n");
    write_file(tmp / "src/dir/sub/two", "two\n");
  }

  std::unique_ptr<Repository> open() {
    auto r = Repository::open(env::default_env(), root);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return r ? std::move(*r) : nullptr;
  }

  Expected<ImportResult> import(const std::string& url, ImportMode mode = ImportMode::download,
                                std::optional<std::string> out = std::nullopt, Force force = Force::no) {
    auto repo = open();
    ImportUrlOptions o;
    o.url = url;
    o.mode = mode;
    o.out = out;
    o.force = force;
    return import_url(*repo, o);
  }

  Expected<UpdateResult> run_update(std::vector<std::string> targets,
                                    ImportMode mode = ImportMode::download) {
    auto repo = open();
    UpdateOptions o;
    o.targets = std::move(targets);
    o.mode = mode;
    return update(*repo, o);
  }

  DvcFile load(const std::string& rel) {
    auto f = load_dvc_file(env::default_env(), root + "/" + rel, rel);
    EXPECT_TRUE(f.has_value()) << (f ? "" : f.error().message());
    return f ? std::move(*f) : DvcFile{};
  }
};

TEST_F(ImportUrlTest, LocalFileWritesDvcBytes) {
  std::vector<std::string> seen;
  auto repo = open();
  ImportUrlOptions o;
  o.url = "../src/file.txt";
  o.on_start = [&](const std::string& source, const std::string& out) {
    seen.push_back(source + " -> " + out);
  };
  auto r = import_url(*repo, o);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->dvc_file, "file.txt.dvc");
  EXPECT_EQ(seen, std::vector<std::string>{tmp / "src/file.txt" + " -> file.txt"});
  EXPECT_EQ(read_file(root + "/file.txt.dvc"), k_dvc_file_txt);
  EXPECT_EQ(read_file(root + "/file.txt"), "foo\n");
  EXPECT_EQ(read_file(root + "/.gitignore"), "/file.txt\n");
  EXPECT_EQ(read_file(root + "/.dvc/cache/files/md5/d3/b07384d113edec49eaa6238ad5ff00"), "foo\n");

  // The output exists now: refused without force, replaced with it.
  auto again = import("../src/file.txt");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::conflict);
  EXPECT_NE(again.error().message().find("already exists locally"), std::string::npos);
  write_file(tmp / "src/file.txt", "new\n");
  ASSERT_TRUE(import("../src/file.txt", ImportMode::download, std::nullopt, Force::yes));
  EXPECT_EQ(read_file(root + "/file.txt"), "new\n");
}

TEST_F(ImportUrlTest, LocalDirectoryAndMissingSource) {
  auto r = import(tmp / "src/dir", ImportMode::download, "copy");
  ASSERT_TRUE(r) << r.error().message();
  std::string text = read_file(root + "/copy.dvc");
  EXPECT_NE(
      text.find("- md5: 15574e9866acccab4d6d701174aa92e2.dir\n  size: 8\n  nfiles: 2\n  hash: md5\n  path: " +
                tmp / "src/dir\n"),
      std::string::npos)
      << text;
  EXPECT_EQ(read_file(root + "/copy/sub/two"), "two\n");

  auto missing = import("../src/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
  EXPECT_NE(missing.error().message().find("failed to import ../src/nope."), std::string::npos);
  EXPECT_FALSE(fs::exists(root + "/nope.dvc"));
}

TEST_F(ImportUrlTest, NoExecAndNoDownloadRecordWithoutData) {
  ASSERT_TRUE(import("../src/file.txt", ImportMode::no_exec, "ne.txt"));
  EXPECT_EQ(
      read_file(root + "/ne.txt.dvc"),
      "frozen: true\ndeps:\n- hash: md5\n  path: ../src/file.txt\nouts:\n- hash: md5\n  path: ne.txt\n");
  ASSERT_TRUE(import("../src/file.txt", ImportMode::no_download, "nd.txt"));
  std::string text = read_file(root + "/nd.txt.dvc");
  EXPECT_NE(text.find("deps:\n- md5: d3b07384d113edec49eaa6238ad5ff00\n  size: 4\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("outs:\n- hash: md5\n  path: nd.txt\n"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(root + "/nd.txt"));
  EXPECT_TRUE(is_partial_import(load("nd.txt.dvc")));
  EXPECT_TRUE(is_partial_import(load("ne.txt.dvc")));  // as DVC: pull fetches it from the source too
}

TEST_F(ImportUrlTest, FetchAndCheckoutOfPartialImports) {
  ASSERT_TRUE(import("../src/file.txt", ImportMode::no_download, "nd.txt"));
  ASSERT_TRUE(import("../src/dir", ImportMode::no_download, "nddir"));
  std::string before = read_file(root + "/nd.txt.dvc");
  auto repo = open();
  for (const char* rel : {"nd.txt.dvc", "nddir.dvc"}) {
    DvcFile file = load(rel);
    ASSERT_TRUE(is_partial_import(file)) << rel;
    auto fetched = import_url_fetch(*repo, file, 2);
    ASSERT_TRUE(fetched) << fetched.error().message();
    ASSERT_TRUE(import_url_checkout(*repo, *fetched, Force::no));
    // Checked out again with the same content: nothing to do, no force needed.
    ASSERT_TRUE(import_url_checkout(*repo, *fetched, Force::no));
  }
  EXPECT_EQ(read_file(root + "/nd.txt"), "foo\n");
  EXPECT_EQ(read_file(root + "/nddir/sub/two"), "two\n");
  EXPECT_TRUE(fs::exists(root + "/.dvc/cache/files/md5/15/574e9866acccab4d6d701174aa92e2.dir"));
  EXPECT_EQ(read_file(root + "/nd.txt.dvc"), before);  // the .dvc file is not touched

  // Other content in the workspace is kept without force.
  write_file(root + "/nd.txt", "mine\n");
  auto fetched = import_url_fetch(*repo, load("nd.txt.dvc"), 1);
  ASSERT_TRUE(fetched);
  auto refused = import_url_checkout(*repo, *fetched, Force::no);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::conflict);
  EXPECT_EQ(read_file(root + "/nd.txt"), "mine\n");
  ASSERT_TRUE(import_url_checkout(*repo, *fetched, Force::yes));
  EXPECT_EQ(read_file(root + "/nd.txt"), "foo\n");

  // The source changed since: refused, the user must update.
  write_file(tmp / "src/file.txt", "changed\n");
  auto stale = import_url_fetch(*repo, load("nd.txt.dvc"), 1);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::conflict);
  EXPECT_NE(stale.error().message().find("cairn update"), std::string::npos);
  auto not_partial = import_url_fetch(*repo, DvcFile{}, 1);
  ASSERT_FALSE(not_partial);
  EXPECT_EQ(not_partial.error().code(), ErrorCode::invalid_input);
}

TEST_F(ImportUrlTest, UpdateSkipsUnchangedAndReimportsChanged) {
  ASSERT_TRUE(import("../src/file.txt"));
  auto same = run_update({"file.txt.dvc"});
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ(same->unchanged, std::vector<std::string>{"file.txt.dvc"});
  EXPECT_EQ(read_file(root + "/file.txt.dvc"), k_dvc_file_txt);

  write_file(tmp / "src/file.txt", "changed\n");
  auto changed = run_update({"file.txt"});  // the output names its .dvc
  ASSERT_TRUE(changed) << changed.error().message();
  EXPECT_EQ(changed->updated, std::vector<std::string>{"file.txt.dvc"});
  EXPECT_EQ(read_file(root + "/file.txt"), "changed\n");
  // DVC 3.67.1 after the same steps.
  EXPECT_EQ(
      read_file(root + "/file.txt.dvc"),
      "md5: a42e33dfdf3bc8f0fbd52810fa952335\nfrozen: true\ndeps:\n- md5: ec1bebaea2c042beb68f7679ddd106a4\n"
      "  size: 8\n  hash: md5\n  path: ../src/file.txt\nouts:\n- md5: ec1bebaea2c042beb68f7679ddd106a4\n"
      "  size: 8\n  hash: md5\n  path: file.txt\n");

  // --no-download: the stage md5 is computed with the old output, which is then cleared.
  write_file(tmp / "src/file.txt", "more\n");
  auto nd = run_update({"file.txt.dvc"}, ImportMode::no_download);
  ASSERT_TRUE(nd) << nd.error().message();
  EXPECT_EQ(
      read_file(root + "/file.txt.dvc"),
      "md5: 79beeafb8c56f2d6690139ea1d24f5a9\nfrozen: true\ndeps:\n- md5: 2a725a2a3dfe4b80e07a19bbb3706c5b\n"
      "  size: 5\n  hash: md5\n  path: ../src/file.txt\nouts:\n- hash: md5\n  path: file.txt\n");
  EXPECT_FALSE(fs::exists(root + "/file.txt"));

  auto not_import = run_update({"nope.dvc"});
  ASSERT_FALSE(not_import);
  EXPECT_EQ(not_import.error().code(), ErrorCode::not_found);
}

TEST(ImportHashing, StageMd5MatchesDvc) {
  auto doc = yaml::parse(k_dvc_file_txt, "file.txt.dvc");
  ASSERT_TRUE(doc);
  EXPECT_EQ(stage_md5(*doc), "e6cd37b5b5f679a363bbb19d46cecc6a");
}

TEST(ImportHashing, S3EtagManifestMatchesDvc) {
  std::vector<SourceFile> files = {{"b/c.txt", 4, "c576ec4297a7bdacc878e0061192441e"},
                                   {"a.txt", 4, "5c9597f3c8245907ea71a89d9d39d08e"}};
  std::string bytes = etag_manifest_bytes(files);
  EXPECT_EQ(bytes,
            "[{\"etag\": \"5c9597f3c8245907ea71a89d9d39d08e\", \"relpath\": \"a.txt\"}, "
            "{\"etag\": \"c576ec4297a7bdacc878e0061192441e\", \"relpath\": \"b/c.txt\"}]");
  EXPECT_EQ(md5_hex(bytes), "a67443947f7afced9ab763620ea45afe");
}

TEST(ImportHashing, HttpTokenMatchesFsspec) {
  // fsspec's HTTPFileSystem.checksum() for python's http.server answering HEAD /f.txt.
  std::vector<std::pair<std::string, std::string>> headers = {
      {"server", "SimpleHTTP/0.6 Python/3.11.7"},
      {"date", "Sun, 22 Nov 2026 01:54:30 GMT"},
      {"content-type", "text/plain"},
      {"content-length", "6"},
      {"last-modified", "Sun, 22 Nov 2026 01:54:26 GMT"}};
  EXPECT_EQ(fsspec_http_token("http://127.0.0.1:8123/f.txt", "http://127.0.0.1:8123/f.txt", headers),
            "218684572226792543417463245722519163456");
}

}  // namespace
}  // namespace cairn::repo
