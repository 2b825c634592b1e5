// Bindings of the pipeline layer used by cairn.Repo: repro (with the local executor; the
// commands' output and DVC's messages go to this process's stdout/stderr) and stage_add.
// Results are plain dicts; python/cairn/repo.py shapes and documents them. Engine calls run
// with the GIL released (a repro may run for hours).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "cairn/pipeline/repro.h"
#include "cairn/pipeline/stage_add.h"
#include "cairn/repo/repository.h"

namespace cairn::python {

namespace {
using Strings = std::vector<std::string>;
}

void register_pipeline(py::module_& m) {
  m.def(
      "repro",
      [](repo::Repository& r, Strings targets, bool force, bool single_item, bool downstream, bool dry,
         bool keep_going, bool no_commit, std::size_t jobs, bool quiet) {
        pipeline::ReproOptions o;
        o.targets = std::move(targets);
        o.force = force ? repo::Force::yes : repo::Force::no;
        o.scope = single_item  ? pipeline::Scope::single_item
                  : downstream ? pipeline::Scope::downstream
                               : pipeline::Scope::with_upstream;
        o.dry = dry ? pipeline::Dry::yes : pipeline::Dry::no;
        o.on_error = keep_going ? pipeline::OnError::keep_going : pipeline::OnError::fail;
        o.commit = no_commit ? repo::Commit::no : repo::Commit::yes;
        o.jobs = jobs == 0 ? 1 : jobs;
        pipeline::StdioSink sink(quiet ? pipeline::Quiet::yes : pipeline::Quiet::no);
        pipeline::LocalExecutor exec(r.env(), sink, o.jobs > 1 ? pipeline::ChildIo::lines : pipeline::ChildIo::inherit);
        auto res = unwrap(without_gil([&] { return pipeline::reproduce(r, o, exec, sink); }));
        py::dict d;
        d["ran"] = py::cast(res.ran);
        d["unchanged"] = py::cast(res.unchanged);
        d["failed"] = py::cast(res.failed);
        d["skipped"] = py::cast(res.skipped);
        d["files_to_track"] = py::cast(res.files_to_track);
        d["error"] = res.error ? py::cast(*res.error) : py::none();
        return d;
      },
      py::arg("repo"), py::arg("targets"), py::arg("force"), py::arg("single_item"), py::arg("downstream"),
      py::arg("dry"), py::arg("keep_going"), py::arg("no_commit"), py::arg("jobs"), py::arg("quiet"),
      "Runs `repro` (pipeline/repro.h); a failed stage is reported in the result's `error`.");
  m.def(
      "stage_add",
      [](repo::Repository& r, const std::string& name, Strings command, Strings deps, Strings params, Strings outs,
         Strings outs_no_cache, Strings metrics, Strings metrics_no_cache, Strings plots,
         std::optional<std::string> wdir, bool always_changed, std::optional<std::string> desc, bool force) {
        pipeline::StageAddOptions o;
        o.name = name;
        o.command = std::move(command);
        o.deps = std::move(deps);
        o.params = std::move(params);
        o.outs = std::move(outs);
        o.outs_no_cache = std::move(outs_no_cache);
        o.metrics = std::move(metrics);
        o.metrics_no_cache = std::move(metrics_no_cache);
        o.plots = std::move(plots);
        o.wdir = std::move(wdir);
        o.always_changed = always_changed;
        o.desc = std::move(desc);
        o.force = force ? repo::Force::yes : repo::Force::no;
        auto res = unwrap(without_gil([&] { return pipeline::stage_add(r, o); }));
        py::dict d;
        d["address"] = res.address;
        d["dvc_yaml"] = res.dvc_yaml;
        d["files_to_track"] = py::cast(res.files_to_track);
        return d;
      },
      py::arg("repo"), py::arg("name"), py::arg("command"), py::arg("deps"), py::arg("params"), py::arg("outs"),
      py::arg("outs_no_cache"), py::arg("metrics"), py::arg("metrics_no_cache"), py::arg("plots"), py::arg("wdir"),
      py::arg("always_changed"), py::arg("desc"), py::arg("force"),
      "Adds or (force) overwrites a stage in the cwd's dvc.yaml (pipeline/stage_add.h).");
}

}  // namespace cairn::python
