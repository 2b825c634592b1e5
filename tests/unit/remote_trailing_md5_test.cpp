// TrailingMd5: the digest of a file as it is written, inline (append) or by a thread trailing
// the reported prefix (advance), including writers that fill parts out of order, read-back
// errors, and a hasher abandoned midway.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "cairn/env/fault_env.h"
#include "cairn/env/posix_env.h"
#include "cairn/remote/trailing_md5.h"
#include "cairn/util/md5.h"
#include "test_util.h"

using namespace cairn;
using cairn::testing::TempDir;
using remote::TrailingMd5;

namespace {

env::PosixEnv g_posix;

std::string patterned(std::size_t n, unsigned seed = 1) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(((i + seed) * 2654435761u) >> 13);
  return s;
}

// An Env whose open_read fails for one path (FaultEnv injects into writes, not reads).
class UnreadableEnv : public env::FaultEnv {
 public:
  UnreadableEnv(env::Env* base, std::string path) : FaultEnv(base, env::FaultSpec{}), m_path(std::move(path)) {}
  Expected<std::unique_ptr<env::ReadableFile>> open_read(const std::string& p) override {
    if (p == m_path) return make_error(ErrorCode::io, p + ": Input/output error (injected)");
    return FaultEnv::open_read(p);
  }

 private:
  std::string m_path;
};

}  // namespace

TEST(TrailingMd5, AppendHashesInlineWithoutReadingTheFile) {
  TempDir dir;
  const std::string data = patterned(300000);
  UnreadableEnv env(&g_posix, dir / "f");  // reading the file back would fail
  TrailingMd5 md5(&env, dir / "f");
  for (std::size_t at = 0; at < data.size(); at += 65536) md5.append(std::string_view(data).substr(at, 65536));
  auto hex = md5.finish(data.size());
  ASSERT_TRUE(hex) << hex.error().message();
  EXPECT_EQ(*hex, md5_hex(data));
}

TEST(TrailingMd5, AdvanceHashesPartsWrittenOutOfOrderOnceTheirPrefixIsComplete) {
  TempDir dir;
  const std::string data = patterned((6u << 20) + 3);
  auto out = g_posix.open_write(dir / "f");
  ASSERT_TRUE(out);
  TrailingMd5 md5(&g_posix, dir / "f");
  // Three parts written by three threads, the last first; the prefix is reported only as far
  // as every byte before it is written.
  const std::size_t third = data.size() / 3;
  std::vector<std::pair<std::size_t, std::size_t>> parts = {{0, third}, {third, 2 * third}, {2 * third, data.size()}};
  ASSERT_TRUE((*out)->write_at(parts[2].first, std::string_view(data).substr(parts[2].first)));
  md5.advance(0);
  EXPECT_EQ(md5.hashed(), 0u);
  std::thread second([&] {
    ASSERT_TRUE((*out)->write_at(parts[1].first, std::string_view(data).substr(parts[1].first, third)));
  });
  second.join();
  for (std::size_t at = 0; at < third; at += 1 << 20) {
    std::size_t n = std::min<std::size_t>(1 << 20, third - at);
    ASSERT_TRUE((*out)->write_at(at, std::string_view(data).substr(at, n)));
    md5.advance(at + n);
  }
  md5.advance(data.size());  // parts 1 and 2 were already complete
  ASSERT_TRUE((*out)->close());
  auto hex = md5.finish(data.size());
  ASSERT_TRUE(hex) << hex.error().message();
  EXPECT_EQ(*hex, md5_hex(data));
  EXPECT_EQ(md5.hashed(), data.size());
}

TEST(TrailingMd5, FinishReadsWhatAppendDidNotSee) {
  TempDir dir;
  const std::string data = patterned(100000);
  cairn::testing::write_file(dir / "f", data);
  TrailingMd5 md5(&g_posix, dir / "f");
  md5.append(std::string_view(data).substr(0, 40000));
  auto hex = md5.finish(data.size());  // skips the 40000 bytes already hashed, reads the rest
  ASSERT_TRUE(hex) << hex.error().message();
  EXPECT_EQ(*hex, md5_hex(data));
}

TEST(TrailingMd5, ReadErrorsAndShortFilesReachFinish) {
  TempDir dir;
  cairn::testing::write_file(dir / "f", patterned(5000));
  {
    UnreadableEnv env(&g_posix, dir / "f");
    TrailingMd5 md5(&env, dir / "f");
    md5.advance(5000);
    auto hex = md5.finish(5000);
    ASSERT_FALSE(hex);
    EXPECT_EQ(hex.error().code(), ErrorCode::io);
    EXPECT_NE(hex.error().message().find("injected"), std::string::npos) << hex.error().message();
  }
  {
    TrailingMd5 md5(&g_posix, dir / "f");
    auto hex = md5.finish(6000);  // the writer claims more than the file holds
    ASSERT_FALSE(hex);
    EXPECT_EQ(hex.error().code(), ErrorCode::io);
  }
}

TEST(TrailingMd5, AbandonedHasherStopsItsThread) {
  TempDir dir;
  cairn::testing::write_file(dir / "f", patterned(3u << 20));
  for (int i = 0; i < 20; ++i) {
    TrailingMd5 md5(&g_posix, dir / "f");
    md5.advance(1u << 20);  // then destroyed without finish(), as on a failed download
  }
  SUCCEED();
}
