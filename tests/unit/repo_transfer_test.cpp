// Tests of push / fetch / pull / status -c (repo/push.h, fetch.h, pull.h, cloud_status.h)
// against a local folder remote (configured in .dvc/config, as a user does) and a mem://
// store (preset into CloudRemotes) whose fault hooks inject transient and permanent
// failures and whose objects can be damaged behind cairn's back.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "cairn/remote/mem_remote.h"
#include "cairn/remote/registry.h"
#include "cairn/repo/add.h"
#include "cairn/repo/cloud_remotes.h"
#include "cairn/repo/cloud_status.h"
#include "cairn/repo/fetch.h"
#include "cairn/repo/init.h"
#include "cairn/repo/pull.h"
#include "cairn/repo/push.h"
#include "cairn/repo/remote_index.h"
#include "cairn/util/counters.h"
#include "cairn/util/md5.h"
#include "test_util.h"

namespace cairn::repo {
namespace {

namespace fs = std::filesystem;
using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;

void reset_counters() {
  for (auto* c : {&counters().objects_uploaded, &counters().objects_downloaded, &counters().remote_stats,
                  &counters().remote_lists, &counters().retries})
    c->store(0);
}

// Every regular file under `root` (relative path -> bytes), temp files included.
std::map<std::string, std::string> files_under(const std::string& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = read_file(e.path().string());
  return out;
}

std::string key_of_md5(const std::string& md5) { return "files/md5/" + md5.substr(0, 2) + "/" + md5.substr(2); }

// A no-scm repository at <tmp>/repo tracking `data/` (a directory) and `single.txt`, with a
// local remote "loc" at <tmp>/remote as the default.
class TransferTest : public ::testing::Test {
 protected:
  TempDir tmp;
  std::string root = tmp / "repo";
  std::string remote_dir = tmp / "remote";

  void SetUp() override {
    fs::create_directories(tmp / "global");
    fs::create_directories(tmp / "system");
    ::setenv("DVC_GLOBAL_CONFIG_DIR", (tmp / "global").c_str(), 1);
    ::setenv("DVC_SYSTEM_CONFIG_DIR", (tmp / "system").c_str(), 1);
    fs::create_directories(root);
    InitOptions io;
    io.no_scm = NoScm::yes;
    ASSERT_TRUE(init(env::default_env(), root, io).has_value());
    write_file(root + "/.dvc/config", "[core]\n    no_scm = True\n    remote = loc\n['remote \"loc\"']\n    url = " +
                                          remote_dir + "\n");
    write_file(root + "/data/a.txt", "alpha\n");
    write_file(root + "/data/sub/b.txt", "bravo\n");
    write_file(root + "/data/sub/c.bin", std::string("\0\1\2charlie", 10));
    write_file(root + "/single.txt", "single\n");
    add({"data", "single.txt"});
    reset_counters();
  }

  std::unique_ptr<Repository> open() {
    auto r = Repository::open(env::default_env(), root);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return std::move(*r);
  }

  void add(std::vector<std::string> targets) {
    auto r = open();
    AddOptions o;
    o.targets = std::move(targets);
    auto res = repo::add(*r, o);
    ASSERT_TRUE(res.has_value()) << res.error().message();
  }

  TransferResult do_push(TransferOptions o = {}) {
    auto r = open();
    auto res = push(*r, o);
    EXPECT_TRUE(res.has_value()) << res.error().message();
    return res.value_or(TransferResult{});
  }

  TransferResult do_fetch(TransferOptions o = {}) {
    auto r = open();
    auto res = fetch(*r, o);
    EXPECT_TRUE(res.has_value()) << res.error().message();
    return res.value_or(TransferResult{});
  }

  std::string dir_id() {
    std::string text = read_file(root + "/data.dvc");
    auto at = text.find("md5: ") + 5;
    return text.substr(at, text.find('\n', at) - at);
  }

  void wipe_cache() { fs::remove_all(root + "/.dvc/cache"); }
};

// A local remote's downloads are hashed while they are copied (inline when small, by a
// trailing thread above 8 MiB); a tampered object of either size is refused and never cached.
TEST_F(TransferTest, TamperedRemoteObjectsOfEverySizeAreRefusedAndNeverCached) {
  std::string big(9u << 20, 'q');
  for (std::size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>(i >> 7);
  write_file(root + "/big.bin", big);
  add({"big.bin"});
  ASSERT_EQ(do_push().failed, 0u);
  const std::string a = md5_hex("alpha\n"), b = md5_hex(big);
  for (const std::string& id : {a, b}) {
    std::string p = remote_dir + "/" + key_of_md5(id);
    fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
    std::string bytes = read_file(p);
    bytes[bytes.size() / 2] ^= 1;  // same size, one bit off in the middle
    write_file(p, bytes);
  }
  wipe_cache();
  auto res = do_fetch();
  std::set<std::string> refused;
  for (const auto& f : res.failures) {
    refused.insert(f.oid);
    EXPECT_NE(f.message.find("corrupt"), std::string::npos) << f.message;
  }
  EXPECT_TRUE(refused.count(a)) << "the small object";
  EXPECT_TRUE(refused.count(b)) << "the 9 MiB object";
  auto cache = files_under(root + "/.dvc/cache");
  EXPECT_FALSE(cache.count(key_of_md5(a)));
  EXPECT_FALSE(cache.count(key_of_md5(b)));
  EXPECT_TRUE(cache.count(key_of_md5(md5_hex("bravo\n"))));  // the good ones arrive
}

TEST_F(TransferTest, PushWritesDvcLayoutFilesThenDirAndNoOpPushAsksAlmostNothing) {
  auto res = do_push();
  EXPECT_EQ(res.transferred, 5u);  // 3 files + the .dir + single.txt, as DVC counts
  EXPECT_EQ(res.failed, 0u);
  auto remote = files_under(remote_dir);
  ASSERT_EQ(remote.size(), 5u);
  for (const auto& [rel, bytes] : remote) {
    ASSERT_TRUE(rel.starts_with("files/md5/")) << rel;
    std::string id = rel.substr(10, 2) + rel.substr(13);
    EXPECT_EQ(md5_hex(bytes), id.substr(0, 32)) << rel;
    struct stat st {};
    ASSERT_EQ(::stat((remote_dir + "/" + rel).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0444u) << rel;  // as DVC's local remote
  }
  EXPECT_TRUE(remote.count(key_of_md5(dir_id().substr(0, 32)) + ".dir"));
  EXPECT_EQ(counters().objects_uploaded.load(), 5u);

  reset_counters();
  auto again = do_push();
  EXPECT_EQ(again.transferred, 0u);
  EXPECT_EQ(counters().objects_uploaded.load(), 0u);
  EXPECT_EQ(counters().remote_lists.load(), 0u);            // the index answered
  EXPECT_LE(counters().remote_stats.load(), k_index_sample);  // only the sampled re-check
}

TEST_F(TransferTest, StaleIndexIsClearedAndEverythingIsPushedAgain) {
  do_push();
  fs::remove_all(remote_dir);  // someone wiped the remote
  reset_counters();
  auto res = do_push();
  EXPECT_EQ(res.transferred, 5u);
  EXPECT_EQ(files_under(remote_dir).size(), 5u);
}

TEST_F(TransferTest, FetchRestoresAVerifiedCacheAndPullTheWorkspace) {
  do_push();
  wipe_cache();
  fs::remove_all(root + "/data");
  fs::remove(root + "/single.txt");
  auto res = do_fetch();
  EXPECT_EQ(res.transferred, 5u);
  EXPECT_TRUE(res.missing.empty());
  for (const auto& [rel, bytes] : files_under(root + "/.dvc/cache")) {
    ASSERT_TRUE(rel.starts_with("files/md5/")) << rel;
    EXPECT_FALSE(fs::path(rel).filename().string().starts_with(".")) << "temp file left: " << rel;
  }
  EXPECT_EQ(do_fetch().transferred, 0u);  // all in the cache: nothing asked, nothing moved

  auto r = open();
  auto pulled = pull(*r, PullOptions{});
  ASSERT_TRUE(pulled.has_value()) << pulled.error().message();
  ASSERT_TRUE(pulled->checkout.has_value());
  EXPECT_EQ(pulled->checkout->files_added, 4u);
  EXPECT_EQ(read_file(root + "/data/sub/b.txt"), "bravo\n");
  EXPECT_EQ(read_file(root + "/single.txt"), "single\n");
}

TEST_F(TransferTest, LargeObjectsAreStreamed) {
  std::string big(5u << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4097) big[i] = static_cast<char>('a' + i % 26);
  write_file(root + "/big.bin", big);
  add({"big.bin"});
  auto res = do_push();
  EXPECT_EQ(res.failed, 0u);
  EXPECT_EQ(read_file(remote_dir + "/" + key_of_md5(md5_hex(big))), big);
  wipe_cache();
  EXPECT_EQ(do_fetch().failed, 0u);
  EXPECT_EQ(read_file(root + "/.dvc/cache/" + key_of_md5(md5_hex(big))), big);
}

TEST_F(TransferTest, LegacyOutputsUseTheRemoteRoot) {
  // A DVC 2 entry (no `hash:`): its object lives at the cache root and goes to the remote root.
  std::string md5 = md5_hex("legacy\n");
  write_file(root + "/old.txt", "legacy\n");
  write_file(root + "/.dvc/cache/" + md5.substr(0, 2) + "/" + md5.substr(2), "legacy\n");
  write_file(root + "/old.txt.dvc", "outs:\n- md5: " + md5 + "\n  size: 7\n  path: old.txt\n");
  TransferOptions o;
  o.targets = {"old.txt.dvc"};
  EXPECT_EQ(do_push(o).transferred, 1u);
  EXPECT_EQ(read_file(remote_dir + "/" + md5.substr(0, 2) + "/" + md5.substr(2)), "legacy\n");
  wipe_cache();
  EXPECT_EQ(do_fetch(o).transferred, 1u);
  EXPECT_EQ(read_file(root + "/.dvc/cache/" + md5.substr(0, 2) + "/" + md5.substr(2)), "legacy\n");
}

TEST_F(TransferTest, PerOutputRemoteFieldRoutesThatOutput) {
  std::string other = tmp / "other";
  write_file(root + "/.dvc/config", read_file(root + "/.dvc/config") + "['remote \"other\"']\n    url = " + other + "\n");
  write_file(root + "/single.txt.dvc", read_file(root + "/single.txt.dvc") + "  remote: other\n");
  EXPECT_EQ(do_push().transferred, 5u);
  EXPECT_EQ(files_under(other).size(), 1u);
  EXPECT_EQ(files_under(remote_dir).size(), 4u);
  // -r loc skips outputs bound to another remote; status -c ignores them (as DVC).
  TransferOptions o;
  o.remote = "loc";
  EXPECT_EQ(do_push(o).transferred, 0u);
  auto r = open();
  auto st = cloud_status(*r, TransferOptions{});
  ASSERT_TRUE(st.has_value()) << st.error().message();
  EXPECT_TRUE(st->entries.empty());
}

TEST_F(TransferTest, MissingObjectsAreWarnedAndTheirDirIsNotPushed) {
  std::string a = md5_hex("alpha\n");
  fs::permissions(root + "/.dvc/cache/" + key_of_md5(a), fs::perms::owner_write, fs::perm_options::add);
  fs::remove(root + "/.dvc/cache/" + key_of_md5(a));
  auto res = do_push();
  ASSERT_EQ(res.missing, std::vector<std::string>{"md5: " + a});
  EXPECT_EQ(res.failed, 0u);
  EXPECT_EQ(res.transferred, 4u);  // DVC counts the skipped .dir too
  EXPECT_FALSE(files_under(remote_dir).count(key_of_md5(dir_id().substr(0, 32)) + ".dir"));

  auto r = open();
  auto st = cloud_status(*r, TransferOptions{});
  ASSERT_TRUE(st.has_value()) << st.error().message();
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& e : st->entries) got.insert({e.name, e.state});
  EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"data", "new"}, {"data/a.txt", "missing"}}));
}

TEST_F(TransferTest, CloudStatusReportsNewThenDeletedThenInSync) {
  auto r = open();
  auto st = cloud_status(*r, TransferOptions{});
  ASSERT_TRUE(st.has_value()) << st.error().message();
  ASSERT_EQ(st->entries.size(), 5u);
  for (const auto& e : st->entries) EXPECT_EQ(e.state, "new") << e.name;
  EXPECT_EQ(st->entries.front().name, "data");
  do_push();
  r = open();
  st = cloud_status(*r, TransferOptions{});
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->entries.empty());
  EXPECT_EQ(st->tracked_files, 2u);
  std::string s = md5_hex("single\n");
  fs::permissions(root + "/.dvc/cache/" + key_of_md5(s), fs::perms::owner_write, fs::perm_options::add);
  fs::remove(root + "/.dvc/cache/" + key_of_md5(s));
  r = open();
  st = cloud_status(*r, TransferOptions{});
  ASSERT_TRUE(st.has_value());
  ASSERT_EQ(st->entries.size(), 1u);
  EXPECT_EQ(st->entries[0].name, "single.txt");
  EXPECT_EQ(st->entries[0].state, "deleted");
}

TEST_F(TransferTest, CorruptCacheObjectIsNotUploaded) {
  std::string a = md5_hex("alpha\n");
  std::string p = root + "/.dvc/cache/" + key_of_md5(a);
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
  write_file(p, "tampered\n");
  auto res = do_push();
  ASSERT_EQ(res.failures.size(), 1u);
  EXPECT_EQ(res.failures[0].oid, a);
  EXPECT_NE(res.failures[0].message.find("corrupt"), std::string::npos) << res.failures[0].message;
  EXPECT_EQ(res.failed, 2u);  // the file and its directory's .dir
  EXPECT_FALSE(files_under(remote_dir).count(key_of_md5(a)));
}

TEST_F(TransferTest, NoRemoteConfiguredIsDvcsError) {
  write_file(root + "/.dvc/config", "[core]\n    no_scm = True\n");
  auto r = open();
  auto res = push(*r, TransferOptions{});
  ASSERT_FALSE(res.has_value());
  EXPECT_NE(res.error().message().find("no remote specified"), std::string::npos) << res.error().message();
  // fetch skips the outputs and says so
  auto f = fetch(*r, TransferOptions{});
  ASSERT_TRUE(f.has_value()) << f.error().message();
  EXPECT_TRUE(f->no_default_remote);
  EXPECT_EQ(f->transferred, 0u);
}

TEST_F(TransferTest, MoreOutputsFromAnotherSourceAndTheTargetsItClaims) {
  // An object only a stage (dvc.lock) would name: supplied by an OutputSource.
  std::string md5 = md5_hex("model\n");
  write_file(root + "/.dvc/cache/" + key_of_md5(md5), "model\n");
  OutputSource stages = [&](Repository&, const std::vector<std::string>& targets) -> Expected<SourcedOutputs> {
    SourcedOutputs out;
    bool wanted = targets.empty() || std::find(targets.begin(), targets.end(), "train") != targets.end();
    if (wanted) out.outputs.push_back({"model.bin", "", object::ObjectId{md5, object::HashName::md5}, true});
    if (!targets.empty() && wanted) out.claimed_targets.push_back("train");
    return out;
  };
  TransferOptions o;
  o.targets = {"train", "single.txt"};
  o.more_outputs = stages;
  EXPECT_EQ(do_push(o).transferred, 2u);  // model.bin and single.txt, not data/
  EXPECT_TRUE(files_under(remote_dir).count(key_of_md5(md5)));
  o.targets.clear();
  EXPECT_EQ(do_push(o).transferred, 4u);  // everything else
}

// ---------------------------------------------------------------------------- mem:// store

class MemTransferTest : public TransferTest {
 protected:
  std::string url = "mem://transfer-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::unique_ptr<remote::MemRemote> hooks;

  void SetUp() override {
    TransferTest::SetUp();
    remote::MemRemote::drop(url);
    hooks = std::make_unique<remote::MemRemote>(url);
  }
  void TearDown() override { remote::MemRemote::drop(url); }

  // The store opened as the registry does (retry + counting wrappers), fast backoff.
  std::unique_ptr<CloudRemotes> remotes(Repository& r, std::size_t jobs = 1) {
    auto set = std::make_unique<CloudRemotes>(r, jobs, "push");
    remote::WrapOptions wrap;
    wrap.base_delay_ms = 1;
    wrap.max_delay_ms = 2;
    auto opened = remote::open_remote(remote::RemoteSpec{url, {}, ""}, wrap);
    EXPECT_TRUE(opened.has_value());
    set->preset("mem", std::move(*opened), MissingRoot::empty);
    return set;
  }

  Expected<TransferResult> run(Expected<TransferResult> (*op)(Repository&, const TransferOptions&),
                               std::size_t jobs = 1) {
    auto r = open();
    auto set = remotes(*r, jobs);
    TransferOptions o;
    o.remote = "mem";
    o.remotes = set.get();
    return op(*r, o);
  }
};

TEST_F(MemTransferTest, TransientFailuresAreRetried) {
  hooks->inject({ErrorCode::unavailable, 3, remote::MemOp::put, 0});
  auto res = run(push);
  ASSERT_TRUE(res.has_value()) << res.error().message();
  EXPECT_EQ(res->failed, 0u);
  EXPECT_EQ(res->transferred, 5u);
  EXPECT_GE(counters().retries.load(), 3u);
  hooks->inject({ErrorCode::timeout, 2, remote::MemOp::get, 0});
  wipe_cache();
  auto f = run(fetch);
  ASSERT_TRUE(f.has_value()) << f.error().message();
  EXPECT_EQ(f->failed, 0u);
  EXPECT_EQ(f->transferred, 5u);
}

TEST_F(MemTransferTest, PermanentFailureOfOneFileKeepsItsDirOffTheRemote) {
  // jobs=1: the first put is a file of data/ (files go before any .dir and before single.txt).
  hooks->inject({ErrorCode::permission, 1, remote::MemOp::put, 0});
  auto res = run(push);
  ASSERT_TRUE(res.has_value()) << res.error().message();
  EXPECT_EQ(res->failures.size(), 1u);
  EXPECT_EQ(res->failed, 2u);  // the file and the .dir, as DVC counts
  EXPECT_EQ(res->transferred, 3u);
  EXPECT_FALSE(hooks->stat(key_of_md5(dir_id().substr(0, 32)) + ".dir").value().has_value());
  // The rerun completes the directory.
  auto again = run(push);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->failed, 0u);
  EXPECT_EQ(again->transferred, 2u);
  EXPECT_TRUE(hooks->stat(key_of_md5(dir_id().substr(0, 32)) + ".dir").value().has_value());
}

TEST_F(MemTransferTest, CorruptDownloadIsRefusedAndNeverCached) {
  ASSERT_TRUE(run(push).has_value());
  std::string b = md5_hex("bravo\n");
  ASSERT_TRUE(hooks->put_bytes(key_of_md5(b), "evil bytes\n").has_value());
  wipe_cache();
  auto res = run(fetch);
  ASSERT_TRUE(res.has_value()) << res.error().message();
  ASSERT_EQ(res->failures.size(), 1u);
  EXPECT_EQ(res->failures[0].oid, b);
  EXPECT_NE(res->failures[0].message.find("corrupt"), std::string::npos) << res->failures[0].message;
  EXPECT_NE(res->failures[0].message.find(b), std::string::npos);
  EXPECT_EQ(res->failed, 2u);
  auto cache = files_under(root + "/.dvc/cache");
  EXPECT_FALSE(cache.count(key_of_md5(b)));
  EXPECT_FALSE(cache.count(key_of_md5(dir_id().substr(0, 32)) + ".dir"));  // its directory is incomplete
  for (const auto& [rel, _] : cache) EXPECT_FALSE(fs::path(rel).filename().string().starts_with(".")) << rel;
}

TEST_F(MemTransferTest, ManifestWithAnEscapingPathIsRefused) {
  // A manifest whose bytes match its id but that names "../evil".
  std::string bad = R"([{"md5": "d41d8cd98f00b204e9800998ecf8427e", "relpath": "../evil"}])";
  std::string id = md5_hex(bad) + ".dir";
  ASSERT_TRUE(hooks->put_bytes(key_of_md5(id), bad).has_value());
  write_file(root + "/evil.dvc", "outs:\n- md5: " + id + "\n  size: 0\n  nfiles: 1\n  hash: md5\n  path: evil\n");
  auto res = run(fetch);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code(), ErrorCode::corrupt);
  EXPECT_NE(res.error().message().find(id), std::string::npos) << res.error().message();
  EXPECT_FALSE(fs::exists(root + "/.dvc/cache/" + key_of_md5(id)));
}

TEST_F(MemTransferTest, ParallelTransfersUseJobs) {
  for (int i = 0; i < 40; ++i) write_file(root + "/many/f" + std::to_string(i), "file " + std::to_string(i) + "\n");
  add({"many"});
  hooks->set_latency(std::chrono::milliseconds(5));
  auto res = run(push, 8);
  ASSERT_TRUE(res.has_value()) << res.error().message();
  EXPECT_EQ(res->failed, 0u);
  EXPECT_GE(hooks->stats().peak_in_flight, 4);
}

TEST(RemoteIndexTest, RoundTripsAndRefusesForeignFiles) {
  TempDir tmp;
  object::ObjectId f{md5_hex("x"), object::HashName::md5};
  object::ObjectId d{md5_hex("y") + ".dir", object::HashName::md5};
  object::ObjectId legacy{md5_hex("x"), object::HashName::md5_dos2unix};
  {
    RemoteIndex idx(env::default_env(), tmp.path(), "s3://bucket/p http://127.0.0.1:1");
    idx.load();
    EXPECT_TRUE(idx.empty());
    idx.insert(f);
    idx.insert(d);
    ASSERT_TRUE(idx.save().has_value());
  }
  RemoteIndex again(env::default_env(), tmp.path(), "s3://bucket/p http://127.0.0.1:1");
  again.load();
  EXPECT_TRUE(again.contains(f));
  EXPECT_TRUE(again.contains(d));
  EXPECT_FALSE(again.contains(legacy));
  // Damaged file -> empty index.
  write_file(again.file(), read_file(again.file()).substr(0, 30));
  RemoteIndex damaged(env::default_env(), tmp.path(), "s3://bucket/p http://127.0.0.1:1");
  damaged.load();
  EXPECT_TRUE(damaged.empty());
}

}  // namespace
}  // namespace cairn::repo
