#include "cairn/remote/mem_remote.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "cairn/util/md5.h"

namespace cairn::remote {

struct MemObject {
  std::shared_ptr<const std::string> data;
  std::string etag;
  std::int64_t mtime_ns = 0;
};

struct MemStore {
  std::mutex mu;
  bool exists = false;
  std::map<std::string, MemObject> objects;
  std::deque<MemFault> faults;
  std::chrono::milliseconds latency{0};
  std::atomic<std::uint64_t> calls{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> peak_in_flight{0};
};

namespace {

constexpr std::size_t k_chunk = 1 << 20;

std::string name_of(std::string_view url) {
  if (url.starts_with("mem://")) url.remove_prefix(6);
  return std::string(url);
}

std::mutex& registry_mu() {
  static std::mutex mu;
  return mu;
}

std::map<std::string, std::shared_ptr<MemStore>>& registry() {
  static std::map<std::string, std::shared_ptr<MemStore>> stores;
  return stores;
}

std::shared_ptr<MemStore> store_for(const std::string& name) {
  std::lock_guard lock(registry_mu());
  auto& slot = registry()[name];
  if (!slot) slot = std::make_shared<MemStore>();
  return slot;
}

bool matches(MemOp want, MemOp op) { return want == MemOp::any || want == op; }

Status injected(const MemFault& f, std::string_view what) {
  return make_error(f.code, "injected " + std::string(error_code_name(f.code)) + " fault on " + std::string(what));
}

}  // namespace

// One call on the store: counts it, tracks concurrency, applies the latency and takes the
// first matching queued fault (if any).
class MemRemote::Call {
 public:
  Call(MemStore& store, MemOp op) : m_store(store) {
    m_store.calls.fetch_add(1);
    int now = m_store.in_flight.fetch_add(1) + 1;
    int peak = m_store.peak_in_flight.load();
    while (now > peak && !m_store.peak_in_flight.compare_exchange_weak(peak, now)) {
    }
    std::chrono::milliseconds latency;
    {
      std::lock_guard lock(m_store.mu);
      latency = m_store.latency;
      for (auto it = m_store.faults.begin(); it != m_store.faults.end(); ++it) {
        if (!matches(it->op, op)) continue;
        m_fault = *it;
        if (--it->count <= 0) m_store.faults.erase(it);
        break;
      }
    }
    if (latency.count() > 0) std::this_thread::sleep_for(latency);
  }
  ~Call() { m_store.in_flight.fetch_sub(1); }

  // The fault to apply, if any.
  const std::optional<MemFault>& fault() const { return m_fault; }

 private:
  MemStore& m_store;
  std::optional<MemFault> m_fault;
};

MemRemote::MemRemote(std::string_view url, env::Env* env)
    : m_name(name_of(url)), m_env(env), m_store(store_for(m_name)) {}

MemRemote::~MemRemote() = default;

std::string MemRemote::display_url() const { return "mem://" + m_name; }

Expected<std::optional<ObjectInfo>> MemRemote::stat(const std::string& key) {
  TRY_STATUS(check_key(key));
  Call call(*m_store, MemOp::stat);
  if (call.fault()) return std::unexpected(injected(*call.fault(), "stat " + key).error());
  std::lock_guard lock(m_store->mu);
  auto it = m_store->objects.find(key);
  if (it == m_store->objects.end()) return std::nullopt;
  return ObjectInfo{key, it->second.data->size(), it->second.etag, it->second.mtime_ns};
}

Status MemRemote::list(const std::string& prefix, const ListVisitor& visit) {
  if (!prefix.empty()) {
    std::string_view p = prefix;
    if (p.back() == '/') p.remove_suffix(1);
    TRY_STATUS(check_key(p));
  }
  Call call(*m_store, MemOp::list);
  if (call.fault()) return injected(*call.fault(), "list " + prefix);
  // Snapshot under the lock, visit without it (the visitor may call back into the store).
  std::vector<ObjectInfo> found;
  {
    std::lock_guard lock(m_store->mu);
    if (!m_store->exists) return make_error(ErrorCode::not_found, "remote " + display_url() + " does not exist");
    for (auto it = m_store->objects.lower_bound(prefix);
         it != m_store->objects.end() && it->first.starts_with(prefix); ++it)
      found.push_back({it->first, it->second.data->size(), it->second.etag, it->second.mtime_ns});
  }
  for (const auto& info : found)
    if (!visit(info)) break;
  return ok();
}

namespace {
void store_object(MemStore& store, env::Env* env, const std::string& key, std::string data) {
  MemObject obj;
  obj.etag = md5_hex(data);
  obj.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(env->now().time_since_epoch()).count();
  obj.data = std::make_shared<const std::string>(std::move(data));
  std::lock_guard lock(store.mu);
  store.exists = true;
  store.objects[key] = std::move(obj);
}
}  // namespace

Status MemRemote::put_bytes(const std::string& key, std::string_view data) {
  TRY_STATUS(check_key(key));
  Call call(*m_store, MemOp::put);
  if (call.fault()) return injected(*call.fault(), "put " + key);
  store_object(*m_store, m_env, key, std::string(data));
  return ok();
}

Status MemRemote::put_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  TRY_STATUS(check_key(key));
  Call call(*m_store, MemOp::put);
  if (call.fault() && call.fault()->after_bytes == 0) return injected(*call.fault(), "put " + key);
  ASSIGN_OR_RETURN(auto in, m_env->open_read(local_path));
  std::string data;
  std::string buf(k_chunk, '\0');
  while (true) {
    std::size_t want = buf.size();
    if (call.fault()) want = std::min<std::uint64_t>(want, call.fault()->after_bytes - data.size());
    if (want == 0) return injected(*call.fault(), "put " + key);
    ASSIGN_OR_RETURN(std::size_t n, in->read(buf.data(), want));
    if (n == 0) break;
    data.append(buf.data(), n);
    if (progress) progress(n);
  }
  if (call.fault()) return injected(*call.fault(), "put " + key);  // source shorter than after_bytes
  store_object(*m_store, m_env, key, std::move(data));
  return ok();
}

Expected<std::string> MemRemote::get_bytes(const std::string& key, ByteRange range) {
  TRY_STATUS(check_key(key));
  Call call(*m_store, MemOp::get);
  if (call.fault()) return std::unexpected(injected(*call.fault(), "get " + key).error());
  std::shared_ptr<const std::string> data;
  {
    std::lock_guard lock(m_store->mu);
    auto it = m_store->objects.find(key);
    if (it == m_store->objects.end())
      return make_error(ErrorCode::not_found, "object " + key + " not found in " + display_url());
    data = it->second.data;
  }
  if (range.offset > data->size())
    return make_error(ErrorCode::invalid_input, "range starts beyond the end of " + key);
  std::size_t length = data->size() - range.offset;
  if (range.length && *range.length < length) length = *range.length;
  return data->substr(range.offset, length);
}

Status MemRemote::get_file(const std::string& key, const std::string& local_path, const ByteProgress& progress) {
  TRY_STATUS(check_key(key));
  Call call(*m_store, MemOp::get);
  if (call.fault() && call.fault()->after_bytes == 0) return injected(*call.fault(), "get " + key);
  std::shared_ptr<const std::string> data;
  {
    std::lock_guard lock(m_store->mu);
    auto it = m_store->objects.find(key);
    if (it == m_store->objects.end())
      return make_error(ErrorCode::not_found, "object " + key + " not found in " + display_url());
    data = it->second.data;
  }
  ASSIGN_OR_RETURN(auto out, m_env->open_write(local_path));
  std::size_t end = data->size();
  if (call.fault()) end = std::min<std::uint64_t>(end, call.fault()->after_bytes);
  for (std::size_t pos = 0; pos < end; pos += k_chunk) {
    std::size_t n = std::min(k_chunk, end - pos);
    TRY_STATUS(out->append(std::string_view(*data).substr(pos, n)));
    if (progress) progress(n);
  }
  TRY_STATUS(out->close());
  if (call.fault()) return injected(*call.fault(), "get " + key);
  return ok();
}

Status MemRemote::remove(const std::string& key) {
  TRY_STATUS(check_key(key));
  Call call(*m_store, MemOp::remove);
  if (call.fault()) return injected(*call.fault(), "remove " + key);
  std::lock_guard lock(m_store->mu);
  m_store->objects.erase(key);
  return ok();
}

Status MemRemote::copy(const std::string& from_key, const std::string& to_key) {
  TRY_STATUS(check_key(from_key));
  TRY_STATUS(check_key(to_key));
  Call call(*m_store, MemOp::copy);
  if (call.fault()) return injected(*call.fault(), "copy " + from_key);
  std::lock_guard lock(m_store->mu);
  auto it = m_store->objects.find(from_key);
  if (it == m_store->objects.end())
    return make_error(ErrorCode::not_found, "object " + from_key + " not found in " + display_url());
  MemObject copy = it->second;
  copy.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(m_env->now().time_since_epoch()).count();
  m_store->objects[to_key] = std::move(copy);
  return ok();
}

Status MemRemote::make_root() {
  Call call(*m_store, MemOp::root);
  if (call.fault()) return injected(*call.fault(), "make_root");
  std::lock_guard lock(m_store->mu);
  m_store->exists = true;
  return ok();
}

Status MemRemote::remove_root(Force force) {
  Call call(*m_store, MemOp::root);
  if (call.fault()) return injected(*call.fault(), "remove_root");
  std::lock_guard lock(m_store->mu);
  if (!m_store->exists) return make_error(ErrorCode::not_found, "remote " + display_url() + " does not exist");
  if (force == Force::no && !m_store->objects.empty())
    return make_error(ErrorCode::conflict, "remote " + display_url() + " is not empty (remove its objects first, or force)");
  m_store->objects.clear();
  m_store->exists = false;
  return ok();
}

void MemRemote::inject(MemFault fault) {
  if (fault.count <= 0) return;
  std::lock_guard lock(m_store->mu);
  m_store->faults.push_back(fault);
}

void MemRemote::clear_faults() {
  std::lock_guard lock(m_store->mu);
  m_store->faults.clear();
}

void MemRemote::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(m_store->mu);
  m_store->latency = latency;
}

MemStats MemRemote::stats() const { return {m_store->calls.load(), m_store->peak_in_flight.load()}; }

void MemRemote::reset_stats() {
  m_store->calls.store(0);
  m_store->peak_in_flight.store(m_store->in_flight.load());
}

void MemRemote::drop(std::string_view url) {
  std::lock_guard lock(registry_mu());
  registry().erase(name_of(url));
}

}  // namespace cairn::remote
