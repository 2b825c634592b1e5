// The Remote conformance suite: one value-parameterised GoogleTest (fixture
// cairn::testing::RemoteConformance) that every Remote implementation must pass. The test
// bodies (TEST_P) live in remote_conformance_test.cpp, compiled once into
// cairn_remote_tests; a backend's test file only includes this header and instantiates the
// suite with a factory:
//
//   #include "remote_conformance.h"
//   CAIRN_INSTANTIATE_REMOTE_CONFORMANCE(Local, cairn::testing::RemoteFactory{"local", [] {
//     return std::unique_ptr<cairn::remote::Remote>(new LocalRemote(...));
//   }});
//
// (The bodies cannot be in this header: TEST_P defines non-inline symbols, and several
// files of the one test executable include it.)
//
// Factory contract: every call returns a remote over a fresh root that no other test uses
// (a new folder, bucket or mem:// name); the root need not exist yet. The fixture calls
// make_root() before each test and remove_root(Force::yes) after it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cairn/remote/remote.h"
#include "test_util.h"

namespace cairn::testing {

struct RemoteFactory {
  std::string name;  // the instantiation's label in test names: [A-Za-z0-9_]
  std::function<std::unique_ptr<remote::Remote>()> make;
};

inline void PrintTo(const RemoteFactory& f, std::ostream* os) { *os << f.name; }

inline std::string remote_factory_name(const ::testing::TestParamInfo<RemoteFactory>& info) {
  return info.param.name;
}

class RemoteConformance : public ::testing::TestWithParam<RemoteFactory> {
 protected:
  void SetUp() override {
    m_remote = GetParam().make();
    ASSERT_TRUE(m_remote) << "factory returned no remote";
    auto made = m_remote->make_root();
    ASSERT_TRUE(made) << made.error().message();
  }
  void TearDown() override {
    if (m_remote) (void)m_remote->remove_root(remote::Remote::Force::yes);
  }

  remote::Remote& r() { return *m_remote; }
  // A path for a local file in this test's scratch folder.
  std::string local(const std::string& name) const { return m_tmp / name; }

  // `n` deterministic bytes covering all 256 values; `seed` varies the content.
  static std::string pattern(std::size_t n, unsigned seed = 1) {
    std::string s(n, '\0');
    std::uint32_t x = 2463534242u ^ seed;
    for (std::size_t i = 0; i < n; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      s[i] = static_cast<char>(x & 0xff);
    }
    return s;
  }

  // Every listed object under `prefix`, sorted by key; fails the test on a list error.
  std::vector<remote::ObjectInfo> list_all(const std::string& prefix = "") {
    std::vector<remote::ObjectInfo> out;
    auto s = m_remote->list(prefix, [&](const remote::ObjectInfo& o) {
      out.push_back(o);
      return true;
    });
    EXPECT_TRUE(s) << (s ? "" : s.error().message());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return out;
  }

  std::vector<std::string> keys(const std::string& prefix = "") {
    std::vector<std::string> out;
    for (const auto& o : list_all(prefix)) out.push_back(o.key);
    return out;
  }

  std::unique_ptr<remote::Remote> m_remote;
  TempDir m_tmp;
};

}  // namespace cairn::testing

// Instantiates the conformance suite for one backend: `prefix` labels the instantiation,
// the remaining arguments are RemoteFactory values.
#define CAIRN_INSTANTIATE_REMOTE_CONFORMANCE(prefix, ...)                                     \
  namespace cairn::testing {                                                                  \
  INSTANTIATE_TEST_SUITE_P(prefix, RemoteConformance, ::testing::Values(__VA_ARGS__),         \
                           ::cairn::testing::remote_factory_name);                            \
  }                                                                                           \
  static_assert(true, "")
