// Artifacts: catalog sync from the records in the root, and the offline queue (contract in
// artifacts.h).
//
// Sync state: `<state_dir>/sync/<md5 of root url + catalog url>.json` =
//   {"last_day": "YYYY/MM/DD", "keys": [record keys of the last two days seen], "rows": N}.
// An incremental sync lists the day prefixes from last_day - 1 to today + 1 (clocks of
// other writers may be off by a day) and reads only keys it has not ingested; a full sync
// lists `artifacts/` whole. A catalog holding fewer rows than `rows` was lost or replaced, so
// the sync turns full. A record pushed from the offline queue is late: its date may be older
// than any incremental window, so the push also writes a pointer
// `artifacts/late/<upload day>/<artifact_id>.late` (content: the record's key), and an
// incremental sync lists the pointers of its window too and reads the records they name.
#include <algorithm>
#include <chrono>
#include <set>

#include "cairn/catalog/artifacts_impl.h"
#include "cairn/util/md5.h"
#include "cairn/util/path.h"
#include "cairn/util/thread_pool.h"

namespace cairn::catalog {
namespace {

constexpr std::size_t kBatch = 500;
// Concurrent record reads of a sync (DVC's default for object stores is 4 x cores).
constexpr std::size_t kSyncJobs = 16;

constexpr std::string_view kLatePrefix = "artifacts/late/";
constexpr std::string_view kLateSuffix = ".late";

std::string day_of_key(std::string_view key) {
  // "artifacts/YYYY/MM/DD/..." or "artifacts/late/YYYY/MM/DD/..." -> "YYYY/MM/DD"
  if (key.starts_with(kLatePrefix)) key.remove_prefix(kLatePrefix.size() - 10);
  if (key.size() < 21 || !key.starts_with("artifacts/")) return "";
  return std::string(key.substr(10, 10));
}

// A late pointer names a record key; anything else in it is refused, not followed.
bool is_record_key(std::string_view key) {
  return key.starts_with("artifacts/") && !key.starts_with(kLatePrefix) && key.ends_with(".json") &&
         path::is_safe_relpath(key);
}

std::optional<std::chrono::sys_days> parse_day(std::string_view day) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(std::string(day).c_str(), "%d/%u/%u", &y, &m, &d) != 3) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::string day_string(std::chrono::sys_days day) {
  return day_prefix(TimePoint{day}).substr(10, 10);
}

}  // namespace

Expected<std::vector<std::pair<std::string, ArtifactRecord>>> ArtifactsImpl::read_queue() {
  std::vector<std::pair<std::string, ArtifactRecord>> out;
  ASSIGN_OR_RETURN(bool present, m_env->exists(queue_dir()));
  if (!present) return out;
  ASSIGN_OR_RETURN(auto entries, m_env->list_dir(queue_dir()));
  std::vector<std::string> names;
  for (const auto& e : entries)
    if (e.name.ends_with(".json") && !e.name.starts_with(".")) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    const std::string file = path::join(queue_dir(), n);
    ASSIGN_OR_RETURN(std::string text, m_env->read_file(file));
    auto rec = record_from_json_text(text);
    if (!rec) return std::unexpected(rec.error().with_context("queued record " + file));
    out.emplace_back(file, std::move(*rec));
  }
  return out;
}

Expected<std::vector<std::string>> ArtifactsImpl::queued() {
  ASSIGN_OR_RETURN(auto entries, read_queue());
  std::vector<std::string> ids;
  for (const auto& [file, rec] : entries) ids.push_back(rec.artifact_id);
  return ids;
}

Expected<PushResult> ArtifactsImpl::push_queue() {
  PushResult result;
  ASSIGN_OR_RETURN(auto entries, read_queue());
  result.remaining = entries.size();
  for (const auto& [file, rec] : entries) {
    std::map<std::string, std::string> sources;
    for (const auto& [rel, f] : rec.files) sources[f.md5] = m_local_cache.path_of(object::ObjectId{f.md5});
    Status pushed = [&]() -> Status {
      ASSIGN_OR_RETURN(std::size_t n, upload_objects(rec, sources));
      result.objects += n;
      ASSIGN_OR_RETURN(std::string text, m_env->read_file(file));
      ASSIGN_OR_RETURN(remote::Remote * r, root());
      return r->put_bytes(record_key(rec), text);
    }();
    if (!pushed) {
      if (result.artifacts == 0 || !is_unreachable(pushed.error()))
        return std::unexpected(pushed.error().with_context("pushing queued artifact " + rec.artifact_id));
      return result;  // partial: the rest stays queued
    }
    // Late: an incremental sync elsewhere may already be past the record's day.
    Status pointed = [&]() -> Status {
      ASSIGN_OR_RETURN(remote::Remote * r, root());
      const std::string pointer = std::string(kLatePrefix) + day_string(std::chrono::floor<std::chrono::days>(now_ms())) +
                                  "/" + rec.artifact_id + std::string(kLateSuffix);
      m_env->crash_point("artifact.queue_record_pushed");
      return r->put_bytes(pointer, record_key(rec));
    }();
    if (!pointed) return std::unexpected(pointed.error().with_context("pushing queued artifact " + rec.artifact_id));
    TRY_STATUS(m_env->remove_file(file));  // only after the record (and its pointer) is in the root
    ++result.artifacts;
    --result.remaining;
  }
  return result;
}

Expected<std::int64_t> ArtifactsImpl::catalog_rows() {
  ASSIGN_OR_RETURN(FindResult all, m_catalog->find(Query{}, FindOptions{1}));
  return all.total;
}

Expected<std::size_t> ArtifactsImpl::ingest(std::vector<ArtifactRecord> records) {
  std::sort(records.begin(), records.end(), [](const ArtifactRecord& a, const ArtifactRecord& b) {
    return std::tie(a.creation_time, a.artifact_id) < std::tie(b.creation_time, b.artifact_id);
  });
  // Into an empty catalog (a first sync, a rebuild): one put, which the catalog takes as a
  // bulk load (indexes built once, after the rows).
  ASSIGN_OR_RETURN(std::int64_t rows_before, catalog_rows());
  if (rows_before == 0) {
    TRY_STATUS(m_catalog->put(std::move(records)));
    ASSIGN_OR_RETURN(std::int64_t rows_after, catalog_rows());
    return static_cast<std::size_t>(rows_after);
  }
  std::size_t added = 0;
  for (std::size_t i = 0; i < records.size(); i += kBatch) {
    std::vector<ArtifactRecord> batch(records.begin() + static_cast<std::ptrdiff_t>(i),
                                      records.begin() + static_cast<std::ptrdiff_t>(std::min(records.size(), i + kBatch)));
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& r : batch) ids.push_back(r.artifact_id);
    ASSIGN_OR_RETURN(Query q, parse_query(nlohmann::json{{"artifact_id", {{"$in", ids}}}}));
    ASSIGN_OR_RETURN(FindResult existing, m_catalog->find(q, FindOptions{0}));
    TRY_STATUS(m_catalog->put(std::move(batch)));
    added += ids.size() - static_cast<std::size_t>(existing.total);
  }
  return added;
}

Expected<SyncResult> ArtifactsImpl::sync(SyncMode mode) {
  SyncResult result;
  const std::string state_file = path::join(
      m_settings.state_dir, "sync/" + md5_hex(m_settings.root_url + "\n" + m_settings.catalog_url) + ".json");
  nlohmann::json state = nlohmann::json::object();
  if (auto text = m_env->read_file(state_file)) {
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    if (parsed.is_object()) state = std::move(parsed);
  }
  ASSIGN_OR_RETURN(std::int64_t rows_before, catalog_rows());
  const std::string last_day = state.value("last_day", std::string());
  const auto last = parse_day(last_day);
  if (!last || rows_before < state.value("rows", std::int64_t{0})) mode = SyncMode::full;
  result.mode = mode;

  std::set<std::string> known;
  if (mode == SyncMode::incremental && state.contains("keys") && state["keys"].is_array())
    for (const auto& k : state["keys"])
      if (k.is_string()) known.insert(k.get<std::string>());

  ASSIGN_OR_RETURN(remote::Remote * r, root());
  std::vector<std::string> keys;
  auto collect = [&](const std::string& prefix) -> Status {
    const bool late = prefix.starts_with(kLatePrefix);
    Status listed = r->list(prefix, [&](const remote::ObjectInfo& info) {
      if (late ? info.key.ends_with(kLateSuffix) : is_record_key(info.key)) keys.push_back(info.key);
      return true;
    });
    if (!listed && listed.error().code() == ErrorCode::not_found) return ok();  // nothing logged yet
    return listed;
  };
  const auto today = std::chrono::floor<std::chrono::days>(now_ms());
  if (mode == SyncMode::full) {
    TRY_STATUS(collect("artifacts/"));
  } else {
    for (auto day = *last - std::chrono::days{1}; day <= today + std::chrono::days{1}; day += std::chrono::days{1}) {
      TRY_STATUS(collect("artifacts/" + day_string(day) + "/"));
      TRY_STATUS(collect(std::string(kLatePrefix) + day_string(day) + "/"));
    }
  }
  std::sort(keys.begin(), keys.end());
  result.listed = keys.size();

  // Reads run kSyncJobs at a time (object stores answer one small GET in milliseconds, so a
  // rebuild from a million records is request-bound); results are taken in key order.
  auto get_all = [&](const std::vector<std::string>& which) {
    std::vector<Expected<std::string>> texts(which.size(), std::string());
    parallel_for(which.size(), kSyncJobs, [&](std::size_t i) { texts[i] = r->get_bytes(which[i]); });
    return texts;
  };
  // A failed read: an unreachable root ends the sync; anything else is reported for its key.
  auto read_ok = [&](const Expected<std::string>& text, const std::string& key) -> Expected<bool> {
    if (text) return true;
    if (is_unreachable(text.error())) return std::unexpected(text.error().with_context("sync: reading " + key));
    result.errors.push_back(text.error().with_context(key));
    return false;
  };
  std::vector<ArtifactRecord> records;
  std::vector<std::string> read_keys;
  std::set<std::string> listed(keys.begin(), keys.end());
  std::vector<std::string> pointers, to_read;
  for (const auto& key : keys) {
    if (known.contains(key)) ++result.skipped;
    else (key.ends_with(kLateSuffix) ? pointers : to_read).push_back(key);
  }
  // Late pointers: read the records they name.
  auto targets = get_all(pointers);
  for (std::size_t i = 0; i < pointers.size(); ++i) {
    const std::string& key = pointers[i];
    ASSIGN_OR_RETURN(bool got, read_ok(targets[i], key));
    if (!got) continue;
    read_keys.push_back(key);  // remembered like a record key (its day is the upload day)
    const std::string& target = *targets[i];
    if (!is_record_key(target)) {
      result.errors.push_back(Error(ErrorCode::corrupt, "late pointer " + key + " does not name a record key"));
      continue;
    }
    if (known.contains(target) || listed.contains(target)) continue;  // read (or to be read) anyway
    listed.insert(target);
    to_read.push_back(target);
  }
  auto texts = get_all(to_read);
  for (std::size_t i = 0; i < to_read.size(); ++i) {
    const std::string& key = to_read[i];
    ASSIGN_OR_RETURN(bool got, read_ok(texts[i], key));
    if (!got) continue;
    auto rec = record_from_json_text(*texts[i]);
    if (!rec) {
      result.errors.push_back(rec.error().with_context(key));
      continue;
    }
    records.push_back(std::move(*rec));
    read_keys.push_back(key);
  }
  // Records still waiting in the offline queue belong in the catalog too.
  ASSIGN_OR_RETURN(auto waiting, read_queue());
  for (auto& [file, rec] : waiting) records.push_back(std::move(rec));

  const std::size_t read = records.size();
  ASSIGN_OR_RETURN(result.ingested, ingest(std::move(records)));
  result.skipped += read - result.ingested;

  // Remember what was ingested (keys of the newest two days) for the next incremental sync.
  std::string new_last = day_string(today);
  if (last && *last > today) new_last = last_day;
  const auto keep_from = *parse_day(new_last) - std::chrono::days{1};
  nlohmann::json kept = nlohmann::json::array();
  std::set<std::string> all(known.begin(), known.end());
  all.insert(read_keys.begin(), read_keys.end());
  for (const auto& k : all)
    if (auto d = parse_day(day_of_key(k)); d && *d >= keep_from) kept.push_back(k);
  ASSIGN_OR_RETURN(std::int64_t rows_after, catalog_rows());
  nlohmann::json next = {{"last_day", new_last}, {"keys", kept}, {"rows", rows_after}};
  TRY_STATUS(m_env->make_dirs(path::parent(state_file)));
  TRY_STATUS(m_env->write_file_atomic(state_file, next.dump() + "\n"));
  return result;
}

}  // namespace cairn::catalog
