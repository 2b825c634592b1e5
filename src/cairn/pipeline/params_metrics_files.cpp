#include "cairn/pipeline/params_metrics_files.h"

#include <algorithm>
#include <map>

#include "cairn/pipeline/dvc_yaml.h"
#include "cairn/pipeline/lock_file.h"
#include "cairn/repo/dvcignore.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {
namespace {

constexpr const char* kDefaultParams = "params.yaml";

// dvc.yaml files below root (relative paths), directory by directory: a directory's own file
// first, then its subdirectories in name order.
Expected<std::vector<std::string>> find_dvc_yaml_files(env::Env* env, const std::string& root) {
  repo::IgnoreRules ignore(env, root);
  std::vector<std::string> out;
  std::vector<std::string> stack{""};
  while (!stack.empty()) {
    std::string rel = stack.back();
    stack.pop_back();
    std::string abs = rel.empty() ? root : root + "/" + rel;
    ASSIGN_OR_RETURN(auto entries, env->list_dir(abs));
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    if (!rel.empty() && std::any_of(entries.begin(), entries.end(), [](const env::DirEntry& e) {
          return e.name == ".dvc" && e.type == env::FileType::directory;
        }))
      continue;  // a nested repository
    std::vector<std::string> subdirs;
    for (const auto& e : entries) {
      std::string child = rel.empty() ? e.name : rel + "/" + e.name;
      if (e.type == env::FileType::directory) {
        if (e.name == ".git" || e.name == ".dvc" || ignore.is_ignored(child, true)) continue;
        subdirs.push_back(child);
      } else if (e.name == "dvc.yaml" && !ignore.is_ignored(child, false)) {
        out.push_back(child);
      }
    }
    for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

// Ordered merge of (file -> keys) like DVC's _merge_params: whole files win over keys.
class ParamsMerge {
 public:
  void add(const std::string& file, const std::vector<std::string>& keys) {
    auto [it, inserted] = m_index.emplace(file, m_items.size());
    if (inserted) m_items.push_back({file, {}, false});
    Item& item = m_items[it->second];
    if (keys.empty()) {
      item.whole = true;
      item.keys.clear();
    } else if (!item.whole) {
      item.keys.insert(item.keys.end(), keys.begin(), keys.end());
    }
  }
  std::vector<ParamsFileKeys> result() const {
    std::vector<ParamsFileKeys> out;
    for (const auto& item : m_items)
      out.push_back({item.file, item.whole ? std::vector<std::string>{} : item.keys});
    return out;
  }

 private:
  struct Item {
    std::string file;
    std::vector<std::string> keys;
    bool whole = false;
  };
  std::vector<Item> m_items;
  std::map<std::string, std::size_t> m_index;
};

std::string under(const std::string& dir, const std::string& p) {
  return path::normalize(path::join(dir, p));
}

}  // namespace

Expected<ParamsMetricsFiles> collect_params_metrics_files(env::Env* env, const std::string& root,
                                                          const std::string& cwd) {
  ASSIGN_OR_RETURN(auto files, find_dvc_yaml_files(env, root));
  LoadOptions options;
  options.env = env;
  options.root = root;
  options.cwd = cwd;
  ParamsMetricsFiles result;
  ParamsMerge params, stage_params;
  std::vector<std::string> stage_metrics, top_params, top_metrics;
  for (const auto& rel : files) {
    ASSIGN_OR_RETURN(PipelineFile file, load_pipeline_file(options, root + "/" + rel));
    std::string lock_rel = lock_path_for(rel);
    ASSIGN_OR_RETURN(LockFile lock, load_lock_file(env, root + "/" + lock_rel, lock_rel));
    std::string dir = path::parent(rel);
    for (const auto& stage : file.stages) {
      for (const auto& dep : stage.params) {
        params.add(dep.path, dep.keys);
        stage_params.add(dep.path, dep.keys);
      }
      const LockEntry* entry = lock.find(stage.name);
      for (const auto& out : stage.outs) {
        if (out.kind == OutKind::metric) stage_metrics.push_back(out.path);
        const repo::OutputEntry* locked = entry && out.cache ? entry->find_out(out.def_path) : nullptr;
        if (locked && locked->has_hash() && !locked->id.is_dir())
          result.cached.push_back({out.path, locked->id});
      }
    }
    for (const auto& p : file.params) top_params.push_back(under(dir, p));
    for (const auto& m : file.metrics) top_metrics.push_back(under(dir, m));
  }
  for (const auto& p : top_params) params.add(p, {});
  ASSIGN_OR_RETURN(auto st, env->stat(root + "/" + kDefaultParams, env::Follow::yes));
  if (st) params.add(kDefaultParams, {});

  result.params = params.result();
  result.stage_params = stage_params.result();
  for (auto* list : {&stage_metrics, &top_metrics})
    for (const auto& m : *list)
      if (std::find(result.metrics.begin(), result.metrics.end(), m) == result.metrics.end())
        result.metrics.push_back(m);
  return result;
}

}  // namespace cairn::pipeline
