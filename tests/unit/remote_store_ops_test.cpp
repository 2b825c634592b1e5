// store_ops (store_ops.h): every bucket and object operation on an in-memory store (mem://)
// and on local folders, including the refusals and error codes the CLI and Python rely on.
// (The same operations against S3 are exercised end to end against moto in
// tests/e2e/test_store.py and tests/python/test_store.py.)
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "cairn/remote/mem_remote.h"
#include "cairn/remote/store_ops.h"
#include "cairn/util/counters.h"
#include "test_util.h"

namespace cairn::remote {
namespace {

using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;
namespace fs = std::filesystem;

std::string fresh_store() {
  static std::atomic<int> n{0};
  return "mem://store-ops-" + std::to_string(n++);
}

std::vector<std::string> names(const std::vector<StoreObject>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(o.name + (o.is_prefix ? "(pre)" : ""));
  return out;
}

bool has_temp_files(const std::string& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().ends_with(".tmp")) return true;
  return false;
}

class StoreOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx.cwd = tmp.path();
    ctx.wrap.base_delay_ms = 1;
    ctx.wrap.max_delay_ms = 2;
    bucket = fresh_store();
  }
  void TearDown() override { MemRemote::drop(bucket); }

  std::string file(const std::string& rel, const std::string& data) {
    write_file(tmp / rel, data);
    return tmp / rel;
  }

  TempDir tmp;
  StoreContext ctx;
  std::string bucket;
};

TEST_F(StoreOpsTest, MakeBucketFindsOrCreates) {
  auto made = store_make_bucket(bucket, ctx);
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(*made, Created::yes);
  auto again = store_make_bucket(bucket + "/", ctx);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*again, Created::no);

  auto prefixed = store_make_bucket(bucket + "/some/prefix", ctx);
  ASSERT_FALSE(prefixed);
  EXPECT_EQ(prefixed.error().code(), ErrorCode::invalid_input);

  auto local = store_make_bucket("folder/sub", ctx);
  ASSERT_TRUE(local);
  EXPECT_EQ(*local, Created::yes);
  EXPECT_TRUE(fs::is_directory(tmp / "folder/sub"));
  EXPECT_EQ(*store_make_bucket("folder/sub", ctx), Created::no);
  file("plain", "x");
  auto not_folder = store_make_bucket("plain", ctx);
  ASSERT_FALSE(not_folder);
  EXPECT_EQ(not_folder.error().code(), ErrorCode::conflict);
}

TEST_F(StoreOpsTest, PutStatGetRoundTrip) {
  ASSERT_TRUE(store_make_bucket(bucket, ctx));
  std::string src = file("in/data.bin", std::string(100000, 'd'));
  std::uint64_t total = 0, moved = 0;
  TransferObserver obs{[&](std::uint64_t t) { total = t; }, [&](std::uint64_t n) { moved += n; }};
  auto put = store_put("in/data.bin", bucket + "/dir/data.bin", ctx, obs);
  ASSERT_TRUE(put) << put.error().message();
  EXPECT_EQ(put->url, bucket + "/dir/data.bin");
  EXPECT_EQ(put->size, 100000u);
  EXPECT_EQ(total, 100000u);
  EXPECT_EQ(moved, 100000u);

  // A folder URL keeps the file name; a bare bucket too.
  ASSERT_EQ(store_put(src, bucket + "/other/", ctx)->url, bucket + "/other/data.bin");
  ASSERT_EQ(store_put(src, bucket, ctx)->url, bucket + "/data.bin");

  auto st = store_stat(bucket + "/dir/data.bin", ctx);
  ASSERT_TRUE(st && st->has_value()) << (st ? "" : st.error().message());
  EXPECT_EQ((*st)->size, 100000u);
  EXPECT_EQ((*st)->name, "dir/data.bin");
  EXPECT_EQ((*st)->etag.size(), 32u);
  auto missing = store_stat(bucket + "/dir/nope", ctx);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(store_stat(bucket, ctx).error().code(), ErrorCode::invalid_input);

  auto got = store_get(bucket + "/dir/data.bin", "out/copy.bin", ctx);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, tmp / "out/copy.bin");
  EXPECT_EQ(read_file(*got), std::string(100000, 'd'));
  // Into an existing folder: keeps the object's name.
  auto into = store_get(bucket + "/dir/data.bin", "out", ctx);
  ASSERT_TRUE(into);
  EXPECT_EQ(*into, tmp / "out/data.bin");
  EXPECT_FALSE(has_temp_files(tmp.path()));

  auto nope = store_get(bucket + "/dir/nope", "out/nope", ctx);
  ASSERT_FALSE(nope);
  EXPECT_EQ(nope.error().code(), ErrorCode::not_found);
  EXPECT_FALSE(fs::exists(tmp / "out/nope"));

  auto no_src = store_put("does-not-exist", bucket + "/x", ctx);
  ASSERT_FALSE(no_src);
  EXPECT_EQ(no_src.error().code(), ErrorCode::not_found);
  auto dir_src = store_put("in", bucket + "/x", ctx);
  ASSERT_FALSE(dir_src);
  EXPECT_EQ(dir_src.error().code(), ErrorCode::invalid_input);
}

TEST_F(StoreOpsTest, FailedGetLeavesNothingAndKeepsTheOldFile) {
  ASSERT_TRUE(store_make_bucket(bucket, ctx));
  ASSERT_TRUE(store_put(file("src", std::string(50000, 's')), bucket + "/k", ctx));
  file("dest", "previous");
  MemRemote(bucket).inject(MemFault{ErrorCode::io, 1, MemOp::get, 1000});
  auto got = store_get(bucket + "/k", "dest", ctx);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), ErrorCode::io);
  EXPECT_EQ(read_file(tmp / "dest"), "previous");
  EXPECT_FALSE(has_temp_files(tmp.path()));
}

TEST_F(StoreOpsTest, ListsLikeAwsS3Ls) {
  ASSERT_TRUE(store_make_bucket(bucket, ctx));
  std::string src = file("x", "12345");
  for (const char* key :
       {"data/a.txt", "data/b.csv", "data/sub/c.txt", "data/sub/deep/d.txt", "database.txt", "top.txt"})
    ASSERT_TRUE(store_put(src, bucket + "/" + key, ctx));

  auto root = store_ls(bucket, ctx);
  ASSERT_TRUE(root) << root.error().message();
  EXPECT_EQ(names(*root), (std::vector<std::string>{"data/(pre)", "database.txt", "top.txt"}));

  auto folder = store_ls(bucket + "/data/", ctx);
  ASSERT_TRUE(folder);
  EXPECT_EQ(names(*folder), (std::vector<std::string>{"a.txt", "b.csv", "sub/(pre)"}));
  EXPECT_EQ((*folder)[0].size, 5u);
  EXPECT_EQ((*folder)[0].url, bucket + "/data/a.txt");
  EXPECT_GT((*folder)[0].mtime_ns, 0);

  auto partial = store_ls(bucket + "/da", ctx);
  ASSERT_TRUE(partial);
  EXPECT_EQ(names(*partial), (std::vector<std::string>{"data/(pre)", "database.txt"}));

  auto rec = store_ls(bucket + "/data/sub/", ctx, Recursive::yes);
  ASSERT_TRUE(rec);
  EXPECT_EQ(names(*rec), (std::vector<std::string>{"c.txt", "deep/d.txt"}));

  auto filtered = store_ls(bucket + "/data/", ctx, Recursive::no, "\\.txt$");
  ASSERT_TRUE(filtered);
  EXPECT_EQ(names(*filtered), (std::vector<std::string>{"a.txt"}));

  auto bad = store_ls(bucket, ctx, Recursive::no, "([");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::invalid_input);

  auto missing = store_ls(fresh_store(), ctx);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);

  auto http = store_ls("https://example.com/dir/", ctx);
  ASSERT_FALSE(http);
  EXPECT_EQ(http.error().code(), ErrorCode::invalid_input);
  EXPECT_NE(http.error().message().find("not supported over HTTP"), std::string::npos);
}

TEST_F(StoreOpsTest, LocalFoldersAreBuckets) {
  ASSERT_EQ(*store_make_bucket("b", ctx), Created::yes);
  std::string src = file("src.txt", "local bytes");
  auto put = store_put("src.txt", "b/in/one.txt", ctx);
  ASSERT_TRUE(put) << put.error().message();
  EXPECT_EQ(put->url, tmp / "b/in/one.txt");
  EXPECT_EQ(read_file(tmp / "b/in/one.txt"), "local bytes");
  // An ordinary file, not a read-only cache object.
  struct stat st {};
  ASSERT_EQ(::stat((tmp / "b/in/one.txt").c_str(), &st), 0);
  EXPECT_NE(st.st_mode & 0200, 0u);
  ASSERT_TRUE(store_put("src.txt", "b/", ctx));
  EXPECT_EQ(read_file(tmp / "b/src.txt"), "local bytes");

  auto listed = store_ls("b", ctx);
  ASSERT_TRUE(listed) << listed.error().message();
  EXPECT_EQ(names(*listed), (std::vector<std::string>{"in/(pre)", "src.txt"}));
  auto rec = store_ls("file://" + tmp / "b", ctx, Recursive::yes);
  ASSERT_TRUE(rec) << rec.error().message();
  EXPECT_EQ(names(*rec), (std::vector<std::string>{"in/one.txt", "src.txt"}));
  auto one = store_ls("b/src.txt", ctx);
  ASSERT_TRUE(one);
  EXPECT_EQ(names(*one), (std::vector<std::string>{"src.txt"}));
  EXPECT_EQ(store_ls("nope", ctx).error().code(), ErrorCode::not_found);

  auto st2 = store_stat("b/in/one.txt", ctx);
  ASSERT_TRUE(st2 && st2->has_value());
  EXPECT_EQ((*st2)->size, 11u);

  auto cp = store_cp("b/in/one.txt", "b/two.txt", ctx);
  ASSERT_TRUE(cp) << cp.error().message();
  EXPECT_EQ(read_file(tmp / "b/two.txt"), "local bytes");
  EXPECT_EQ(store_cp("b/two.txt", "b/two.txt", ctx).error().code(), ErrorCode::invalid_input);

  auto rb = store_remove_bucket("b", ctx, Remote::Force::no);
  ASSERT_FALSE(rb);
  EXPECT_EQ(rb.error().code(), ErrorCode::conflict);
  EXPECT_TRUE(fs::exists(tmp / "b/two.txt"));

  auto rm = store_rm("b/two.txt", ctx);
  ASSERT_TRUE(rm) << rm.error().message();
  EXPECT_EQ(*rm, std::vector<std::string>{tmp / "b/two.txt"});
  EXPECT_EQ(store_rm("b/two.txt", ctx).error().code(), ErrorCode::not_found);
  auto rec_rm = store_rm("b/in", ctx, Recursive::yes);
  ASSERT_TRUE(rec_rm);
  EXPECT_EQ(*rec_rm, std::vector<std::string>{tmp / "b/in/one.txt"});
  EXPECT_FALSE(fs::exists(tmp / "b/in"));

  ASSERT_TRUE(store_remove_bucket("b", ctx, Remote::Force::yes));
  EXPECT_FALSE(fs::exists(tmp / "b"));
  EXPECT_EQ(store_remove_bucket("b", ctx, Remote::Force::no).error().code(), ErrorCode::not_found);
  EXPECT_EQ(store_remove_bucket("/", ctx, Remote::Force::yes).error().code(), ErrorCode::invalid_input);
}

TEST_F(StoreOpsTest, CopyAnyCombination) {
  ASSERT_TRUE(store_make_bucket(bucket, ctx));
  std::string other = fresh_store();
  ASSERT_TRUE(store_make_bucket(other, ctx));
  file("a.txt", "alpha");

  ASSERT_EQ(*store_cp("a.txt", bucket + "/a.txt", ctx), bucket + "/a.txt");  // local -> store
  auto downloaded = counters().bytes_downloaded.load();
  ASSERT_EQ(*store_cp(bucket + "/a.txt", bucket + "/copy/", ctx),
            bucket + "/copy/a.txt");                          // within one store
  EXPECT_EQ(counters().bytes_downloaded.load(), downloaded);  // server-side: nothing came down
  EXPECT_EQ(*MemRemote(bucket).get_bytes("copy/a.txt"), "alpha");
  ASSERT_EQ(*store_cp(bucket + "/a.txt", other + "/b.txt", ctx), other + "/b.txt");  // store -> store
  EXPECT_EQ(*MemRemote(other).get_bytes("b.txt"), "alpha");
  ASSERT_EQ(*store_cp(other + "/b.txt", "back/", ctx), tmp / "back/b.txt");  // store -> local
  EXPECT_EQ(read_file(tmp / "back/b.txt"), "alpha");
  ASSERT_EQ(*store_cp("a.txt", "local-copy.txt", ctx), tmp / "local-copy.txt");  // local -> local
  EXPECT_EQ(read_file(tmp / "local-copy.txt"), "alpha");

  auto missing = store_cp(bucket + "/nope", other + "/x", ctx);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
  auto to_http = store_cp(bucket + "/a.txt", "https://example.com/x", ctx);
  ASSERT_FALSE(to_http);
  EXPECT_EQ(to_http.error().code(), ErrorCode::permission);
  EXPECT_FALSE(has_temp_files(tmp.path()));
  MemRemote::drop(other);
}

TEST_F(StoreOpsTest, RemoveObjectsAndBuckets) {
  ASSERT_TRUE(store_make_bucket(bucket, ctx));
  std::string src = file("x", "x");
  for (const char* key : {"p/1", "p/2", "p/q/3", "pp/4", "keep"})
    ASSERT_TRUE(store_put(src, bucket + "/" + key, ctx));

  EXPECT_EQ(store_rm(bucket + "/p/none", ctx).error().code(), ErrorCode::not_found);
  EXPECT_EQ(store_rm(bucket + "/p/", ctx).error().code(),
            ErrorCode::invalid_input);  // a folder without recursive
  auto one = store_rm(bucket + "/keep", ctx);
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, std::vector<std::string>{bucket + "/keep"});

  auto rec = store_rm(bucket + "/p", ctx, Recursive::yes);  // "p/..." only, not "pp/"
  ASSERT_TRUE(rec) << rec.error().message();
  EXPECT_EQ(*rec, (std::vector<std::string>{bucket + "/p/1", bucket + "/p/2", bucket + "/p/q/3"}));
  EXPECT_EQ(names(*store_ls(bucket, ctx, Recursive::yes)),
            std::vector<std::string>{"pp/4"});  // from the root

  auto refused = store_remove_bucket(bucket, ctx, Remote::Force::no);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::conflict);
  EXPECT_EQ(store_remove_bucket(bucket + "/pp", ctx, Remote::Force::yes).error().code(),
            ErrorCode::invalid_input);
  ASSERT_TRUE(store_remove_bucket(bucket, ctx, Remote::Force::yes));
  EXPECT_EQ(store_ls(bucket, ctx).error().code(), ErrorCode::not_found);
  EXPECT_EQ(store_remove_bucket(bucket, ctx, Remote::Force::no).error().code(), ErrorCode::not_found);

  EXPECT_EQ(store_rm("https://example.com/a", ctx).error().code(), ErrorCode::permission);
}

TEST_F(StoreOpsTest, BadUrls) {
  EXPECT_EQ(store_ls("", ctx).error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(store_ls("mem://", ctx).error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(store_stat("s3:///key", ctx).error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(store_stat("ftp://host/x", ctx).error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(store_stat(bucket + "/a/../b", ctx).error().code(), ErrorCode::invalid_input);
  EXPECT_EQ(store_stat("file://otherhost/x", ctx).error().code(), ErrorCode::invalid_input);
}

}  // namespace
}  // namespace cairn::remote
