// Tests of the read-only HTTP backend (http_remote.h) against a real HTTP server: a small
// Python http.server program (written to a temp dir, started by the test on a free loopback
// port, killed at exit) that serves a folder with HEAD, GET, Range and ETag/Last-Modified, and
// has fault paths a healthy server cannot produce:
//   /_status/<code>/<path>   answers <code>
//   /_flaky/<n>/<path>       answers 503 to the first <n> requests, then serves <path>
//   /_reset/<path>           promises the whole file, sends half of it and closes
//   /_redirect/<path>        302 to /<path>
//   /_nohead/<path>          405 to HEAD, serves GET
//   /_auth/<path>            403 unless "Authorization: Basic dTpzZWNyZXQtcGFzcw==" (u:secret-pass)
//   /_log                    the requests seen so far, one "METHOD PATH|range|authorization" line each
// If python3 cannot be found or the server does not start, the tests FAIL (never skip).
// Environment: CAIRN_PYTHON may name the interpreter (else python3 on PATH).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cairn/remote/http_remote.h"
#include "cairn/remote/http_transport.h"
#include "cairn/remote/registry.h"
#include "cairn/remote/remote.h"
#include "cairn/util/md5.h"
#include "test_util.h"

extern char** environ;

namespace cairn::remote {
namespace {

using cairn::testing::read_file;
using cairn::testing::TempDir;
using cairn::testing::write_file;

constexpr const char* k_server_py = R"PY(
import hashlib, http.server, os, sys, threading, urllib.parse

ROOT = sys.argv[1]
LOG = []
FLAKY = {}
LOCK = threading.Lock()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _log(self):
        with LOCK:
            LOG.append("%s %s|%s|%s" % (self.command, self.path, self.headers.get("Range", ""),
                                          self.headers.get("Authorization", "")))

    def _send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _serve(self, rel, etag=True):
        path = os.path.join(ROOT, urllib.parse.unquote(rel))
        if not os.path.isfile(path):
            return self._send(404, b"not found\n")
        data = open(path, "rb").read()
        headers = [("Content-Type", "application/octet-stream"),
                   ("Last-Modified", self.date_time_string(int(os.path.getmtime(path))))]
        if etag:
            headers.append(("ETag", '"%s"' % hashlib.md5(data).hexdigest()))
        rng = self.headers.get("Range")
        if rng and self.command == "GET" and rng.startswith("bytes="):
            first, _, last = rng[6:].partition("-")
            first = int(first)
            last = int(last) if last else len(data) - 1
            if first >= len(data):
                return self._send(416, b"", headers + [("Content-Range", "bytes */%d" % len(data))])
            last = min(last, len(data) - 1)
            return self._send(206, data[first:last + 1],
                              headers + [("Content-Range", "bytes %d-%d/%d" % (first, last, len(data)))])
        self._send(200, data, headers)

    def _route(self):
        self._log()
        p = self.path
        if p == "/_log":
            with LOCK:
                body = ("\n".join(LOG) + "\n").encode()
            return self._send(200, body)
        parts = p.lstrip("/").split("/")
        if parts[0] == "_status":
            return self._send(int(parts[1]), b"status body\n")
        if parts[0] == "_flaky":
            n = int(parts[1])
            rest = "/".join(parts[2:])
            with LOCK:
                seen = FLAKY.get(p, 0)
                FLAKY[p] = seen + 1
            if seen < n:
                return self._send(503, b"busy\n")
            return self._serve(rest)
        if parts[0] == "_reset":
            data = open(os.path.join(ROOT, "/".join(parts[1:])), "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
            self.close_connection = True
            return
        if parts[0] == "_redirect":
            return self._send(302, b"", [("Location", "/" + "/".join(parts[1:]))])
        if parts[0] == "_nohead":
            if self.command == "HEAD":
                return self._send(405, b"")
            return self._serve("/".join(parts[1:]))
        if parts[0] == "_noetag":
            return self._serve("/".join(parts[1:]), etag=False)
        if parts[0] == "_auth":
            if self.headers.get("Authorization") != "Basic dTpzZWNyZXQtcGFzcw==":
                return self._send(403, b"forbidden\n")
            return self._serve("/".join(parts[1:]))
        return self._serve(p.lstrip("/").split("?")[0])

    do_GET = _route
    do_HEAD = _route

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
)PY";

std::string find_python() {
  if (const char* p = std::getenv("CAIRN_PYTHON"); p && *p) return p;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  std::size_t pos = 0;
  while (pos <= dirs.size()) {
    auto end = dirs.find(':', pos);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(pos, end - pos) + "/python3";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    pos = end + 1;
  }
  return "";
}

// The Python server child process, serving `root()`.
class PyHttpServer {
 public:
  static std::unique_ptr<PyHttpServer> start(std::string* error) {
    auto s = std::unique_ptr<PyHttpServer>(new PyHttpServer());
    if (!s->launch(error)) return nullptr;
    return s;
  }
  ~PyHttpServer() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGTERM);
      ::waitpid(m_pid, nullptr, 0);
    }
    if (m_out) std::fclose(m_out);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  std::string root() const { return m_dir / "www"; }
  void put(const std::string& rel, const std::string& data) { write_file(root() + "/" + rel, data); }
  // The server's request log.
  std::string log() {
    HttpRemote r(url(), {});
    auto got = r.get_bytes("_log");
    return got ? *got : "";
  }

 private:
  PyHttpServer() = default;

  bool launch(std::string* error) {
    std::string python = find_python();
    if (python.empty()) {
      *error = "python3 not found on PATH (set CAIRN_PYTHON)";
      return false;
    }
    std::string script = m_dir / "server.py";
    std::ofstream(script) << k_server_py;
    std::filesystem::create_directories(root());
    int fds[2];
    if (::pipe(fds) != 0) {
      *error = "pipe failed";
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string root_dir = root();
    std::vector<char*> argv = {const_cast<char*>(python.c_str()), const_cast<char*>(script.c_str()),
                               const_cast<char*>(root_dir.c_str()), nullptr};
    int rc = ::posix_spawn(&m_pid, python.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      *error = "cannot start " + python;
      return false;
    }
    m_out = ::fdopen(fds[0], "r");
    char line[64] = {0};
    if (!std::fgets(line, sizeof line, m_out) || std::atoi(line) <= 0) {
      *error = "the Python HTTP server did not report its port";
      return false;
    }
    m_port = std::atoi(line);
    return true;
  }

  TempDir m_dir;
  pid_t m_pid = -1;
  FILE* m_out = nullptr;
  int m_port = 0;
};

class HttpRemoteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    s_server = PyHttpServer::start(&error).release();
    s_error = error;
  }
  static void TearDownTestSuite() {
    delete s_server;
    s_server = nullptr;
  }
  void SetUp() override { ASSERT_NE(s_server, nullptr) << "cannot start the HTTP test server: " << s_error; }

  PyHttpServer& server() { return *s_server; }
  std::unique_ptr<HttpRemote> remote(const std::string& path = "", HttpRemoteOptions options = {}) {
    return std::make_unique<HttpRemote>(server().url() + path, std::move(options));
  }
  std::string local(const std::string& name) const { return m_tmp / name; }

  static PyHttpServer* s_server;
  static std::string s_error;
  TempDir m_tmp;
};

PyHttpServer* HttpRemoteTest::s_server = nullptr;
std::string HttpRemoteTest::s_error;

TEST_F(HttpRemoteTest, StatReportsSizeEtagAndMtime) {
  server().put("data/a.txt", "hello http\n");
  auto r = remote("/data");
  auto info = r->stat("a.txt");
  ASSERT_TRUE(info) << info.error().message();
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->key, "a.txt");
  EXPECT_EQ((*info)->size, 11u);
  EXPECT_EQ((*info)->etag, md5_hex("hello http\n"));
  EXPECT_GT((*info)->mtime_ns, 0);

  auto missing = r->stat("nope.txt");
  ASSERT_TRUE(missing) << missing.error().message();
  EXPECT_FALSE(missing->has_value());

  auto head = r->head("a.txt");
  ASSERT_TRUE(head && head->has_value());
  EXPECT_EQ((*head)->header("etag"), "\"" + md5_hex("hello http\n") + "\"");
  EXPECT_EQ((*head)->effective_url, server().url() + "/data/a.txt");
}

TEST_F(HttpRemoteTest, GetBytesWholeAndRanges) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>('a' + i % 26);
  server().put("r/big.bin", data);
  auto r = remote("/r");
  auto whole = r->get_bytes("big.bin");
  ASSERT_TRUE(whole) << whole.error().message();
  EXPECT_EQ(*whole, data);
  auto mid = r->get_bytes("big.bin", ByteRange{100, 50});
  ASSERT_TRUE(mid) << mid.error().message();
  EXPECT_EQ(*mid, data.substr(100, 50));
  auto tail = r->get_bytes("big.bin", ByteRange{4990, std::nullopt});
  ASSERT_TRUE(tail);
  EXPECT_EQ(*tail, data.substr(4990));
  auto past = r->get_bytes("big.bin", ByteRange{10000, 5});
  ASSERT_TRUE(past) << past.error().message();
  EXPECT_EQ(*past, "");
  auto empty = r->get_bytes("big.bin", ByteRange{3, 0});
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");
  auto log = server().log();
  EXPECT_NE(log.find("GET /r/big.bin|bytes=100-149|"), std::string::npos) << log;

  auto missing = r->get_bytes("missing.bin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
}

TEST_F(HttpRemoteTest, GetFileStreamsWithProgressAndLeavesNothingOnFailure) {
  std::string data(3 << 20, 'x');
  for (std::size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>(i / 4096);
  server().put("f/big.bin", data);
  auto r = remote("/f");
  std::uint64_t seen = 0;
  auto st = r->get_file("big.bin", local("out.bin"), [&](std::uint64_t n) { seen += n; });
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ(read_file(local("out.bin")), data);
  EXPECT_EQ(seen, data.size());

  auto missing = r->get_file("nope.bin", local("nope.bin"), {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::not_found);
  EXPECT_FALSE(std::filesystem::exists(local("nope.bin")));

  // A body cut short by the server: transient, and no partial file.
  auto cut = remote("/_reset/f")->get_file("big.bin", local("cut.bin"), {});
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code(), ErrorCode::unavailable) << cut.error().message();
  EXPECT_FALSE(std::filesystem::exists(local("cut.bin")));
}

TEST_F(HttpRemoteTest, ReadOnlyAndNoListing) {
  server().put("ro/x", "x");
  auto r = remote("/ro");
  auto listed = r->list("", [](const ObjectInfo&) { return true; });
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code(), ErrorCode::invalid_input);
  EXPECT_NE(listed.error().message().find("listing is not supported over HTTP"), std::string::npos);

  std::vector<Status> writes = {r->put_bytes("y", "y"), r->put_file("y", local("none"), {}),
                                r->remove("x"),         r->copy("x", "y"),
                                r->make_root(),         r->remove_root(Remote::Force::yes)};
  for (const auto& w : writes) {
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code(), ErrorCode::permission);
    EXPECT_NE(w.error().message().find("read-only"), std::string::npos) << w.error().message();
  }
  EXPECT_EQ(read_file(server().root() + "/ro/x"), "x");
}

TEST_F(HttpRemoteTest, StatusMapping) {
  auto r = remote("/_status");
  struct Case {
    const char* key;
    ErrorCode code;
  };
  for (Case c : {Case{"500/x", ErrorCode::unavailable}, Case{"503/x", ErrorCode::unavailable},
                 Case{"429/x", ErrorCode::unavailable}, Case{"403/x", ErrorCode::permission},
                 Case{"401/x", ErrorCode::permission}, Case{"408/x", ErrorCode::timeout},
                 Case{"400/x", ErrorCode::invalid_input}}) {
    auto got = r->get_bytes(c.key);
    ASSERT_FALSE(got) << c.key;
    EXPECT_EQ(got.error().code(), c.code) << c.key << ": " << got.error().message();
    auto st = r->stat(c.key);
    ASSERT_FALSE(st) << c.key;
    EXPECT_EQ(st.error().code(), c.code) << c.key << ": " << st.error().message();
  }
  auto gone = r->stat("410/x");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(is_transient(r->get_bytes("502/x").error()));
}

TEST_F(HttpRemoteTest, ConnectionRefusedIsTransient) {
  // Port 1: nothing listens there (and an unprivileged test cannot start anything on it).
  HttpRemote dead("http://127.0.0.1:1/x", {});
  auto st = dead.stat("k");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::unavailable) << st.error().message();
  auto got = dead.get_file("k", local("k"), {});
  ASSERT_FALSE(got);
  EXPECT_TRUE(is_transient(got.error()));
}

TEST_F(HttpRemoteTest, RetriedThroughOpenRemote) {
  server().put("flaky/a.txt", "eventually\n");
  RemoteSpec spec;
  spec.url = server().url() + "/_flaky/2/flaky";
  WrapOptions wrap;
  wrap.base_delay_ms = 1;
  wrap.max_delay_ms = 5;
  auto r = open_remote(spec, wrap);
  ASSERT_TRUE(r) << r.error().message();
  auto got = (*r)->get_bytes("a.txt");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, "eventually\n");
}

TEST_F(HttpRemoteTest, RedirectsAndHeadFallback) {
  server().put("rd/a.txt", "redirected\n");
  auto r = remote("/_redirect/rd");
  auto got = r->get_bytes("a.txt");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, "redirected\n");
  auto head = r->head("a.txt");
  ASSERT_TRUE(head && head->has_value());
  EXPECT_EQ((*head)->effective_url, server().url() + "/rd/a.txt");

  auto nohead = remote("/_nohead/rd");
  auto info = nohead->stat("a.txt");
  ASSERT_TRUE(info) << info.error().message();
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->size, 11u);
}

TEST_F(HttpRemoteTest, BasicAuthIsSentAndNeverEchoed) {
  server().put("sec/a.txt", "secret data\n");
  RemoteSpec spec;
  spec.url = server().url() + "/_auth/sec";
  spec.options = {{"auth", "basic"}, {"user", "u"}, {"password", "secret-pass"}};
  auto r = open_backend(spec);
  ASSERT_TRUE(r) << r.error().message();
  auto got = (*r)->get_bytes("a.txt");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, "secret data\n");

  spec.options["password"] = "wrong-password";
  auto bad = open_backend(spec);
  ASSERT_TRUE(bad);
  auto denied = (*bad)->get_bytes("a.txt");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::permission);
  EXPECT_EQ(denied.error().message().find("wrong-password"), std::string::npos);

  spec.options = {{"auth", "basic"}, {"user", "u"}};
  auto incomplete = open_backend(spec);
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().code(), ErrorCode::invalid_input);
}

TEST_F(HttpRemoteTest, KeysArePercentEncoded) {
  server().put("enc/a b/é+x.txt", "encoded\n");
  auto r = remote("/enc");
  EXPECT_EQ(r->url_of("a b/é+x.txt"), server().url() + "/enc/a%20b/%C3%A9+x.txt");
  auto got = r->get_bytes("a b/é+x.txt");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(*got, "encoded\n");
  EXPECT_FALSE(r->stat("../x"));
}

TEST(HttpUrl, SplitAndQueryKept) {
  auto s = split_http_url("https://h.example/a/b%20c.txt?sig=1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->first, "https://h.example/a?sig=1");
  EXPECT_EQ(s->second, "b c.txt");
  HttpRemote r(s->first, {});
  EXPECT_EQ(r.url_of(s->second), "https://h.example/a/b%20c.txt?sig=1");
  EXPECT_EQ(r.display_url(), "https://h.example/a?sig=***");
  EXPECT_FALSE(split_http_url("https://h.example/"));
  EXPECT_FALSE(split_http_url("https://h.example"));
  auto top = split_http_url("http://h/f");
  ASSERT_TRUE(top);
  EXPECT_EQ(top->first, "http://h");
  EXPECT_EQ(top->second, "f");
}

TEST(HttpUrl, RegistryOpensHttpBackends) {
  RemoteSpec spec;
  spec.url = "https://example.com/dvc";
  auto r = open_backend(spec);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_NE(dynamic_cast<HttpRemote*>(r->get()), nullptr);
  spec.url = "http:///nohost";
  EXPECT_FALSE(open_backend(spec));
  spec.url = "https://example.com/dvc";
  spec.options = {{"auth", "digest"}};
  EXPECT_FALSE(open_backend(spec));
}

}  // namespace
}  // namespace cairn::remote
