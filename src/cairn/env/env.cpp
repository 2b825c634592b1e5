#include "cairn/env/env.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <random>

#include "cairn/env/fault_env.h"
#include "cairn/env/posix_env.h"

namespace cairn::env {

Expected<std::string> Env::read_file(const std::string& path) {
  ASSIGN_OR_RETURN(auto file, open_read(path));
  std::string out;
  char buf[65536];
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, file->read(buf, sizeof buf));
    if (n == 0) break;
    out.append(buf, n);
  }
  return out;
}

Expected<Env::Contents> Env::read_file_with_stat(const std::string& path, std::uint64_t /*size_hint*/) {
  Contents c;
  ASSIGN_OR_RETURN(c.data, read_file(path));
  ASSIGN_OR_RETURN(auto st, stat(path, Follow::yes));
  if (!st) return make_error(ErrorCode::not_found, path + " disappeared while reading");
  c.after = *st;
  return c;
}

Expected<bool> Env::exists(const std::string& path) {
  ASSIGN_OR_RETURN(auto st, stat(path, Follow::no));
  return st.has_value();
}

Expected<std::vector<DirEntryStat>> Env::list_dir_stat(const std::string& path) {
  ASSIGN_OR_RETURN(auto entries, list_dir(path));
  std::vector<DirEntryStat> out;
  out.reserve(entries.size());
  for (auto& e : entries) {
    ASSIGN_OR_RETURN(auto st, stat(path + "/" + e.name, Follow::yes));
    out.push_back({std::move(e.name), st});
  }
  return out;
}

std::string temp_name_for(const std::string& path) {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}() ^ static_cast<std::uint64_t>(::getpid())};
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  static const char* k_alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string token;
  std::uint64_t r = rng() ^ (counter.fetch_add(1) * 0x9E3779B97F4A7C15ULL);
  for (int i = 0; i < 12; ++i) {
    token.push_back(k_alphabet[r % 36]);
    r /= 36;
  }
  if (base.size() > 100) base.resize(100);
  return dir + "." + base + "." + token + ".tmp";
}

Status Env::write_file_atomic(const std::string& path, std::string_view data, std::uint32_t mode,
                              Durability durability) {
  std::string tmp = temp_name_for(path);
  auto fail = [&](Error e) -> Status {
    (void)remove_file(tmp);
    return std::unexpected(std::move(e));
  };
  auto file = create_new(tmp, mode);
  if (!file) return std::unexpected(file.error());
  if (auto s = (*file)->append(data); !s) return fail(s.error());
  if (durability == Durability::fsync) {
    if (auto s = (*file)->sync(); !s) return fail(s.error());
  }
  if (auto s = (*file)->close(); !s) return fail(s.error());
  crash_point("atomic_write.before_rename");
  if (auto s = rename(tmp, path); !s) return fail(s.error());
  if (durability == Durability::fsync) {
    auto slash = path.find_last_of('/');
    (void)sync_dir(slash == std::string::npos ? "." : path.substr(0, slash));
  }
  return ok();
}

Expected<bool> Env::publish_new(const std::string& path, std::string_view data, std::uint32_t mode) {
  std::string tmp = temp_name_for(path);
  auto cleanup = [&](Error e) -> Expected<bool> {
    (void)remove_file(tmp);
    return std::unexpected(std::move(e));
  };
  ASSIGN_OR_RETURN(auto f, create_new(tmp, mode));
  if (auto s = f->append(data); !s) return cleanup(s.error());
  if (auto s = f->close(); !s) return cleanup(s.error());
  crash_point("publish.before_link");
  auto linked = hardlink(tmp, path);
  (void)remove_file(tmp);
  if (!linked) {
    if (linked.error().code() == ErrorCode::conflict) return false;  // EEXIST
    return std::unexpected(linked.error());
  }
  return true;
}

Status Env::copy_file(const std::string& from, const std::string& to, std::uint32_t mode) {
  ASSIGN_OR_RETURN(auto in, open_read(from));
  ASSIGN_OR_RETURN(auto out, create_new(to, mode));
  std::string buf(1 << 20, '\0');
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, in->read(buf.data(), buf.size()));
    if (n == 0) break;
    TRY_STATUS(out->append(std::string_view(buf.data(), n)));
  }
  return out->close();
}

Status Env::remove_tree(const std::string& path) {
  ASSIGN_OR_RETURN(auto st, stat(path, Follow::no));
  if (!st) return ok();
  if (st->type != FileType::directory) return remove_file(path);
  ASSIGN_OR_RETURN(auto entries, list_dir(path));
  for (const auto& e : entries) TRY_STATUS(remove_tree(path + "/" + e.name));
  return remove_dir(path);
}

Env* default_env() {
  static PosixEnv posix;
  static Env* env = [] () -> Env* {
    const char* spec = std::getenv("CAIRN_FAULT");
    if (spec && *spec) {
      auto parsed = FaultSpec::parse(spec);
      if (parsed) return new FaultEnv(&posix, *parsed);
    }
    return &posix;
  }();
  return env;
}

}  // namespace cairn::env
