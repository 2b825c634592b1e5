// LocalRemote: the conformance suite, DVC's on-disk conventions (0444 objects, temp names),
// and behaviour under injected faults (ENOSPC, EACCES, failing rename) through FaultEnv.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>

#include "cairn/env/fault_env.h"
#include "cairn/env/posix_env.h"
#include "cairn/remote/local_remote.h"
#include "cairn/remote/registry.h"
#include "cairn/util/md5.h"
#include "remote_conformance.h"

using namespace cairn;
using cairn::testing::TempDir;
using remote::LocalRemote;
using remote::Remote;

namespace {

env::PosixEnv g_posix;

std::string fresh_root() {
  static TempDir base;
  static std::atomic<int> n{0};
  return base / ("remote-" + std::to_string(n++));
}

std::uint32_t mode_of(const std::string& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

// Every directory entry under `dir`, recursively, as paths relative to it.
std::vector<std::string> tree(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (!e.is_directory()) out.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string big(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131) ^ (i >> 9));
  return s;
}

}  // namespace

CAIRN_INSTANTIATE_REMOTE_CONFORMANCE(Local, cairn::testing::RemoteFactory{"local", [] {
                                       return std::unique_ptr<Remote>(new LocalRemote(&g_posix, fresh_root()));
                                     }});

CAIRN_INSTANTIATE_REMOTE_CONFORMANCE(LocalViaRegistry, cairn::testing::RemoteFactory{"registry_file_url", [] {
                                       auto r = remote::open_remote({"file://" + fresh_root(), {}, ""});
                                       return r ? std::move(*r) : nullptr;
                                     }});

TEST(LocalRemote, ObjectsAreReadOnlyLikeDvcLocalRemote) {
  TempDir dir;
  LocalRemote r(&g_posix, dir / "store");
  ASSERT_TRUE(r.put_bytes("files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8", "foo"));
  cairn::testing::write_file(dir / "src", "bar");
  ASSERT_TRUE(r.put_file("files/md5/37/b51d194a7513e45b56f6524f2d51f2", dir / "src", nullptr));
  EXPECT_EQ(mode_of(dir / "store/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8"), 0444u);
  EXPECT_EQ(mode_of(dir / "store/files/md5/37/b51d194a7513e45b56f6524f2d51f2"), 0444u);
  // Directories: 0777 & ~umask, as DVC's makedirs.
  mode_t um = ::umask(0);
  ::umask(um);
  EXPECT_EQ(mode_of(dir / "store/files/md5/ac"), 0777u & ~static_cast<std::uint32_t>(um));
  // A read-only object can still be overwritten and removed.
  ASSERT_TRUE(r.put_bytes("files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8", "foo"));
  ASSERT_TRUE(r.remove("files/md5/37/b51d194a7513e45b56f6524f2d51f2"));
  EXPECT_EQ(tree(dir / "store"), std::vector<std::string>{"files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8"});
}

TEST(LocalRemote, ObjectModeIsAnOption) {
  TempDir dir;
  LocalRemote r(&g_posix, dir / "store", {.object_mode = 0644});
  ASSERT_TRUE(r.put_bytes("k", "v"));
  EXPECT_EQ(mode_of(dir / "store/k"), 0644u);
}

TEST(LocalRemote, PutCreatesTheRootAndLeavesNoTempFiles) {
  TempDir dir;
  LocalRemote r(&g_posix, dir / "new/store");
  ASSERT_TRUE(r.put_bytes("a/b/c", "x"));
  cairn::testing::write_file(dir / "f", big(3 << 20));
  ASSERT_TRUE(r.put_file("a/b/d", dir / "f", nullptr));
  EXPECT_EQ(tree(dir / "new/store"), (std::vector<std::string>{"a/b/c", "a/b/d"}));
}

TEST(LocalRemote, ListSkipsTempFilesAndFollowsFileSymlinks) {
  TempDir dir;
  LocalRemote r(&g_posix, dir / "store");
  ASSERT_TRUE(r.put_bytes("ab/cdef", "x"));
  cairn::testing::write_file(dir / "store/ab/.cdef.k2j3h4k5j6h7.tmp", "partial");  // a killed writer's
  cairn::testing::write_file(dir / "outside", "12345");
  std::filesystem::create_symlink(dir / "outside", dir / "store/ab/link");
  std::filesystem::create_directory_symlink(dir / "store", dir / "store/ab/loop");  // not followed
  std::map<std::string, std::uint64_t> seen;
  ASSERT_TRUE(r.list("", [&](const remote::ObjectInfo& o) {
    seen[o.key] = o.size;
    return true;
  }));
  EXPECT_EQ(seen, (std::map<std::string, std::uint64_t>{{"ab/cdef", 1}, {"ab/link", 5}}));
  // Temp files are not objects: an otherwise empty root is removed without force.
  ASSERT_TRUE(r.remove("ab/cdef"));
  ASSERT_TRUE(r.remove("ab/link"));
  ASSERT_TRUE(r.remove_root(Remote::Force::no));
  EXPECT_FALSE(std::filesystem::exists(dir / "store"));
  EXPECT_TRUE(std::filesystem::exists(dir / "outside"));
}

TEST(LocalRemote, ListOfMissingRootIsNotFoundButStatIsEmpty) {
  TempDir dir;
  LocalRemote r(&g_posix, dir / "absent");
  auto listed = r.list("", [](const remote::ObjectInfo&) { return true; });
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code(), ErrorCode::not_found);
  auto st = r.stat("files/md5/aa/bb");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->has_value());
}

TEST(LocalRemote, ListWithPartialSegmentPrefix) {
  TempDir dir;
  LocalRemote r(&g_posix, dir / "store");
  for (const char* k : {"files/md5/00/a", "files/md5/01/b", "files/md5/10/c", "files/md5x/d"})
    ASSERT_TRUE(r.put_bytes(k, "x"));
  std::vector<std::string> keys;
  ASSERT_TRUE(r.list("files/md5/0", [&](const remote::ObjectInfo& o) {
    keys.push_back(o.key);
    return true;
  }));
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"files/md5/00/a", "files/md5/01/b"}));
}

TEST(LocalRemote, RelativeRootResolvesAgainstBaseDir) {
  TempDir dir;
  auto r = remote::open_backend({"../store", {}, dir / "repo"});
  ASSERT_TRUE(r) << r.error().message();
  auto* local = dynamic_cast<LocalRemote*>(r->get());
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->root(), dir / "store");
  ASSERT_TRUE((*r)->put_bytes("k", "v"));
  EXPECT_EQ(cairn::testing::read_file(dir / "store/k"), "v");
}

// ---- faults ----

TEST(LocalRemoteFaults, EnospcDuringPutLeavesNothingVisibleAndNoTemp) {
  TempDir dir;
  env::FaultSpec spec;
  spec.op = env::FaultOp::write;
  spec.err = ENOSPC;
  spec.after_bytes = (1 << 20) + 10;  // mid-file
  spec.path_filter = dir / "store";
  env::FaultEnv faulty(&g_posix, spec);
  LocalRemote r(&faulty, dir / "store");
  cairn::testing::write_file(dir / "src", big(3 << 20));
  auto s = r.put_file("files/md5/ab/cdef", dir / "src", nullptr);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::io);
  EXPECT_NE(s.error().message().find("No space left"), std::string::npos) << s.error().message();
  auto st = r.stat("files/md5/ab/cdef");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->has_value());
  EXPECT_TRUE(tree(dir / "store").empty()) << tree(dir / "store").front();
  // put_bytes too.
  auto s2 = r.put_bytes("files/md5/ab/other", big(2 << 20));
  ASSERT_FALSE(s2);
  EXPECT_TRUE(tree(dir / "store").empty());
}

TEST(LocalRemoteFaults, FailedOverwriteKeepsThePreviousObject) {
  TempDir dir;
  LocalRemote good(&g_posix, dir / "store");
  ASSERT_TRUE(good.put_bytes("k", "version one"));
  env::FaultSpec spec;
  spec.op = env::FaultOp::write;
  spec.err = ENOSPC;
  spec.after_bytes = 100;
  env::FaultEnv faulty(&g_posix, spec);
  LocalRemote r(&faulty, dir / "store");
  ASSERT_FALSE(r.put_bytes("k", big(1000)));
  EXPECT_EQ(*good.get_bytes("k"), "version one");
  EXPECT_EQ(tree(dir / "store"), std::vector<std::string>{"k"});
}

TEST(LocalRemoteFaults, FailedRenameRemovesTheTempFile) {
  TempDir dir;
  env::FaultSpec spec;
  spec.op = env::FaultOp::rename;
  spec.err = EIO;
  env::FaultEnv faulty(&g_posix, spec);
  LocalRemote r(&faulty, dir / "store");
  auto s = r.put_bytes("a/k", "data");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::io);
  EXPECT_TRUE(tree(dir / "store").empty());
}

TEST(LocalRemoteFaults, PermissionDeniedIsPermission) {
  TempDir dir;
  env::FaultSpec spec;
  spec.op = env::FaultOp::open;
  spec.err = EACCES;
  env::FaultEnv faulty(&g_posix, spec);
  LocalRemote r(&faulty, dir / "store");
  auto s = r.put_bytes("k", "data");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::permission);
}

TEST(LocalRemoteFaults, FailingChmodIsNotFatal) {
  TempDir dir;
  env::FaultSpec spec;
  spec.op = env::FaultOp::chmod;
  spec.err = EPERM;
  env::FaultEnv faulty(&g_posix, spec);
  LocalRemote r(&faulty, dir / "store");
  ASSERT_TRUE(r.put_bytes("k", "data"));
  EXPECT_EQ(cairn::testing::read_file(dir / "store/k"), "data");
}

TEST(LocalRemoteFaults, EnospcDuringGetFileIsAnIoError) {
  TempDir dir;
  LocalRemote good(&g_posix, dir / "store");
  ASSERT_TRUE(good.put_bytes("k", big(2 << 20)));
  env::FaultSpec spec;
  spec.op = env::FaultOp::write;
  spec.err = ENOSPC;
  spec.after_bytes = 1000;
  spec.path_filter = dir / "download";
  env::FaultEnv faulty(&g_posix, spec);
  LocalRemote r(&faulty, dir / "store");
  auto s = r.get_file("k", dir / "download", nullptr);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::io);
  EXPECT_EQ(good.get_bytes("k")->size(), 2u << 20);  // the object is untouched
}

TEST(LocalRemote, RefusesToRemoveFilesystemRoot) {
  LocalRemote r(&g_posix, "/");
  auto s = r.remove_root(Remote::Force::yes);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::invalid_input);
}

// The local remote hashes while it copies (the pull path then skips its second read), also
// through the registry's retry/limit/counting wrappers.
TEST(LocalRemote, GetFileHashedReturnsTheDigestDirectlyAndThroughTheWrappers) {
  TempDir dir;
  const std::string small = big(5000), large = big((9 << 20) + 1);
  LocalRemote direct(&g_posix, dir / "store");
  ASSERT_TRUE(direct.put_bytes("s", small));
  ASSERT_TRUE(direct.put_bytes("l", large));
  auto wrapped = remote::open_remote({"file://" + (dir / "store"), {}, ""});
  ASSERT_TRUE(wrapped) << wrapped.error().message();
  for (Remote* r : {static_cast<Remote*>(&direct), wrapped->get()}) {
    for (const auto& [key, data] : {std::pair<std::string, std::string>{"s", small}, {"l", large}}) {
      auto got = r->get_file_hashed(key, dir / "out", nullptr);
      ASSERT_TRUE(got) << got.error().message();
      ASSERT_TRUE(got->has_value()) << key;
      EXPECT_EQ(**got, md5_hex(data)) << key;
    }
  }
}
