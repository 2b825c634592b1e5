// The bodies of the Remote conformance suite (see remote_conformance.h); instantiated per
// backend in remote_<backend>_test.cpp.
#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "cairn/util/md5.h"
#include "remote_conformance.h"

namespace cairn::testing {

using remote::ByteRange;
using remote::ObjectInfo;
using remote::Remote;

namespace {

std::uint64_t sum_progress_put(Remote& r, const std::string& key, const std::string& path, Status* status) {
  std::atomic<std::uint64_t> total{0};
  *status = r.put_file(key, path, [&](std::uint64_t d) { total += d; });
  return total.load();
}

std::uint64_t sum_progress_get(Remote& r, const std::string& key, const std::string& path, Status* status) {
  std::atomic<std::uint64_t> total{0};
  *status = r.get_file(key, path, [&](std::uint64_t d) { total += d; });
  return total.load();
}

#define EXPECT_OK(expr)                                                     \
  do {                                                                      \
    auto&& expect_ok_r_ = (expr);                                           \
    EXPECT_TRUE(expect_ok_r_) << #expr << ": " << expect_ok_r_.error().message(); \
  } while (0)
#define ASSERT_OK(expr)                                                     \
  do {                                                                      \
    auto&& assert_ok_r_ = (expr);                                           \
    ASSERT_TRUE(assert_ok_r_) << #expr << ": " << assert_ok_r_.error().message(); \
  } while (0)
#define EXPECT_CODE(expr, code_)                                            \
  do {                                                                      \
    auto&& expect_code_r_ = (expr);                                         \
    ASSERT_FALSE(expect_code_r_) << #expr << " succeeded";                  \
    EXPECT_EQ(expect_code_r_.error().code(), code_)                         \
        << #expr << ": " << expect_code_r_.error().message();               \
  } while (0)

}  // namespace

TEST_P(RemoteConformance, DisplayUrlIsSet) { EXPECT_FALSE(r().display_url().empty()); }

TEST_P(RemoteConformance, PutAndGetBytes) {
  std::string data = pattern(70000);
  ASSERT_OK(r().put_bytes("a/b/c.bin", data));
  auto got = r().get_bytes("a/b/c.bin");
  ASSERT_OK(got);
  EXPECT_EQ(*got, data);
  auto st = r().stat("a/b/c.bin");
  ASSERT_OK(st);
  ASSERT_TRUE(st->has_value());
  EXPECT_EQ((*st)->key, "a/b/c.bin");
  EXPECT_EQ((*st)->size, data.size());
  EXPECT_GE((*st)->mtime_ns, 0);
}

TEST_P(RemoteConformance, BytesWithEveryValueRoundTrip) {
  std::string data;
  for (int i = 0; i < 256; ++i) data.push_back(static_cast<char>(i));
  data += std::string("\0\r\n\0", 4);
  ASSERT_OK(r().put_bytes("bin", data));
  auto got = r().get_bytes("bin");
  ASSERT_OK(got);
  EXPECT_EQ(*got, data);
}

TEST_P(RemoteConformance, EmptyObjects) {
  ASSERT_OK(r().put_bytes("empty/bytes", ""));
  write_file(local("empty.txt"), "");
  Status s;
  EXPECT_EQ(sum_progress_put(r(), "empty/file", local("empty.txt"), &s), 0u);
  ASSERT_OK(s);
  for (const char* key : {"empty/bytes", "empty/file"}) {
    auto st = r().stat(key);
    ASSERT_OK(st);
    ASSERT_TRUE(st->has_value()) << key;
    EXPECT_EQ((*st)->size, 0u);
    auto got = r().get_bytes(key);
    ASSERT_OK(got);
    EXPECT_EQ(*got, "");
    write_file(local("out"), "stale content");
    EXPECT_EQ(sum_progress_get(r(), key, local("out"), &s), 0u);
    ASSERT_OK(s);
    EXPECT_TRUE(std::filesystem::exists(local("out")));
    EXPECT_EQ(read_file(local("out")), "");
  }
  EXPECT_EQ(keys("empty/"), (std::vector<std::string>{"empty/bytes", "empty/file"}));
}

TEST_P(RemoteConformance, PutAndGetMultiMebibyteFile) {
  const std::string data = pattern(6 * 1024 * 1024 + 7, 3);
  write_file(local("big.bin"), data);
  Status s;
  EXPECT_EQ(sum_progress_put(r(), "files/md5/ab/big", local("big.bin"), &s), data.size());
  ASSERT_OK(s);
  auto st = r().stat("files/md5/ab/big");
  ASSERT_OK(st);
  ASSERT_TRUE(st->has_value());
  EXPECT_EQ((*st)->size, data.size());
  // get_file truncates a longer existing file.
  write_file(local("got.bin"), std::string(data.size() + 4096, 'x'));
  EXPECT_EQ(sum_progress_get(r(), "files/md5/ab/big", local("got.bin"), &s), data.size());
  ASSERT_OK(s);
  EXPECT_TRUE(read_file(local("got.bin")) == data);
  // Progress callbacks may be empty.
  ASSERT_OK(r().get_file("files/md5/ab/big", local("got2.bin"), nullptr));
  EXPECT_TRUE(read_file(local("got2.bin")) == data);
  ASSERT_OK(r().put_file("files/md5/ab/big2", local("big.bin"), nullptr));
  auto again = r().get_bytes("files/md5/ab/big2");
  ASSERT_OK(again);
  EXPECT_TRUE(*again == data);
}

// get_file_hashed writes what get_file writes and, where the backend hashes while
// downloading, returns the MD5 of exactly those bytes (small: inline; over 8 MiB: trailing).
TEST_P(RemoteConformance, GetFileHashedWritesTheBytesAndTheirMd5) {
  for (std::size_t size : {std::size_t{0}, std::size_t{70000}, std::size_t{(9u << 20) + 11}}) {
    SCOPED_TRACE(size);
    const std::string data = pattern(size, 7);
    const std::string key = "files/md5/cd/h" + std::to_string(size);
    write_file(local("h.bin"), data);
    ASSERT_OK(r().put_file(key, local("h.bin"), nullptr));
    write_file(local("h.out"), std::string(size + 100, 'x'));  // truncated like get_file
    std::atomic<std::uint64_t> total{0};
    auto got = r().get_file_hashed(key, local("h.out"), [&](std::uint64_t d) { total += d; });
    ASSERT_OK(got);
    EXPECT_TRUE(read_file(local("h.out")) == data);
    EXPECT_EQ(total.load(), data.size());
    if (got->has_value()) EXPECT_EQ(**got, md5_hex(data));
  }
  EXPECT_CODE(r().get_file_hashed("no/such/key", local("x"), nullptr), ErrorCode::not_found);
}

TEST_P(RemoteConformance, GetByteRanges) {
  const std::string data = pattern(3000, 5);
  ASSERT_OK(r().put_bytes("r", data));
  auto whole = r().get_bytes("r", ByteRange{});
  ASSERT_OK(whole);
  EXPECT_EQ(*whole, data);
  auto mid = r().get_bytes("r", ByteRange{100, 50});
  ASSERT_OK(mid);
  EXPECT_EQ(*mid, data.substr(100, 50));
  auto tail = r().get_bytes("r", ByteRange{2990, std::nullopt});
  ASSERT_OK(tail);
  EXPECT_EQ(*tail, data.substr(2990));
  auto past = r().get_bytes("r", ByteRange{2900, 1000});  // length past the end: truncated
  ASSERT_OK(past);
  EXPECT_EQ(*past, data.substr(2900));
  auto head = r().get_bytes("r", ByteRange{0, 1});
  ASSERT_OK(head);
  EXPECT_EQ(*head, data.substr(0, 1));
}

TEST_P(RemoteConformance, MissingKeys) {
  auto st = r().stat("no/such/key");
  ASSERT_OK(st);
  EXPECT_FALSE(st->has_value());
  EXPECT_CODE(r().get_bytes("no/such/key"), ErrorCode::not_found);
  EXPECT_CODE(r().get_file("no/such/key", local("x"), nullptr), ErrorCode::not_found);
  EXPECT_OK(r().remove("no/such/key"));
  EXPECT_CODE(r().copy("no/such/key", "other"), ErrorCode::not_found);
  auto other = r().stat("other");
  ASSERT_OK(other);
  EXPECT_FALSE(other->has_value());
  // A folder-like prefix of an existing key is not an object.
  ASSERT_OK(r().put_bytes("dir/leaf", "x"));
  auto dir = r().stat("dir");
  ASSERT_OK(dir);
  EXPECT_FALSE(dir->has_value());
  EXPECT_CODE(r().get_bytes("dir"), ErrorCode::not_found);
}

TEST_P(RemoteConformance, PutFileOfMissingLocalFileFails) {
  auto s = r().put_file("k", local("does-not-exist"), nullptr);
  EXPECT_FALSE(s);
  auto st = r().stat("k");
  ASSERT_OK(st);
  EXPECT_FALSE(st->has_value());
}

TEST_P(RemoteConformance, BadKeysAreRefused) {
  write_file(local("f"), "x");
  const std::vector<std::string> bad = {"",      "/abs",    "a/../b", "..",  "a//b", "a/",
                                        "./a",   "a/./b",   ".",      "a\\b", std::string("a\0b", 3),
                                        "a/..",  "line\nbreak", std::string(1025, 'k')};
  for (const auto& key : bad) {
    SCOPED_TRACE("key: " + key);
    EXPECT_CODE(r().put_bytes(key, "x"), ErrorCode::invalid_input);
    EXPECT_CODE(r().put_file(key, local("f"), nullptr), ErrorCode::invalid_input);
    EXPECT_CODE(r().get_bytes(key), ErrorCode::invalid_input);
    EXPECT_CODE(r().get_file(key, local("out"), nullptr), ErrorCode::invalid_input);
    EXPECT_CODE(r().stat(key), ErrorCode::invalid_input);
    EXPECT_CODE(r().remove(key), ErrorCode::invalid_input);
    EXPECT_CODE(r().copy(key, "ok"), ErrorCode::invalid_input);
    EXPECT_CODE(r().copy("ok", key), ErrorCode::invalid_input);
  }
  for (const char* prefix : {"../", "/", "a//", "/abs/"}) {
    SCOPED_TRACE(std::string("prefix: ") + prefix);
    EXPECT_CODE(r().list(prefix, [](const ObjectInfo&) { return true; }), ErrorCode::invalid_input);
  }
  EXPECT_TRUE(keys().empty());
}

TEST_P(RemoteConformance, ListWithPrefixesAndNesting) {
  const std::vector<std::pair<std::string, std::string>> objects = {
      {"files/md5/00/aaaa", "1"},   {"files/md5/00/bbbb.dir", "22"}, {"files/md5/01/cccc", "333"},
      {"files/md5/0a/dddd", "4444"}, {"runs/x/y/z", "55555"},        {"top", ""},
  };
  for (const auto& [k, v] : objects) ASSERT_OK(r().put_bytes(k, v));
  auto all = list_all();
  ASSERT_EQ(all.size(), objects.size());
  std::map<std::string, std::uint64_t> sizes;
  for (const auto& o : all) sizes[o.key] = o.size;
  for (const auto& [k, v] : objects) EXPECT_EQ(sizes[k], v.size()) << k;
  EXPECT_EQ(keys("files/md5/00/"), (std::vector<std::string>{"files/md5/00/aaaa", "files/md5/00/bbbb.dir"}));
  EXPECT_EQ(keys("files/md5/").size(), 4u);
  EXPECT_EQ(keys("files/").size(), 4u);
  EXPECT_EQ(keys("runs/"), (std::vector<std::string>{"runs/x/y/z"}));
  EXPECT_EQ(keys("runs/x/y/"), (std::vector<std::string>{"runs/x/y/z"}));
  EXPECT_TRUE(keys("nope/").empty());
  EXPECT_TRUE(keys("files/md5/ff/").empty());
  // The visitor can stop the listing early.
  int visits = 0;
  ASSERT_OK(r().list("", [&](const ObjectInfo&) { return ++visits < 2; }));
  EXPECT_EQ(visits, 2);
}

TEST_P(RemoteConformance, RemoveDeletesOnlyThatKey) {
  ASSERT_OK(r().put_bytes("d/one", "1"));
  ASSERT_OK(r().put_bytes("d/two", "2"));
  ASSERT_OK(r().remove("d/one"));
  auto st = r().stat("d/one");
  ASSERT_OK(st);
  EXPECT_FALSE(st->has_value());
  EXPECT_CODE(r().get_bytes("d/one"), ErrorCode::not_found);
  EXPECT_EQ(keys(), (std::vector<std::string>{"d/two"}));
  EXPECT_OK(r().remove("d/one"));  // again: ok
  // The key can be written again.
  ASSERT_OK(r().put_bytes("d/one", "back"));
  EXPECT_EQ(*r().get_bytes("d/one"), "back");
}

TEST_P(RemoteConformance, OverwriteReplacesWholeObject) {
  ASSERT_OK(r().put_bytes("k", "first version"));
  ASSERT_OK(r().put_bytes("k", "second, a longer version"));
  EXPECT_EQ(*r().get_bytes("k"), "second, a longer version");
  write_file(local("short"), "x");
  ASSERT_OK(r().put_file("k", local("short"), nullptr));
  EXPECT_EQ(*r().get_bytes("k"), "x");
  auto st = r().stat("k");
  ASSERT_OK(st);
  EXPECT_EQ((*st)->size, 1u);
  EXPECT_EQ(keys(), (std::vector<std::string>{"k"}));
}

TEST_P(RemoteConformance, CopyWithinRemote) {
  const std::string data = pattern(100000, 9);
  ASSERT_OK(r().put_bytes("src/obj", data));
  ASSERT_OK(r().copy("src/obj", "dst/nested/obj"));
  EXPECT_TRUE(*r().get_bytes("dst/nested/obj") == data);
  EXPECT_TRUE(*r().get_bytes("src/obj") == data);
  ASSERT_OK(r().put_bytes("dst/other", "old"));
  ASSERT_OK(r().copy("src/obj", "dst/other"));  // overwrites
  EXPECT_TRUE(*r().get_bytes("dst/other") == data);
  EXPECT_EQ(keys().size(), 3u);
}

TEST_P(RemoteConformance, ConcurrentPutsOfOneKeyLeaveOneValidObject) {
  constexpr int k_threads = 8;
  std::vector<std::string> contents;
  for (int i = 0; i < k_threads; ++i) {
    contents.push_back(pattern(200000 + i * 1000, 100 + i));
    write_file(local("c" + std::to_string(i)), contents.back());
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < k_threads; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 3; ++round) {
        Status s = (i % 2 == 0) ? r().put_bytes("same/key", contents[i])
                                : r().put_file("same/key", local("c" + std::to_string(i)), nullptr);
        if (!s) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto got = r().get_bytes("same/key");
  ASSERT_OK(got);
  bool matches_one = false;
  for (const auto& c : contents) matches_one = matches_one || *got == c;
  EXPECT_TRUE(matches_one) << "object is a mix of several puts (size " << got->size() << ")";
  EXPECT_EQ(keys(), (std::vector<std::string>{"same/key"}));
}

TEST_P(RemoteConformance, ConcurrentPutsOfManyKeys) {
  constexpr int k_threads = 8, k_per_thread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_per_thread; ++i) {
        std::string key = "files/md5/" + std::to_string(t) + "x/" + std::to_string(i);
        if (!r().put_bytes(key, key)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = list_all("files/md5/");
  ASSERT_EQ(all.size(), static_cast<std::size_t>(k_threads * k_per_thread));
  for (const auto& o : all) EXPECT_EQ(o.size, o.key.size());
}

TEST_P(RemoteConformance, RootLifecycle) {
  EXPECT_OK(r().make_root());  // idempotent
  ASSERT_OK(r().put_bytes("a/b", "x"));
  // Not empty: refused without force, nothing lost.
  EXPECT_CODE(r().remove_root(Remote::Force::no), ErrorCode::conflict);
  EXPECT_EQ(*r().get_bytes("a/b"), "x");
  ASSERT_OK(r().remove_root(Remote::Force::yes));
  // Gone: listing fails with not_found (or, for a root that is only a prefix, finds nothing).
  std::vector<std::string> seen;
  auto listed = r().list("", [&](const ObjectInfo& o) {
    seen.push_back(o.key);
    return true;
  });
  if (!listed) {
    EXPECT_EQ(listed.error().code(), ErrorCode::not_found) << listed.error().message();
  }
  EXPECT_TRUE(seen.empty());
  // Removing a missing root is not_found.
  EXPECT_CODE(r().remove_root(Remote::Force::yes), ErrorCode::not_found);
  // Made again, it is empty; an empty root is removed without force.
  ASSERT_OK(r().make_root());
  EXPECT_TRUE(keys().empty());
  ASSERT_OK(r().put_bytes("a/b", "x"));
  ASSERT_OK(r().remove("a/b"));
  EXPECT_OK(r().remove_root(Remote::Force::no));
  ASSERT_OK(r().make_root());  // for TearDown
}

}  // namespace cairn::testing
