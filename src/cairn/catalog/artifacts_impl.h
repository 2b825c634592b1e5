// ArtifactsImpl: the one implementation of Artifacts (artifacts.h), split over
// artifacts.cpp (open, log, resolve, reads) and artifact_sync.cpp (sync, offline queue).
// Internal to the catalog layer.
#pragma once

#include <memory>
#include <string>

#include "cairn/cache/object_store.h"
#include "cairn/catalog/artifacts.h"
#include "cairn/remote/remote.h"

namespace cairn::catalog {

class ArtifactsImpl final : public Artifacts {
 public:
  ArtifactsImpl(ArtifactSettings settings, env::Env* env, std::unique_ptr<Catalog> catalog);

  const ArtifactSettings& settings() const override { return m_settings; }
  Catalog& catalog() override { return *m_catalog; }
  Expected<LogResult> log(const std::vector<LogFile>& files, const LogOptions& options) override;
  Expected<ArtifactRecord> resolve(std::string_view ref) override;
  Expected<ArtifactRecord> show(std::string_view ref) override { return resolve(ref); }
  Expected<MaterialiseResult> materialise(std::string_view ref, const std::string& dest_dir) override;
  Expected<std::string> local_path(std::string_view ref, std::string_view relpath) override;
  Status note_read(std::string_view artifact_id) override;
  Expected<FindResult> find(std::string_view query_json, std::int64_t limit) override;
  Expected<FindResult> find(const Query& query, std::int64_t limit) override;
  Expected<LineageResult> lineage(std::string_view ref, LineageDirection direction, int depth) override;
  Expected<SyncResult> sync(SyncMode mode) override;
  Expected<PushResult> push_queue() override;
  Expected<std::vector<std::string>> queued() override;

 private:
  // The root, opened on first use.
  Expected<remote::Remote*> root();
  bool root_is_local() const;
  std::string object_url(std::string_view md5) const;
  std::string queue_dir() const;
  // Uploads the objects of `record` (from `sources`: md5 -> local path) that the root lacks.
  Expected<std::size_t> upload_objects(const ArtifactRecord& record, const std::map<std::string, std::string>& sources);
  // A local path with the object's bytes: a local root's object, the local cache, or a
  // verified download into the local cache. `from_cache` is set when the root was unreachable.
  Expected<std::string> ensure_local(const ArtifactFile& file, bool& from_cache);
  Expected<std::vector<std::pair<std::string, ArtifactRecord>>> read_queue();
  Expected<std::optional<ArtifactRecord>> find_queued(std::string_view id);
  Expected<std::int64_t> catalog_rows();
  // Stores records in the catalog, counting the ones that were new.
  Expected<std::size_t> ingest(std::vector<ArtifactRecord> records);

  ArtifactSettings m_settings;
  env::Env* m_env;
  std::unique_ptr<Catalog> m_catalog;
  std::unique_ptr<remote::Remote> m_root;
  cache::ObjectStore m_local_cache;
};

// True for errors meaning "the root cannot be reached now" (worth queueing).
bool is_unreachable(const Error& error);

}  // namespace cairn::catalog
