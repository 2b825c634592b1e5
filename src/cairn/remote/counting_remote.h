// CountingRemote: a Remote wrapper that records successful transfers in the process
// counters (util/counters.h): objects_uploaded/bytes_uploaded for put_bytes and put_file,
// objects_downloaded/bytes_downloaded for get_bytes and get_file; and every stat and list
// call (remote_stats, remote_lists), successful or not. File transfers count the
// bytes reported through their progress callback (every backend reports them; the
// conformance suite checks it). Failed calls and server-side copies count nothing.
// open_remote() puts it outermost, so a retried call is counted once. Thread-safe if the
// wrapped remote is.
#pragma once

#include <memory>

#include "cairn/remote/remote.h"

namespace cairn::remote {

class CountingRemote : public Remote {
 public:
  explicit CountingRemote(std::unique_ptr<Remote> inner) : m_inner(std::move(inner)) {}

  std::string display_url() const override { return m_inner->display_url(); }
  Expected<std::optional<ObjectInfo>> stat(const std::string& key) override;
  Status list(const std::string& prefix, const ListVisitor& visit) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::string> get_bytes(const std::string& key, ByteRange range = {}) override;
  Status get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) override;
  Expected<std::optional<std::string>> get_file_hashed(const std::string& key, const std::string& local_path,
                                                       const ByteProgress& progress) override;
  Status remove(const std::string& key) override { return m_inner->remove(key); }
  Status copy(const std::string& from_key, const std::string& to_key) override {
    return m_inner->copy(from_key, to_key);
  }
  Status make_root() override { return m_inner->make_root(); }
  Status remove_root(Force force) override { return m_inner->remove_root(force); }

 private:
  std::unique_ptr<Remote> m_inner;
};

}  // namespace cairn::remote
