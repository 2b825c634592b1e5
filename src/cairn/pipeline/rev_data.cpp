#include "cairn/pipeline/rev_data.h"

#include <algorithm>

#include "cairn/pipeline/git_tree_env.h"
#include "cairn/pipeline/params_file.h"
#include "cairn/pipeline/params_metrics_files.h"
#include "cairn/pipeline/params_select.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {
namespace {

// DVC's exception for a file that failed to load (dvc/utils/serialize/_common.py and the OS).
LoadError load_error(const Error& e, const std::string& rel, const std::string& cwd) {
  // ParseError messages name the file relative to the process cwd, seen from "/<rel>" (the
  // DVC filesystem path), as dvc.utils.relpath prints it.
  std::string shown = path::relative("/" + rel, cwd);
  switch (e.code()) {
    case ErrorCode::not_found:
      return {"FileNotFoundError", "[Errno 2] No such file or directory: '" + rel + "'"};
    case ErrorCode::permission:
      return {"PermissionError", "[Errno 13] Permission denied: '" + rel + "'"};
    case ErrorCode::invalid_input: {
      if (e.message().find("invalid UTF-8") != std::string::npos)
        return {"EncodingError", "unable to read: '" + shown + "', is not valid utf-8"};
      switch (params_format_for(rel)) {
        case ParamsFormat::json:
          return {"JSONFileCorruptedError",
                  "unable to read: '" + shown + "', JSON file structure is corrupted"};
        case ParamsFormat::toml:
          return {"TOMLFileCorruptedError",
                  "unable to read: '" + shown + "', TOML file structure is corrupted"};
        case ParamsFormat::python:
          return {"PythonFileCorruptedError", "unable to read: '" + shown + "', " + e.message()};
        case ParamsFormat::yaml:
          return {"YAMLFileCorruptedError",
                  "unable to read: '" + shown + "', YAML file structure is corrupted"};
      }
      break;
    }
    default:
      break;
  }
  return {"OSError", e.message()};
}

// DVC's exception for a dvc.yaml that does not load (the whole revision fails).
LoadError pipeline_error(const Error& e) {
  const std::string& m = e.message();
  if (auto at = m.find(" validation failed"); at != std::string::npos)
    return {"YAMLValidationError", m.substr(0, at + 18)};
  if (m.starts_with("failed to parse")) return {"ResolveError", m};
  if (e.code() == ErrorCode::invalid_input) {
    // A YAML syntax error: "<file relative to the cwd>:<line>: what".
    auto colon = m.find(':');
    return {"YAMLSyntaxError",
            "unable to read: '" + m.substr(0, colon) + "', YAML file structure is corrupted"};
  }
  return {"DvcException", m};
}

// dvc/repo/metrics/show.py `_extract_metrics`: numbers, booleans and strings survive; lists
// and nulls do not; a mapping keeps the entries that survive and is dropped when empty.
std::optional<yaml::Node> extract_metrics(const yaml::Node& n) {
  if (n.is_scalar()) {
    if (n.is_null()) return std::nullopt;
    return n;
  }
  if (!n.is_map()) return std::nullopt;
  yaml::Node out = yaml::Node::map();
  out.line = n.line;
  for (const auto& [k, v] : n.entries()) {
    auto m = extract_metrics(v);
    if (m && !(m->is_map() && m->size() == 0)) out.set(k, std::move(*m));
  }
  return out;
}

// Loads one file of a revision, falling back to the cache for DVC-tracked outputs.
class FileLoader {
 public:
  FileLoader(const RevView& view, const std::string& cwd, std::optional<std::vector<CachedOutput>> cached)
      : m_view(view), m_cwd(cwd), m_cached(std::move(cached)) {}

  Expected<yaml::Node> load(const std::string& rel) {
    auto doc = load_params_file(m_view.env, m_view.root + "/" + rel);
    if (doc || doc.error().code() != ErrorCode::not_found || !m_view.store || !m_view.cache_env) return doc;
    if (!m_cached) {
      auto files = collect_params_metrics_files(m_view.env, m_view.root, m_cwd);
      m_cached = files ? std::move(files->cached) : std::vector<CachedOutput>{};
    }
    for (const auto& c : *m_cached) {
      if (c.path != rel) continue;
      auto text = m_view.cache_env->read_file(m_view.store->path_of(c.id));
      if (!text) return doc;  // not in the cache either
      return parse_params_text(*text, m_view.root + "/" + rel);
    }
    return doc;
  }

 private:
  const RevView& m_view;
  std::string m_cwd;
  std::optional<std::vector<CachedOutput>> m_cached;
};

// try_expand_paths: a directory stands for every file below it.
Expected<std::vector<std::string>> expand(const RevView& view, const std::vector<std::string>& rels) {
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  for (const auto& rel : rels) {
    auto st = view.env->stat(view.root + "/" + rel, env::Follow::yes);
    if (!st || !*st || (*st)->type != env::FileType::directory) {
      add(rel);
      continue;
    }
    std::vector<std::string> found, stack{rel};
    while (!stack.empty()) {
      std::string dir = stack.back();
      stack.pop_back();
      auto entries = view.env->list_dir(view.root + "/" + dir);
      if (!entries) continue;
      for (const auto& e : *entries) {
        std::string child = dir + "/" + e.name;
        if (e.type == env::FileType::directory)
          stack.push_back(child);
        else
          found.push_back(child);
      }
    }
    std::sort(found.begin(), found.end());
    for (const auto& f : found) add(f);
  }
  return out;
}

std::string normalize_rel(const std::string& p) {
  std::string n = path::normalize(p);
  return n == "." ? "" : n;
}

}  // namespace

bool RevData::has_errors() const {
  if (error) return true;
  return std::any_of(files.begin(), files.end(), [](const FileData& f) { return f.error.has_value(); });
}

RevData load_params(const RevView& view, const std::optional<std::vector<std::string>>& targets,
                    const std::string& cwd, ParamsScope scope) {
  RevData rev;
  std::vector<ParamsFileKeys> wanted;
  std::optional<std::vector<CachedOutput>> cached;
  if (targets) {
    for (const auto& t : *targets) wanted.push_back({normalize_rel(t), {}});
  } else {
    auto files = collect_params_metrics_files(view.env, view.root, cwd);
    if (!files) {
      rev.error = pipeline_error(files.error());
      return rev;
    }
    wanted = std::move(scope == ParamsScope::stage_deps ? files->stage_params : files->params);
    cached = std::move(files->cached);
  }
  FileLoader loader(view, cwd, std::move(cached));
  // Every file of an expanded directory tracks the directory entry's keys.
  std::vector<ParamsFileKeys> files;
  for (const auto& w : wanted) {
    auto expanded = expand(view, {w.path});
    if (!expanded) {
      rev.error = LoadError{"DvcException", expanded.error().message()};
      return rev;
    }
    for (const auto& rel : *expanded) {
      auto it =
          std::find_if(files.begin(), files.end(), [&](const ParamsFileKeys& f) { return f.path == rel; });
      if (it == files.end())
        files.push_back({rel, w.keys});
      else
        it->keys = w.keys;
    }
  }
  for (const auto& [rel, keys] : files) {
    FileData fd{rel, std::nullopt, std::nullopt};
    auto doc = loader.load(rel);
    if (!doc) {
      fd.error = load_error(doc.error(), rel, cwd);
    } else {
      fd.data = keys.empty() ? std::move(*doc) : select_params(*doc, keys);
    }
    rev.files.push_back(std::move(fd));
  }
  return rev;
}

RevData load_metrics(const RevView& view, const std::optional<std::vector<std::string>>& targets,
                     const std::string& cwd) {
  RevData rev;
  std::vector<std::string> wanted;
  std::optional<std::vector<CachedOutput>> cached;
  if (targets) {
    for (const auto& t : *targets) wanted.push_back(normalize_rel(t));
  } else {
    auto files = collect_params_metrics_files(view.env, view.root, cwd);
    if (!files) {
      rev.error = pipeline_error(files.error());
      return rev;
    }
    wanted = std::move(files->metrics);
    cached = std::move(files->cached);
  }
  FileLoader loader(view, cwd, std::move(cached));
  auto expanded = expand(view, wanted);
  if (!expanded) {
    rev.error = LoadError{"DvcException", expanded.error().message()};
    return rev;
  }
  for (const auto& rel : *expanded) {
    FileData fd{rel, std::nullopt, std::nullopt};
    auto doc = loader.load(rel);
    if (!doc) {
      fd.error = load_error(doc.error(), rel, cwd);
    } else {
      auto m = extract_metrics(*doc);
      fd.data = m ? std::move(*m) : yaml::Node::map();
    }
    rev.files.push_back(std::move(fd));
  }
  return rev;
}

Revisions::Revisions(repo::Repository& repo) : m_repo(repo) {}
Revisions::~Revisions() = default;

Expected<repo::GitRepo*> Revisions::git() {
  if (!m_git_tried) {
    m_git_tried = true;
    auto g = repo::GitRepo::open(m_repo.root());
    if (g) m_git = std::move(*g);
  }
  if (!m_git) return make_error(ErrorCode::not_found, "not a git repository");
  return m_git.get();
}

bool Revisions::has_git() {
  return git().has_value();
}

bool Revisions::has_commits() {
  auto g = git();
  return g && (*g)->resolve("HEAD").has_value();
}

Expected<std::vector<std::string>> Revisions::branches() {
  auto g = git();
  if (!g) return std::vector<std::string>{};
  return (*g)->list_branches();
}

Expected<std::vector<std::string>> Revisions::tags() {
  auto g = git();
  if (!g) return std::vector<std::string>{};
  return (*g)->list_tags();
}

Expected<std::optional<std::string>> Revisions::current_branch() {
  auto g = git();
  if (!g) return std::optional<std::string>{};
  return (*g)->current_branch();
}

Expected<std::optional<std::string>> Revisions::resolve(const std::string& rev) {
  if (rev == "workspace") return std::optional<std::string>{};
  auto g = git();
  if (!g) return make_error(ErrorCode::not_found, "unknown Git revision '" + rev + "'");
  ASSIGN_OR_RETURN(auto commit, (*g)->resolve(rev));
  return std::optional<std::string>(commit);
}

Expected<RevView> Revisions::view(const std::string& rev) {
  ASSIGN_OR_RETURN(auto commit, resolve(rev));
  if (!commit) return RevView{m_repo.env(), m_repo.root(), &m_repo.store(), m_repo.env()};
  ASSIGN_OR_RETURN(auto* g, git());
  ASSIGN_OR_RETURN(auto tree, GitTreeEnv::open(g, *commit));
  m_envs.push_back(std::move(tree));
  return RevView{m_envs.back().get(), m_repo.root(), &m_repo.store(), m_repo.env()};
}

}  // namespace cairn::pipeline
