#include "cairn/repo/remote_presence.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <random>

#include "cairn/util/thread_pool.h"

namespace cairn::repo {

using object::HashName;
using object::ObjectId;

namespace {

// DVC's dvc_objects FileSystem constants.
constexpr double k_list_page_size = 1000;
constexpr double k_traverse_threshold = 500000;
constexpr double k_traverse_weight = 5;

std::string base_of(HashName layout) { return layout == HashName::md5 ? "files/md5/" : ""; }

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// "files/md5/ab/cdef…" (or legacy "ab/cdef…") -> "abcdef…" when it names an object of `layout`.
std::optional<std::string> value_of_key(std::string_view key, HashName layout) {
  std::string base = base_of(layout);
  if (!key.starts_with(base)) return std::nullopt;
  key.remove_prefix(base.size());
  if (key.size() < 4 || key[2] != '/' || !is_hex(key[0]) || !is_hex(key[1])) return std::nullopt;
  std::string value;
  value.reserve(key.size() - 1);
  value.append(key.substr(0, 2));
  value.append(key.substr(3));
  if (!object::is_valid_object_id(value)) return std::nullopt;
  return value;
}

class Checker {
 public:
  Checker(remote::Remote& remote, const PresenceQuery& query, const PresenceOptions& options)
      : m_remote(remote), m_query(query), m_options(options) {}

  // Stats each id on the pool; returns the values present.
  Expected<std::vector<std::string>> stat_all(const std::vector<const ObjectId*>& ids) {
    std::mutex mu;
    std::vector<std::string> found;
    std::optional<Error> err;
    parallel_for(ids.size(), m_options.jobs, [&](std::size_t i) {
      {
        std::lock_guard lock(mu);
        if (err) return;
      }
      auto st = m_remote.stat(remote_key(*ids[i]));
      std::lock_guard lock(mu);
      if (!st) {
        if (!err) err = st.error();
      } else if (st->has_value()) {
        found.push_back(ids[i]->value);
      }
    });
    if (err) return std::unexpected(*err);
    return found;
  }

  // Lists `prefix`; calls `visit(value)` for every object of the layout. A missing root is an
  // empty listing under MissingRoot::empty.
  Status list(const std::string& prefix, const std::function<void(std::string&&)>& visit) {
    auto s = m_remote.list(prefix, [&](const remote::ObjectInfo& info) {
      if (auto v = value_of_key(info.key, m_query.layout)) visit(std::move(*v));
      return true;
    });
    if (!s && s.error().code() == ErrorCode::not_found && m_options.missing_root == MissingRoot::empty) return ok();
    return s;
  }

 private:
  remote::Remote& m_remote;
  const PresenceQuery& m_query;
  const PresenceOptions& m_options;
};

}  // namespace

std::string remote_key(const ObjectId& id) { return object::object_relpath(id); }

Expected<std::unordered_set<std::string>> remote_presence(remote::Remote& remote, RemoteIndex* index,
                                                          const PresenceQuery& query,
                                                          const PresenceOptions& options) {
  std::unordered_set<std::string> present;
  if (query.ids.empty()) return present;
  present.reserve(query.ids.size());
  std::vector<char> from_index(query.ids.size(), 0);  // known to the index: not re-inserted
  Checker checker(remote, query, options);
  auto files_of = [&](const std::string& dir_value) -> const std::vector<ObjectId>* {
    if (!query.dir_files) return nullptr;
    auto it = query.dir_files->find(dir_value);
    return it == query.dir_files->end() ? nullptr : &it->second;
  };

  // 1. The index, trusted after a sampled re-check.
  if (index && !index->empty()) {
    std::vector<const ObjectId*> dirs, files;
    for (const auto& id : query.ids)
      if (index->contains(id)) (id.is_dir() ? dirs : files).push_back(&id);
    if (!dirs.empty() || !files.empty()) {
      std::mt19937_64 rng(std::random_device{}());
      std::shuffle(dirs.begin(), dirs.end(), rng);
      std::shuffle(files.begin(), files.end(), rng);
      std::vector<const ObjectId*> sample;
      for (std::size_t i = 0; i < dirs.size() && sample.size() < k_index_sample / 2; ++i) sample.push_back(dirs[i]);
      for (std::size_t i = 0; i < files.size() && sample.size() < k_index_sample; ++i) sample.push_back(files[i]);
      for (std::size_t i = k_index_sample / 2; i < dirs.size() && sample.size() < k_index_sample; ++i)
        sample.push_back(dirs[i]);
      ASSIGN_OR_RETURN(auto confirmed, checker.stat_all(sample));
      if (confirmed.size() == sample.size()) {
        for (const auto* id : dirs) present.insert(id->value);
        for (const auto* id : files) present.insert(id->value);
        for (const auto* group : {&dirs, &files})
          for (const auto* id : *group) from_index[static_cast<std::size_t>(id - query.ids.data())] = 1;
      } else {
        index->clear();  // stale: the remote lost objects it was known to hold
      }
    }
  }

  // Everything known (ids are unique): the no-op push / in-sync `status -c` of many objects.
  if (present.size() == query.ids.size()) return present;

  // 2. `.dir` ids: a `.dir` on the remote implies its files.
  std::vector<const ObjectId*> dirs;
  for (const auto& id : query.ids)
    if (id.is_dir() && !present.count(id.value)) dirs.push_back(&id);
  if (!dirs.empty()) {
    ASSIGN_OR_RETURN(auto found, checker.stat_all(dirs));
    for (auto& v : found) present.insert(std::move(v));
  }
  for (const auto& id : query.ids) {
    if (!id.is_dir() || !present.count(id.value)) continue;
    if (const auto* files = files_of(id.value))
      for (const auto& f : *files) present.insert(f.value);
  }

  // 3. The rest: stat a few, list many.
  std::vector<const ObjectId*> rest;
  for (const auto& id : query.ids)
    if (!id.is_dir() && !present.count(id.value)) rest.push_back(&id);
  if (rest.size() == 1) {
    ASSIGN_OR_RETURN(auto found, checker.stat_all(rest));
    for (auto& v : found) present.insert(std::move(v));
  } else if (!rest.empty()) {
    std::unordered_set<std::string> wanted;
    wanted.reserve(rest.size());
    for (const auto* id : rest) wanted.insert(id->value);
    std::mutex mu;
    auto take = [&](std::string&& v) {
      if (!wanted.count(v)) return;
      std::lock_guard lock(mu);
      present.insert(std::move(v));
    };
    const std::string base = base_of(query.layout);
    std::size_t in_00 = 0;
    TRY_STATUS(checker.list(base + "00/", [&](std::string&& v) {
      ++in_00;
      take(std::move(v));
    }));
    double remote_size = 256.0 * static_cast<double>(std::max<std::size_t>(in_00, 1));
    double pages = remote_size / k_list_page_size;
    double weight = remote_size > k_traverse_threshold ? pages * k_traverse_weight : pages;
    if (static_cast<double>(rest.size()) < weight) {
      std::vector<const ObjectId*> to_stat;
      for (const auto* id : rest)
        if (!id->value.starts_with("00") && !present.count(id->value)) to_stat.push_back(id);
      ASSIGN_OR_RETURN(auto found, checker.stat_all(to_stat));
      for (auto& v : found) present.insert(std::move(v));
    } else if (query.layout == object::HashName::md5 &&
               pages < 256.0 / static_cast<double>(std::max<std::size_t>(options.jobs, 1))) {
      TRY_STATUS(checker.list(base, take));
    } else {
      std::optional<Error> err;
      std::mutex err_mu;
      parallel_for(255, options.jobs, [&](std::size_t i) {
        char prefix[4];
        std::snprintf(prefix, sizeof prefix, "%02zx/", i + 1);
        auto s = checker.list(base + prefix, take);
        if (!s) {
          std::lock_guard lock(err_mu);
          if (!err) err = s.error();
        }
      });
      if (err) return std::unexpected(*err);
    }
  }

  if (index)
    for (std::size_t i = 0; i < query.ids.size(); ++i)
      if (!from_index[i] && present.count(query.ids[i].value)) index->insert(query.ids[i]);
  return present;
}

}  // namespace cairn::repo
