#include "cairn/cache/link.h"

#include <sys/stat.h>

#include "cairn/util/path.h"

namespace cairn::cache {
namespace {

std::uint32_t process_umask() {
  static const std::uint32_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return static_cast<std::uint32_t>(m);
  }();
  return mask;
}

}  // namespace

std::string_view link_type_name(LinkType t) {
  switch (t) {
    case LinkType::reflink: return "reflink";
    case LinkType::hardlink: return "hardlink";
    case LinkType::symlink: return "symlink";
    case LinkType::copy: return "copy";
  }
  return "copy";
}

Expected<std::vector<LinkType>> parse_link_types(std::string_view spec) {
  std::vector<LinkType> out;
  std::size_t i = 0;
  while (i <= spec.size()) {
    auto j = spec.find(',', i);
    if (j == std::string_view::npos) j = spec.size();
    auto item = spec.substr(i, j - i);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    i = j + 1;
    if (item.empty()) continue;
    if (item == "reflink") out.push_back(LinkType::reflink);
    else if (item == "hardlink") out.push_back(LinkType::hardlink);
    else if (item == "symlink") out.push_back(LinkType::symlink);
    else if (item == "copy") out.push_back(LinkType::copy);
    else
      return make_error(ErrorCode::invalid_input,
                        "cache.type: unknown link type '" + std::string(item) +
                            "' (use reflink, hardlink, symlink or copy)");
  }
  if (out.empty()) out = {LinkType::reflink, LinkType::copy};
  return out;
}

Linker::Linker(env::Env* env, std::vector<LinkType> types)
    : m_env(env), m_types(std::move(types)), m_disabled(m_types.size()) {
  for (auto& d : m_disabled) d.store(false);
}

LinkType Linker::preferred() const {
  for (std::size_t i = 0; i < m_types.size(); ++i)
    if (!m_disabled[i].load()) return m_types[i];
  return LinkType::copy;
}

Status Linker::link_with(LinkType t, const std::string& cache_path, const std::string& tmp,
                         std::uint64_t size, Executable exec) {
  // As DVC: 0666 & ~umask, plus only the owner execute bit for executables (0744).
  std::uint32_t mode = (0666u & ~process_umask()) | (exec == Executable::yes ? 0100u : 0u);
  switch (t) {
    case LinkType::reflink: {
      TRY_STATUS(m_env->reflink(cache_path, tmp));
      return m_env->chmod(tmp, mode);
    }
    case LinkType::hardlink: {
      if (size == 0) {
        ASSIGN_OR_RETURN(auto f, m_env->create_new(tmp, mode));
        return f->close();
      }
      return m_env->hardlink(cache_path, tmp);
    }
    case LinkType::symlink: return m_env->symlink(cache_path, tmp);
    case LinkType::copy: {
      if (!m_no_reflink.load(std::memory_order_relaxed)) {
        if (m_env->reflink(cache_path, tmp)) return m_env->chmod(tmp, mode);
        m_no_reflink.store(true, std::memory_order_relaxed);
      }
      TRY_STATUS(m_env->copy_file(cache_path, tmp, mode));
      return m_env->chmod(tmp, mode);
    }
  }
  return ok();
}

Status Linker::ensure_dir(const std::string& dir) {
  {
    std::lock_guard lock(m_dirs_mu);
    if (m_dirs.count(dir)) return ok();
  }
  TRY_STATUS(m_env->make_dirs(dir));
  std::lock_guard lock(m_dirs_mu);
  m_dirs.insert(dir);
  return ok();
}

Status Linker::write_copy(std::string_view data, const std::string& target, Executable exec) {
  TRY_STATUS(ensure_dir(path::parent(target)));
  std::string tmp = env::temp_name_for(target);
  // Created with the final mode: 0666 & ~umask, u+x for executables.
  ASSIGN_OR_RETURN(auto f, m_env->create_new(tmp, exec == Executable::yes ? 0766 : 0666));
  auto fail = [&](Error e) -> Status {
    (void)m_env->remove_file(tmp);
    return std::unexpected(std::move(e));
  };
  if (auto s = f->append(data); !s) return fail(s.error());
  if (auto s = f->close(); !s) return fail(s.error());
  if (auto s = m_env->rename(tmp, target); !s) return fail(s.error());
  return ok();
}

Status Linker::link(const std::string& cache_path, const std::string& target, std::uint64_t size,
                    Executable exec) {
  TRY_STATUS(ensure_dir(path::parent(target)));
  std::string tmp = env::temp_name_for(target);
  std::optional<Error> last;
  for (std::size_t i = 0; i < m_types.size(); ++i) {
    if (m_disabled[i].load()) continue;
    auto s = link_with(m_types[i], cache_path, tmp, size, exec);
    if (s) {
      if (auto r = m_env->rename(tmp, target); !r) {
        (void)m_env->remove_file(tmp);
        return r;
      }
      return ok();
    }
    (void)m_env->remove_file(tmp);
    // Out-of-space and permission failures are real errors, not "unsupported here".
    if (m_types[i] == LinkType::copy || s.error().code() == ErrorCode::not_found) return s;
    if (s.error().message().find("No space left") != std::string::npos) return s;
    m_disabled[i].store(true);
    last = s.error();
  }
  if (last) return std::unexpected(last->with_context("no link type of cache.type works for " + target));
  return make_error(ErrorCode::io, "no usable link type for " + target);
}

Expected<bool> Linker::is_linked(const std::string& cache_path, const std::string& target) {
  LinkType t = preferred();
  ASSIGN_OR_RETURN(auto ts, m_env->stat(target, env::Follow::no));
  if (!ts) return false;
  if (t == LinkType::symlink) {
    if (ts->type != env::FileType::symlink) return false;
    ASSIGN_OR_RETURN(auto dest, m_env->read_link(target));
    return dest == cache_path;
  }
  if (ts->type == env::FileType::symlink) return false;
  if (t == LinkType::hardlink) {
    if (ts->size == 0) return true;
    ASSIGN_OR_RETURN(auto cs, m_env->stat(cache_path, env::Follow::yes));
    return cs && cs->ino == ts->ino && cs->dev == ts->dev;
  }
  // reflink/copy: any regular file with the right content counts (checked by the caller).
  return ts->type == env::FileType::regular;
}

}  // namespace cairn::cache
