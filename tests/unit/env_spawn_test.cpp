// Env::spawn: exit status, environment and cwd, piped output, signals to the child's process
// group, a missing executable, and FaultEnv's op=spawn injection.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <unistd.h>

#include "cairn/env/fault_env.h"
#include "cairn/env/posix_env.h"
#include "test_util.h"

using namespace cairn;
using namespace cairn::env;

namespace {

std::string collect(Process& p, OutputStream which) {
  std::string out;
  while (true) {
    auto c = p.read_output();
    EXPECT_TRUE(c.has_value());
    if (!c || !*c) break;
    if ((*c)->stream == which) out += (*c)->data;
  }
  return out;
}

TEST(Spawn, ExitStatusEnvCwdAndPipes) {
  PosixEnv env;
  cairn::testing::TempDir tmp;
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c", "echo \"$FOO $(pwd)\"; echo err >&2; exit 7"};
  o.cwd = tmp.path();
  o.env_set = {{"FOO", "bar"}};
  o.output = ChildOutput::pipe;
  auto p = env.spawn(o);
  ASSERT_TRUE(p) << p.error().message();
  std::string out = collect(**p, OutputStream::out);
  EXPECT_EQ(out, "bar " + std::filesystem::canonical(tmp.path()).string() + "\n");
  auto rc = (*p)->wait();
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 7);
}

TEST(Spawn, SignalReachesTheWholeGroup) {
  PosixEnv env;
  SpawnOptions o;
  // The shell waits for a grandchild; SIGTERM to the group ends both promptly.
  o.argv = {"/bin/sh", "-c", "sleep 30; echo never"};
  o.output = ChildOutput::pipe;
  auto p = env.spawn(o);
  ASSERT_TRUE(p);
  (*p)->signal(SIGTERM);
  std::string out = collect(**p, OutputStream::out);  // EOF only when the grandchild died too
  EXPECT_EQ(out, "");
  auto rc = (*p)->wait();
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 128 + SIGTERM);
}

TEST(Spawn, MissingExecutableIsNotFound) {
  PosixEnv env;
  SpawnOptions o;
  o.argv = {"/nonexistent/cairn-test-binary"};
  auto p = env.spawn(o);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::not_found);
}

TEST(Spawn, FaultEnvInjectsSpawnFailure) {
  PosixEnv base;
  auto spec = FaultSpec::parse("op=spawn,errno=EACCES");
  ASSERT_TRUE(spec);
  FaultEnv env(&base, *spec);
  SpawnOptions o;
  o.argv = {"/bin/true"};
  auto p = env.spawn(o);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::permission);
}

}  // namespace

namespace {
// The process group id of the process with this pid (field 5 of /proc/<pid>/stat).
std::string pgrp_of_output(Process& p) {
  std::string out = collect(p, OutputStream::out);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}
}  // namespace

TEST(Spawn, ProcessGroupOwnOrInheritedAndSignalsFollowIt) {
  PosixEnv env;
  for (ProcessGroup group : {ProcessGroup::own, ProcessGroup::inherit}) {
    SpawnOptions o;
    // The shell's process group: cut reads its own stat, and it is in the shell's group.
    o.argv = {"/bin/sh", "-c", "cut -d' ' -f5 /proc/self/stat"};
    o.output = ChildOutput::pipe;
    o.group = group;
    auto p = env.spawn(o);
    ASSERT_TRUE(p) << p.error().message();
    std::string pgrp = pgrp_of_output(**p);
    if (group == ProcessGroup::own) EXPECT_EQ(pgrp, std::to_string((*p)->pid()));
    else EXPECT_EQ(pgrp, std::to_string(::getpgrp()));
    ASSERT_TRUE((*p)->wait());
    // signal() reaches a child that stays in our group too (and does not signal us).
    SpawnOptions s;
    s.argv = {"/bin/sh", "-c", "exec sleep 30"};
    s.group = group;
    auto sleeper = env.spawn(s);
    ASSERT_TRUE(sleeper) << sleeper.error().message();
    (*sleeper)->signal(SIGTERM);
    auto rc = (*sleeper)->wait();
    ASSERT_TRUE(rc);
    EXPECT_EQ(*rc, 128 + SIGTERM);
  }
}
