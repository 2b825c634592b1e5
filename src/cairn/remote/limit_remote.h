// LimitRemote: a Remote wrapper that lets at most N calls into the wrapped remote run at
// once (a counting semaphore); further callers block until a slot frees, in no particular
// order. A call holds its slot for its whole duration, including a list() while it
// visits, so a ListVisitor must not call back into the same LimitRemote when N is small
// (it could wait for its own slot). Thread-safe if the wrapped remote is.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "cairn/remote/remote.h"

namespace cairn::remote {

// A counting semaphore whose count is chosen at run time.
class Semaphore {
 public:
  explicit Semaphore(int slots) : m_free(slots) {}
  void acquire();
  void release();

 private:
  std::mutex m_mu;
  std::condition_variable m_cv;
  int m_free;
};

class LimitRemote : public Remote {
 public:
  // REQUIRES: max_concurrency >= 1.
  LimitRemote(std::unique_ptr<Remote> inner, int max_concurrency);

  std::string display_url() const override { return m_inner->display_url(); }
  Expected<std::optional<ObjectInfo>> stat(const std::string& key) override;
  Status list(const std::string& prefix, const ListVisitor& visit) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::string> get_bytes(const std::string& key, ByteRange range = {}) override;
  Status get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::optional<std::string>> get_file_hashed(const std::string& key, const std::string& local_path,
                                                       const ByteProgress& progress) override;
  Status remove(const std::string& key) override;
  Status copy(const std::string& from_key, const std::string& to_key) override;
  Status make_root() override;
  Status remove_root(Force force) override;

 private:
  class Slot;

  std::unique_ptr<Remote> m_inner;
  Semaphore m_slots;
};

}  // namespace cairn::remote
