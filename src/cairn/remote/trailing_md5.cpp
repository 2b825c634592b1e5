// See trailing_md5.h.
#include "cairn/remote/trailing_md5.h"

#include <algorithm>
#include <memory>

namespace cairn::remote {

namespace {
constexpr std::size_t k_chunk = 1 << 20;
}

TrailingMd5::TrailingMd5(env::Env* env, std::string path) : m_env(env), m_path(std::move(path)) {}

TrailingMd5::~TrailingMd5() {
  {
    std::lock_guard lock(m_mu);
    m_stop = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void TrailingMd5::append(std::string_view written) {
  m_md5.update(written);
  std::lock_guard lock(m_mu);
  m_hashed += written.size();
  m_prefix = m_hashed;
}

void TrailingMd5::advance(std::uint64_t prefix) {
  {
    std::lock_guard lock(m_mu);
    if (prefix <= m_prefix) return;
    m_prefix = prefix;
    if (!m_thread.joinable()) m_thread = std::thread([this] { run(); });
  }
  m_cv.notify_all();
}

void TrailingMd5::run() {
  std::unique_ptr<env::ReadableFile> in;
  std::unique_ptr<char[]> buf(new char[k_chunk]);
  std::unique_lock lock(m_mu);
  while (true) {
    m_cv.wait(lock, [&] { return m_stop || m_hashed < m_prefix || m_hashed >= m_goal; });
    if (m_stop || m_error || m_hashed >= m_goal) break;
    const std::uint64_t until = m_prefix;
    std::uint64_t at = m_hashed;
    lock.unlock();
    Status st = ok();
    if (!in) {
      auto opened = m_env->open_read(m_path);
      if (opened) in = std::move(*opened);
      else st = std::unexpected(opened.error());
      for (std::uint64_t skipped = 0; st && skipped < at;) {  // bytes append() hashed already
        auto n = in->read(buf.get(), static_cast<std::size_t>(std::min<std::uint64_t>(at - skipped, k_chunk)));
        if (!n) st = std::unexpected(n.error());
        else if (*n == 0) st = make_error(ErrorCode::io, m_path + ": shorter than the bytes already hashed");
        else skipped += *n;
      }
    }
    while (st && at < until) {  // sequential reads: the file position is always `at`
      auto n = in->read(buf.get(), static_cast<std::size_t>(std::min<std::uint64_t>(until - at, k_chunk)));
      if (!n) {
        st = std::unexpected(n.error());
      } else if (*n == 0) {
        st = make_error(ErrorCode::io, m_path + ": ended at byte " + std::to_string(at) + " while being hashed");
      } else {
        m_md5.update(std::string_view(buf.get(), *n));
        at += *n;
      }
    }
    lock.lock();
    m_hashed = at;
    if (!st) m_error = st.error();
    m_cv.notify_all();
    if (m_error) break;
  }
}

Expected<std::string> TrailingMd5::finish(std::uint64_t total) {
  std::unique_lock lock(m_mu);
  if (m_thread.joinable() || m_hashed < total) {
    if (total > m_prefix) m_prefix = total;  // the writer is done: everything is written
    m_goal = total;
    if (!m_thread.joinable()) m_thread = std::thread([this] { run(); });
    m_cv.notify_all();
    m_cv.wait(lock, [&] { return m_hashed >= total || m_error.has_value(); });
    lock.unlock();
    m_cv.notify_all();
    m_thread.join();
    lock.lock();
  }
  if (m_error) return std::unexpected(*m_error);
  if (m_hashed != total)
    return make_error(ErrorCode::io, m_path + ": hashed " + std::to_string(m_hashed) + " bytes, expected " +
                                         std::to_string(total));
  return m_md5.hex_digest();
}

std::uint64_t TrailingMd5::hashed() const {
  std::lock_guard lock(m_mu);
  return m_hashed;
}

}  // namespace cairn::remote
