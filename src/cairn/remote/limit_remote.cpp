#include "cairn/remote/limit_remote.h"

#include <algorithm>

namespace cairn::remote {

void Semaphore::acquire() {
  std::unique_lock lock(m_mu);
  m_cv.wait(lock, [&] { return m_free > 0; });
  --m_free;
}

void Semaphore::release() {
  {
    std::lock_guard lock(m_mu);
    ++m_free;
  }
  m_cv.notify_one();
}

// Holds one slot for its lifetime.
class LimitRemote::Slot {
 public:
  explicit Slot(Semaphore& s) : m_s(s) { m_s.acquire(); }
  ~Slot() { m_s.release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  Semaphore& m_s;
};

LimitRemote::LimitRemote(std::unique_ptr<Remote> inner, int max_concurrency)
    : m_inner(std::move(inner)), m_slots(std::max(1, max_concurrency)) {}

Expected<std::optional<ObjectInfo>> LimitRemote::stat(const std::string& key) {
  Slot slot(m_slots);
  return m_inner->stat(key);
}

Status LimitRemote::list(const std::string& prefix, const ListVisitor& visit) {
  Slot slot(m_slots);
  return m_inner->list(prefix, visit);
}

Status LimitRemote::put_bytes(const std::string& key, std::string_view data) {
  Slot slot(m_slots);
  return m_inner->put_bytes(key, data);
}

Status LimitRemote::put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  Slot slot(m_slots);
  return m_inner->put_file(key, local_path, progress);
}

Expected<std::string> LimitRemote::get_bytes(const std::string& key, ByteRange range) {
  Slot slot(m_slots);
  return m_inner->get_bytes(key, range);
}

Status LimitRemote::get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  Slot slot(m_slots);
  return m_inner->get_file(key, local_path, progress);
}

Expected<std::optional<std::string>> LimitRemote::get_file_hashed(const std::string& key, const std::string& local_path,
                                                                  const ByteProgress& progress) {
  Slot slot(m_slots);
  return m_inner->get_file_hashed(key, local_path, progress);
}

Status LimitRemote::remove(const std::string& key) {
  Slot slot(m_slots);
  return m_inner->remove(key);
}

Status LimitRemote::copy(const std::string& from_key, const std::string& to_key) {
  Slot slot(m_slots);
  return m_inner->copy(from_key, to_key);
}

Status LimitRemote::make_root() {
  Slot slot(m_slots);
  return m_inner->make_root();
}

Status LimitRemote::remove_root(Force force) {
  Slot slot(m_slots);
  return m_inner->remove_root(force);
}

}  // namespace cairn::remote
