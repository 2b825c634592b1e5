// A throwaway PostgreSQL server for tests: initdb into a temporary folder, listen on a free
// port on 127.0.0.1 with the unix socket in that folder, trust auth for user "cairn", stop
// and delete on destruction. When running as root (initdb refuses root), the server runs as
// the "postgres" system user through runuser. A server that cannot start is an error the
// tests report as a FAILURE (never a skip).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cairn::catalog::testing {

class PostgresServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

  // Starts the server; returns an empty string on success, else why it failed.
  std::string start() {
    char tmpl[] = "/tmp/cairn-pg-XXXXXX";
    if (!::mkdtemp(tmpl)) return "mkdtemp failed";
    m_dir = tmpl;
    m_port = free_port();
    std::string as_user;
    if (::geteuid() == 0) {
      if (std::system(("chown postgres " + m_dir).c_str()) != 0) return "cannot chown " + m_dir + " to postgres";
      as_user = "runuser -u postgres -- ";
    }
    m_as_user = as_user;
    std::string initdb = as_user + kBin + "/initdb -D " + m_dir + "/data -A trust -U cairn --no-sync -E UTF8 > " +
                         m_dir + "/initdb.log 2>&1";
    if (std::system(initdb.c_str()) != 0) return "initdb failed: " + slurp(m_dir + "/initdb.log");
    std::string start = as_user + kBin + "/pg_ctl -D " + m_dir + "/data -o \"-h 127.0.0.1 -p " +
                        std::to_string(m_port) + " -k " + m_dir + " -F -c max_connections=50\" -l " + m_dir +
                        "/server.log -w -t 60 start > /dev/null 2>&1";
    if (std::system(start.c_str()) != 0) return "pg_ctl start failed: " + slurp(m_dir + "/server.log");
    m_running = true;
    return "";
  }

  void stop() {
    if (m_running) {
      std::system((m_as_user + kBin + "/pg_ctl -D " + m_dir + "/data -m immediate -w stop > /dev/null 2>&1").c_str());
      m_running = false;
    }
    if (!m_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(m_dir, ec);
      m_dir.clear();
    }
  }

  ~PostgresServer() { stop(); }

  std::string conninfo(const std::string& dbname) const {
    return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=cairn dbname=" + dbname + " connect_timeout=10";
  }
  std::string url(const std::string& dbname) const {
    return "postgresql://cairn@127.0.0.1:" + std::to_string(m_port) + "/" + dbname;
  }

 private:
  static int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string m_dir;
  std::string m_as_user;
  int m_port = 0;
  bool m_running = false;
};

}  // namespace cairn::catalog::testing
