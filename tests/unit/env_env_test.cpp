#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cairn/env/fault_env.h"
#include "cairn/env/posix_env.h"
#include "test_util.h"

using namespace cairn;
using cairn::testing::TempDir;

TEST(PosixEnv, AtomicWriteReplacesContentAndLeavesNoTemp) {
  TempDir dir;
  env::PosixEnv e;
  std::string p = dir / "f.txt";
  ASSERT_TRUE(e.write_file_atomic(p, "one"));
  ASSERT_TRUE(e.write_file_atomic(p, "two"));
  EXPECT_EQ(*e.read_file(p), "two");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(PosixEnv, WriteAtFillsRangesInAnyOrderBesideAppends) {
  TempDir dir;
  env::PosixEnv e;
  std::string p = dir / "w.bin";
  auto f = e.open_write(p, 0644);
  ASSERT_TRUE(f);
  ASSERT_TRUE((*f)->append("head-"));
  ASSERT_TRUE((*f)->write_at(10, "tail"));  // past the end: the gap is filled later
  ASSERT_TRUE((*f)->write_at(5, "MIDDL"));
  ASSERT_TRUE((*f)->close());
  EXPECT_EQ(*e.read_file(p), "head-MIDDLtail");
  // An append-only file refuses positional writes (Linux would append them).
  auto a = e.open_append(dir / "log", 0644);
  ASSERT_TRUE(a);
  auto st = (*a)->write_at(0, "x");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::invalid_input);
}

TEST(PosixEnv, StatMissingIsEmptyNotError) {
  TempDir dir;
  env::PosixEnv e;
  auto st = e.stat(dir / "nope", env::Follow::yes);
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->has_value());
}

TEST(PosixEnv, LockIsExclusiveAcrossProcesses) {
  TempDir dir;
  env::PosixEnv e;
  std::string lock = dir / "lock";
  auto held = e.lock_file(lock);
  ASSERT_TRUE(held);
  pid_t pid = fork();
  if (pid == 0) {
    env::PosixEnv child;
    auto l = child.lock_file(lock);
    _exit(!l && l.error().code() == ErrorCode::conflict ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  EXPECT_EQ(WEXITSTATUS(st), 0);
  EXPECT_NE(cairn::testing::read_file(lock).find(std::to_string(getpid())), std::string::npos);
}

TEST(PosixEnv, MakeDirsAndRemoveTree) {
  TempDir dir;
  env::PosixEnv e;
  ASSERT_TRUE(e.make_dirs(dir / "a/b/c"));
  ASSERT_TRUE(e.write_file_atomic(dir / "a/b/c/f", "x"));
  ASSERT_TRUE(e.remove_tree(dir / "a"));
  EXPECT_FALSE(*e.exists(dir / "a"));
}

TEST(FaultSpec, ParsesAndRejects) {
  auto s = env::FaultSpec::parse("op=write,errno=EIO,after_bytes=10,path=cache");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->err, EIO);
  EXPECT_EQ(s->after_bytes, 10);
  EXPECT_EQ(s->path_filter, "cache");
  EXPECT_FALSE(env::FaultSpec::parse("op=bogus"));
  EXPECT_FALSE(env::FaultSpec::parse("errno=EWHAT"));
  EXPECT_FALSE(env::FaultSpec::parse("after_bytes=abc"));
}

TEST(FaultEnv, EnospcAfterBytesFailsWriteAndAtomicWriteLeavesNothing) {
  TempDir dir;
  env::PosixEnv base;
  env::FaultEnv e(&base, *env::FaultSpec::parse("op=write,errno=ENOSPC,after_bytes=4"));
  std::string p = dir / "f";
  auto s = e.write_file_atomic(p, "0123456789");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("No space left"), std::string::npos);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);
}

TEST(FaultEnv, RenameFailureKeepsOldFile) {
  TempDir dir;
  env::PosixEnv base;
  std::string p = dir / "f";
  ASSERT_TRUE(base.write_file_atomic(p, "old"));
  env::FaultEnv e(&base, *env::FaultSpec::parse("op=rename,errno=EIO"));
  EXPECT_FALSE(e.write_file_atomic(p, "new"));
  EXPECT_EQ(*base.read_file(p), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(FaultEnv, CrashPointKillsTheProcess) {
  pid_t pid = fork();
  if (pid == 0) {
    env::PosixEnv base;
    env::FaultEnv e(&base, *env::FaultSpec::parse("crash=step@2"));
    e.crash_point("step");
    e.crash_point("other");
    e.crash_point("step");
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st));
  EXPECT_EQ(WTERMSIG(st), SIGKILL);
}
