#include "cairn/pipeline/repro.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <numeric>
#include <set>

#include "cairn/pipeline/dvc_yaml.h"
#include "cairn/pipeline/graph.h"
#include "cairn/pipeline/index.h"
#include "cairn/pipeline/stage_state.h"
#include "cairn/pipeline/stage_status.h"
#include "cairn/pipeline/targets.h"
#include "cairn/repo/git_repo.h"
#include "cairn/repo/gitignore.h"
#include "cairn/repo/workspace_hasher.h"
#include "cairn/util/path.h"

namespace cairn::pipeline {

namespace {

std::mutex g_active_mu;
Scheduler* g_active_scheduler = nullptr;
Executor* g_active_executor = nullptr;
bool g_cancel_requested = false;

std::string cwd_rel_of(repo::Repository& repo) {
  if (!path::is_within(repo.cwd(), repo.root())) return "";
  std::string r = path::relative(repo.cwd(), repo.root());
  return r == "." ? "" : r;
}

bool overlaps(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (b.size() > a.size() && b.compare(0, a.size(), a) == 0 && b[a.size()] == '/') return true;
  if (a.size() > b.size() && a.compare(0, b.size(), b) == 0 && a[b.size()] == '/') return true;
  return false;
}

}  // namespace

bool stages_conflict(const Stage& x, const Stage& y) {
  auto touches = [](const Stage& writer, const Stage& other) {
    for (const auto& o : writer.outs) {
      for (const auto& d : other.deps)
        if (overlaps(o.path, d.path)) return true;
      for (const auto& p : other.params)
        if (overlaps(o.path, p.path)) return true;
      for (const auto& o2 : other.outs)
        if (overlaps(o.path, o2.path)) return true;
    }
    return false;
  };
  return touches(x, y) || touches(y, x);
}

namespace {

// networkx dfs_postorder_nodes over the nodes in `member` (in node order), edges in order.
std::vector<std::size_t> postorder_within(const StageGraph& g, const std::vector<bool>& member) {
  std::vector<std::size_t> roots(g.nodes.size());
  std::iota(roots.begin(), roots.end(), 0);
  return g.postorder_from(roots, &member);
}

// Nodes reached from `from` following edges (forward: dependencies; reverse: dependents),
// `from` included.
std::vector<bool> reach(const StageGraph& g, const std::vector<std::size_t>& from, bool reverse) {
  std::vector<std::vector<std::size_t>> preds;
  if (reverse) {
    preds.assign(g.nodes.size(), {});
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
      for (auto s : g.successors[i]) preds[s].push_back(i);
  }
  const auto& adj = reverse ? preds : g.successors;
  std::vector<bool> seen(g.nodes.size(), false);
  std::vector<std::size_t> stack(from.begin(), from.end());
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    if (seen[n]) continue;
    seen[n] = true;
    for (auto m : adj[n])
      if (!seen[m]) stack.push_back(m);
  }
  return seen;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// humanize.join over quoted names.
std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += (i + 1 == names.size()) ? " and " : ", ";
    out += quoted(names[i]);
  }
  return out;
}

class ReproRun {
 public:
  ReproRun(repo::Repository& repo, const ReproOptions& options, Executor& executor, OutputSink& sink,
           Index& index, const StageGraph& graph, std::vector<std::size_t> plan)
      : m_repo(repo), m_opt(options), m_exec(executor), m_sink(sink), m_index(index), m_graph(graph),
        m_plan(std::move(plan)), m_cwd(cwd_rel_of(repo)) {}

  Outcome work(std::size_t task);
  ReproResult finish(const std::vector<TaskState>& states, bool interrupted);

 private:
  const Stage& stage_of(std::size_t task) const { return *m_graph.nodes[m_plan[task]]; }
  std::string address(const Stage& s) const { return stage_address(s, m_cwd); }
  std::string shown(const std::string& repo_rel) const {
    return m_repo.rel_to_cwd(path::join(m_repo.root(), repo_rel));
  }
  const LockEntry* lock_entry(const Stage& s) const {
    auto it = m_fresh.find(&s);
    if (it != m_fresh.end()) return &it->second;
    return m_index.lock_entry(s);
  }
  Outcome fail(std::size_t task, const std::string& why);
  // Under m_mu: decides whether the stage runs and prepares it (prints, removes outputs);
  // an Outcome when the stage is done (unchanged, dry run), nullopt to go on.
  Expected<std::optional<Outcome>> before_run(std::size_t task, bool& run_command);
  Status record(const Stage& s);
  Status relink_outputs(WorkspaceState& ws, const Stage& s);
  Status remove_outs(const Stage& s);
  Status check_outputs_exist(const Stage& s);

  repo::Repository& m_repo;
  const ReproOptions& m_opt;
  Executor& m_exec;
  OutputSink& m_sink;
  Index& m_index;
  const StageGraph& m_graph;
  std::vector<std::size_t> m_plan;
  std::string m_cwd;

  std::mutex m_mu;  // guards everything below, the repository caches and lock-file writes
  bool m_last_ran = false;
  std::map<const Stage*, LockEntry> m_fresh;
  std::vector<std::string> m_gitignored;  // outputs whose .gitignore entry this run added
  std::set<std::string> m_track;
  std::vector<std::pair<std::size_t, std::string>> m_errors;  // task, message
};

Status ReproRun::remove_outs(const Stage& s) {
  for (const auto& o : s.outs) {
    if (o.persist) continue;  // DVC unprotects persistent outputs; copies need nothing
    TRY_STATUS(m_repo.env()->remove_tree(path::join(m_repo.root(), o.path)));
  }
  return ok();
}

Status ReproRun::check_outputs_exist(const Stage& s) {
  std::vector<std::string> missing;
  for (const auto& o : s.outs) {
    ASSIGN_OR_RETURN(bool e, m_repo.env()->exists(path::join(m_repo.root(), o.path)));
    if (!e) missing.push_back(shown(o.path));
  }
  if (missing.empty()) return ok();
  std::string msg = std::string("missing data '") + (missing.size() > 1 ? "sources" : "source") + "': ";
  for (std::size_t i = 0; i < missing.size(); ++i) msg += (i ? ", " : "") + missing[i];
  return make_error(ErrorCode::not_found, msg);
}

// DVC's Output.commit(relink=True): with cache.type hardlink or symlink first, the committed
// workspace files are replaced by links to their cache objects (reflink/copy leave the
// just-hashed files as they are: same bytes, nothing to gain).
Status ReproRun::relink_outputs(WorkspaceState& ws, const Stage& s) {
  ASSIGN_OR_RETURN(auto types, m_repo.link_types());
  if (types.empty() || (types[0] != cache::LinkType::hardlink && types[0] != cache::LinkType::symlink)) return ok();
  cache::Linker linker(m_repo.env(), types);
  for (const auto& o : s.outs) {
    if (!o.cache) continue;
    ASSIGN_OR_RETURN(const repo::OutputState* st, ws.item(o.path, HashMode::md5, repo::Insert::yes));
    std::string abs = path::join(m_repo.root(), o.path);
    auto link_one = [&](const std::string& target, const std::string& md5, std::uint64_t size, bool exec) -> Status {
      object::ObjectId id{md5, object::HashName::md5};
      std::string obj = m_repo.store().path_of(id);
      ASSIGN_OR_RETURN(bool linked, linker.is_linked(obj, target));
      if (linked) return ok();
      return linker.link(obj, target, size, exec ? cache::Executable::yes : cache::Executable::no);
    };
    if (!st->is_dir) {
      TRY_STATUS(link_one(abs, std::string(st->id.digest()), st->size, st->isexec));
      continue;
    }
    ASSIGN_OR_RETURN(object::Tree tree, m_repo.store().read_tree(st->id));
    for (const auto& e : tree.entries()) {
      std::string target = path::join(abs, e.relpath);
      ASSIGN_OR_RETURN(auto fst, m_repo.env()->stat(target, env::Follow::yes));
      if (!fst) continue;
      TRY_STATUS(link_one(target, e.md5, fst->size, fst->is_exec()));
    }
  }
  return ok();
}

// Computes and writes the stage's new state (the caller holds m_mu).
Status ReproRun::record(const Stage& s) {
  repo::Insert insert = m_opt.commit == repo::Commit::yes ? repo::Insert::yes : repo::Insert::no;
  if (s.kind == StageKind::dvc_file) {
    repo::CommitOptions co;
    co.targets = {path::join(m_repo.root(), s.file)};
    co.force = repo::Force::yes;
    ASSIGN_OR_RETURN(repo::AddResult r, repo::commit(m_repo, co));
    for (auto& f : r.files_to_track) m_track.insert(f);
    return ok();
  }
  WorkspaceState ws(m_repo, 0);
  ASSIGN_OR_RETURN(LockEntry entry, compute_stage_state(ws, s, insert));
  if (insert == repo::Insert::yes) TRY_STATUS(relink_outputs(ws, s));
  if (m_repo.scm() == repo::Scm::git) {
    for (const auto& o : s.outs) {
      if (!o.cache || o.path.starts_with("../")) continue;
      ASSIGN_OR_RETURN(bool changed, repo::add_gitignore_entry(m_repo.env(), m_repo.root(), o.path));
      if (changed) {
        m_gitignored.push_back(o.path);
        m_track.insert(m_repo.rel_to_cwd(path::join(path::parent(path::join(m_repo.root(), o.path)), ".gitignore")));
      }
    }
  }
  std::string lock_abs = lock_path_for(path::join(m_repo.root(), s.file));
  ASSIGN_OR_RETURN(auto st, m_repo.env()->stat(lock_abs, env::Follow::yes));
  bool fresh_file = !st || st->size == 0;
  if (fresh_file) m_sink.info("Generating lock file '" + m_repo.rel_to_cwd(lock_abs) + "'");
  m_repo.env()->crash_point("repro.before_lock");
  ASSIGN_OR_RETURN(repo::Written w, write_lock_entry(m_repo, s, entry));
  if (w == repo::Written::yes) {
    m_sink.info("Updating lock file '" + m_repo.rel_to_cwd(lock_abs) + "'");
    m_track.insert(m_repo.rel_to_cwd(lock_abs));
  }
  m_fresh[&s] = std::move(entry);
  return ok();
}

Outcome ReproRun::fail(std::size_t task, const std::string& why) {
  std::lock_guard lock(m_mu);
  m_errors.emplace_back(task, why);
  if (m_opt.on_error == OnError::keep_going) {
    m_sink.warning(why);
    if (m_opt.scope != Scope::single_item) {
      auto down = reach(m_graph, {m_plan[task]}, true);
      std::vector<bool> without(down);
      without[m_plan[task]] = false;
      std::vector<std::string> names;
      for (auto n : postorder_within(m_graph, without)) names.push_back(address(*m_graph.nodes[n]));
      if (!names.empty())
        m_sink.warning(std::string(names.size() > 1 ? "Stages " : "Stage ") + join_names(names) +
                       " will be skipped due to this failure");
    }
  }
  return Outcome::failed;
}

Expected<std::optional<Outcome>> ReproRun::before_run(std::size_t task, bool& run_command) {
  const Stage& s = stage_of(task);
  std::string addr = address(s);
  run_command = false;
  if (m_last_ran) m_sink.info("");
  m_last_ran = false;
  if (s.frozen && s.kind == StageKind::pipeline)
    m_sink.warning("stage: " + quoted(addr) + " is frozen. Its dependencies are not going to be reproduced.");
  if (m_opt.force == repo::Force::no) {
    WorkspaceState ws(m_repo, 0);
    ASSIGN_OR_RETURN(StageStatus st, stage_status(ws, s, lock_entry(s)));
    if (!stage_changed(s, st)) {
      if (s.kind == StageKind::dvc_file) m_sink.info(quoted(addr) + " didn't change, skipping");
      else m_sink.info("Stage " + quoted(addr) + " didn't change, skipping");
      return std::optional<Outcome>(Outcome::unchanged);
    }
  }
  if (s.kind == StageKind::dvc_file && s.dvc_file && !s.dvc_file->deps.empty())
    return make_error(ErrorCode::invalid_input, "import stage " + quoted(addr) +
                                                    " changed; bring it up to date with `cairn update " + addr + "`");
  bool has_cmd = s.kind == StageKind::pipeline && !s.cmd.is_null();
  if (has_cmd && !s.frozen) run_command = true;
  if (m_opt.dry == Dry::yes) {
    if (run_command) {
      m_sink.info("Running stage " + quoted(addr) + ":");
      for (const auto& c : stage_commands(s)) m_sink.info("> " + c);
    }
    m_last_ran = true;
    return std::optional<Outcome>(Outcome::ran);
  }
  if (run_command) {
    if (m_opt.force == repo::Force::no) {
      // DVC's save_deps before running: every dependency must exist.
      WorkspaceState ws(m_repo, 0);
      for (const auto& d : s.deps) {
        ASSIGN_OR_RETURN(const repo::OutputState* item, ws.item(d.path, HashMode::md5));
        if (!item->exists)
          return make_error(ErrorCode::not_found, "dependency " + quoted(shown(d.path)) + " does not exist");
      }
    }
    TRY_STATUS(remove_outs(s));
    m_sink.info("Running stage " + quoted(addr) + ":");
  } else if (s.kind == StageKind::dvc_file) {
    m_sink.info("Verifying data sources in stage: " + quoted(addr));
  } else {
    m_sink.info("Verifying outputs in frozen stage: " + quoted(addr));
  }
  return std::optional<Outcome>{};
}

Outcome ReproRun::work(std::size_t task) {
  const Stage& s = stage_of(task);
  std::string addr = address(s);
  bool run_command = false;
  {
    std::unique_lock lock(m_mu);
    auto early = before_run(task, run_command);
    if (!early) {
      lock.unlock();
      return fail(task, early.error().message());
    }
    if (*early) return **early;
  }
  if (run_command) {
    ExecRequest req{&s, addr, m_repo.root()};
    auto ran = m_exec.run(req);
    if (!ran) return fail(task, ran.error().message());
  }
  std::unique_lock lock(m_mu);
  if (!run_command) {
    auto exist = check_outputs_exist(s);
    if (!exist) {
      lock.unlock();
      return fail(task, exist.error().message());
    }
  }
  auto rec = record(s);
  if (!rec) {
    lock.unlock();
    return fail(task, rec.error().message());
  }
  m_last_ran = true;
  return Outcome::ran;
}

ReproResult ReproRun::finish(const std::vector<TaskState>& states, bool interrupted) {
  ReproResult r;
  r.interrupted = interrupted;
  for (std::size_t t = 0; t < states.size(); ++t) {
    std::string a = address(stage_of(t));
    switch (states[t]) {
      case TaskState::ran: r.ran.push_back(a); break;
      case TaskState::unchanged: r.unchanged.push_back(a); break;
      case TaskState::failed: r.failed.push_back(a); break;
      case TaskState::blocked: r.skipped.push_back(a); break;
      case TaskState::not_started: break;
    }
  }
  if (!m_errors.empty() || interrupted) {
    // DVC's scm_context: undo the .gitignore entries of a failed command.
    for (const auto& p : m_gitignored) (void)repo::remove_gitignore_entry(m_repo.env(), m_repo.root(), p);
    if (interrupted) {
      r.error = "interrupted by the user";
    } else if (m_opt.on_error == OnError::fail) {
      auto& [task, why] = m_errors.front();
      r.error = "failed to reproduce " + quoted(address(stage_of(task))) + ": " + why;
    } else {
      std::vector<std::string> names;
      for (auto& [task, why] : m_errors) names.push_back(address(stage_of(task)));
      r.error = std::string("failed to reproduce") + (names.size() > 1 ? " stages: " : " ") + join_names(names);
    }
    return r;
  }
  r.files_to_track.assign(m_track.begin(), m_track.end());
  auto autostage = m_repo.config().get_bool("core", "autostage");
  if (m_repo.scm() == repo::Scm::git && autostage && autostage->value_or(false) && !r.files_to_track.empty()) {
    if (auto git = repo::GitRepo::open(m_repo.root())) {
      std::vector<std::string> abs_paths;
      for (const auto& f : r.files_to_track) abs_paths.push_back(m_repo.abs(f));
      if ((*git)->add(abs_paths)) r.files_to_track.clear();
    }
  }
  return r;
}

}  // namespace

void cancel_reproduce() {
  std::lock_guard lock(g_active_mu);
  g_cancel_requested = true;
  if (g_active_scheduler) g_active_scheduler->cancel();
  if (g_active_executor) g_active_executor->cancel();
}

Expected<ReproResult> reproduce(repo::Repository& repo, const ReproOptions& options, Executor& executor,
                                OutputSink& sink) {
  {
    std::lock_guard lock(g_active_mu);
    g_cancel_requested = false;  // a cancel of an earlier run (same process) does not carry over
  }
  ASSIGN_OR_RETURN(Index index, collect_index(repo));
  std::vector<std::string> targets = options.targets;
  if (targets.empty()) targets.push_back("dvc.yaml");
  ASSIGN_OR_RETURN(std::vector<TargetStage> selected, resolve_targets(repo, index, targets));
  std::string cwd = cwd_rel_of(repo);
  std::vector<const Stage*> all;
  for (const auto& s : index.stages) all.push_back(&s);
  ASSIGN_OR_RETURN(StageGraph full, build_graph(all, cwd));
  for (const auto& w : index.warnings) sink.warning(w);
  // DVC's get_active_graph: a frozen stage is cut from what it depends on.
  StageGraph graph = full;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (graph.nodes[i]->frozen) graph.successors[i].clear();

  std::vector<std::size_t> sources;
  for (const auto& t : selected)
    if (std::find(sources.begin(), sources.end(), t.stage) == sources.end()) sources.push_back(t.stage);

  std::vector<std::size_t> plan;
  if (options.scope == Scope::single_item) {
    plan = sources;
  } else {
    auto member = reach(graph, sources, options.scope == Scope::downstream);
    plan = postorder_within(graph, member);
  }

  SchedulePlan sp;
  sp.prereqs.assign(plan.size(), {});
  sp.conflicts.assign(plan.size(), {});
  std::map<std::size_t, std::size_t> task_of;
  for (std::size_t t = 0; t < plan.size(); ++t) task_of[plan[t]] = t;
  if (options.scope != Scope::single_item)
    for (std::size_t t = 0; t < plan.size(); ++t)
      for (auto succ : graph.successors[plan[t]])
        if (auto it = task_of.find(succ); it != task_of.end()) sp.prereqs[t].push_back(it->second);
  if (options.jobs > 1)
    for (std::size_t a = 0; a < plan.size(); ++a)
      for (std::size_t b = a + 1; b < plan.size(); ++b)
        if (stages_conflict(*graph.nodes[plan[a]], *graph.nodes[plan[b]])) {
          sp.conflicts[a].push_back(b);
          sp.conflicts[b].push_back(a);
        }

  ReproRun run(repo, options, executor, sink, index, graph, plan);
  Scheduler scheduler(sp, options.jobs, options.on_error);
  {
    std::lock_guard lock(g_active_mu);
    g_active_scheduler = &scheduler;
    g_active_executor = &executor;
    if (g_cancel_requested) scheduler.cancel();
  }
  auto states = scheduler.run([&](std::size_t t) { return run.work(t); });
  bool interrupted;
  {
    std::lock_guard lock(g_active_mu);
    g_active_scheduler = nullptr;
    g_active_executor = nullptr;
    interrupted = g_cancel_requested;
  }
  return run.finish(states, interrupted);
}

}  // namespace cairn::pipeline
