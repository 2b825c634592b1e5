"""`params diff`, `metrics show` and `metrics diff`: cairn prints exactly what DVC 3.67.1 prints.

Twin repositories hold the same pipeline: params in YAML (params.yaml), JSON and TOML files,
metrics in JSON and YAML with nested keys, lists, booleans, strings and floats that need
rounding, several dvc.yaml files, and committed revisions (git commits in both twins).

DVC iterates Python sets when it diffs, so the order of files in a diff table and of keys in
diff JSON is arbitrary there (rows within one file are sorted). Diff tables are therefore
compared as header + sorted rows (column widths do not depend on the order) and JSON as parsed
objects; everything else byte for byte.
"""
import csv
import io
import json
import subprocess

import pytest

from conftest import make_twin

pytestmark = pytest.mark.interop

PARAMS_YAML = """\
lr: 0.001
epochs: 10
name: model
nested:
  a: 1
  b: [1, 2, "x"]
  c: {d: 0.5, e: null}
flag: true
unused: 42
"""

TRAIN_JSON = """\
{"opt": {"x": 1.23456789, "y": [1, 2], "name": "adam"}, "other": 3, "batch": 32}
"""

HYPER_TOML = """\
# model hyper-parameters
seed = 20170428

[model]
layers = [64, 32]
dropout = 0.25
activation = 'relu'

[model.optimizer]
name = "sgd"
momentum = 9e-1
"""

DVC_YAML = """\
stages:
  train:
    cmd: python train.py
    params:
    - lr
    - nested.c
    - nested.b
    - config/train.json:
      - opt
      - batch
    - hyper.toml:
    metrics:
    - metrics.json:
        cache: false
    - eval/scores.yaml:
        cache: false
metrics:
- summary.json
params:
- extra.yaml
"""

SUB_DVC_YAML = """\
stages:
  evaluate:
    cmd: python eval.py
    params:
    - threshold
    metrics:
    - sub_metrics.json:
        cache: false
"""

METRICS_JSON = {"acc": 0.912345678, "loss": 1.5, "n": 100,
                "nested": {"f1": 0.3333333333, "per_class": [0.5, 0.25], "label": "cat", "ok": True,
                           "none": None}}
SCORES_YAML = "auc: 0.87654321\nsteps: 1000\nby_split:\n  train: {p: 0.99999, r: 0.123456}\n  test: {p: 0.5}\n"
SUMMARY_JSON = {"total": 12345.678901, "ratio": 1e-07}


def write(side, rel, text):
    p = side.path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def build(side):
    write(side, "params.yaml", PARAMS_YAML)
    write(side, "config/train.json", TRAIN_JSON)
    write(side, "hyper.toml", HYPER_TOML)
    write(side, "extra.yaml", "global_seed: 7\n")
    write(side, "dvc.yaml", DVC_YAML)
    write(side, "metrics.json", json.dumps(METRICS_JSON))
    write(side, "eval/scores.yaml", SCORES_YAML)
    write(side, "summary.json", json.dumps(SUMMARY_JSON))
    write(side, "sub/dvc.yaml", SUB_DVC_YAML)
    write(side, "sub/params.yaml", "threshold: 0.5\n")
    write(side, "sub/sub_metrics.json", '{"precision": 0.7777777, "recall": 1}')


def change_workspace(side):
    write(side, "params.yaml", PARAMS_YAML.replace("lr: 0.001", "lr: 0.0001").replace('"x"', '"y"')
          .replace("d: 0.5", "d: 0.25, f: new").replace("flag: true", "flag: false").replace("a: 1", "a: 1.0"))
    write(side, "config/train.json", TRAIN_JSON.replace("1.23456789", "2.5").replace("32", "64"))
    write(side, "hyper.toml", HYPER_TOML.replace("dropout = 0.25", "dropout = 0.5").replace("[64, 32]", "[128]"))
    m = json.loads(json.dumps(METRICS_JSON))
    m.update(acc=0.95, loss=1, extra=7)
    del m["n"]
    m["nested"].update(f1=0.5, label="dog", ok=False)
    write(side, "metrics.json", json.dumps(m))
    write(side, "eval/scores.yaml", SCORES_YAML.replace("0.87654321", "0.9").replace("p: 0.5", "p: 0.625"))
    write(side, "sub/params.yaml", "threshold: 0.75\n")


@pytest.fixture
def pm_twin(tmp_path):
    t = make_twin(tmp_path, corpus=None)
    for s in t.sides:
        build(s)
        s.commit("v1")
    return t


def table_rows(text):
    """Header line + sorted rows (DVC orders files in a diff arbitrarily)."""
    lines = text.splitlines()
    if not lines:
        return []
    md = lines[0].startswith("|")
    head = lines[:2] if md else lines[:1]
    return head + sorted(lines[len(head):])


def same(t, *args, cwd=None, kind="exact", stderr=True):
    ra, rb = t.both(*args, cwd=cwd) if cwd is None else (
        t.a.run(*args, cwd=t.a.path / cwd), t.b.run(*args, cwd=t.b.path / cwd))
    assert ra.returncode == rb.returncode, f"exit codes differ\n{ra.describe()}\n{rb.describe()}"
    if kind == "json":
        assert json.loads(ra.stdout) == json.loads(rb.stdout), f"JSON differs\n{ra.describe()}\n{rb.describe()}"
    elif kind == "table":
        assert table_rows(ra.stdout) == table_rows(rb.stdout), f"table differs\n{ra.describe()}\n{rb.describe()}"
        assert ra.stdout.endswith("\n\n") == rb.stdout.endswith("\n\n")
    else:
        assert t.a.norm(ra.stdout) == t.b.norm(rb.stdout), f"stdout differs\n{ra.describe()}\n{rb.describe()}"
    if stderr:
        assert t.a.norm(ra.stderr) == t.b.norm(rb.stderr), f"stderr differs\n{ra.describe()}\n{rb.describe()}"
    return ra, rb


def test_unchanged_workspace_prints_nothing(pm_twin):
    t = pm_twin
    for cmd in (["params", "diff"], ["metrics", "diff"]):
        ra, rb = same(t, *cmd)
        assert rb.stdout == ""
        same(t, *cmd, "--json")
        ra, rb = same(t, *cmd, "--md")
        assert rb.stdout.startswith("| Path ")


def test_params_diff_workspace(pm_twin):
    t = pm_twin
    for s in t.sides:
        change_workspace(s)
    ra, rb = same(t, "params", "diff", kind="table")
    # every format contributed a change; YAML int vs float (1 vs 1.0) is not a change
    for needle in ("params.yaml", "config/train.json", "hyper.toml", "sub/params.yaml", "[1, 2, 'y']"):
        assert needle in rb.stdout
    assert "nested.a" not in rb.stdout
    same(t, "params", "diff", "--all", kind="table")
    same(t, "params", "diff", "--md", kind="table")
    same(t, "params", "diff", "--all", "--md", "--no-path", kind="table")
    ra, rb = same(t, "params", "diff", "--all", "--deps", kind="table")
    assert "extra.yaml" not in rb.stdout and "unused" not in rb.stdout
    same(t, "params", "diff", "--json", kind="json")
    same(t, "params", "diff", "--all", "--json", kind="json")


def test_toml_dates_print_like_python(pm_twin):
    """TOML dates show as Python's str() of the datetime; DVC cannot write them as JSON (it
    crashes with "Object of type datetime is not JSON serializable"), cairn writes the string."""
    t = pm_twin
    for s in t.sides:
        write(s, "hyper.toml", HYPER_TOML + "created = 1979-05-27T07:32:00Z\nday = 1979-05-27\nat = 07:32:00.5\n")
    ra, rb = same(t, "params", "diff", "--targets", "hyper.toml", kind="table")
    assert "1979-05-27 07:32:00+00:00" in rb.stdout and "07:32:00.500000" in rb.stdout
    rb = t.b.fail("params", "diff", "--targets", "hyper.toml", "--json")
    assert "not JSON serializable" in rb.stderr
    ra = t.a.ok("params", "diff", "--targets", "hyper.toml", "--json")
    assert json.loads(ra.stdout)["hyper.toml"]["model.optimizer.created"]["new"] == "1979-05-27 07:32:00+00:00"


def test_params_diff_targets(pm_twin):
    t = pm_twin
    for s in t.sides:
        change_workspace(s)
    # --targets are whole files, relative to the repository root (even from a subdirectory)
    same(t, "params", "diff", "--targets", "hyper.toml", "config/train.json", kind="table")
    same(t, "params", "diff", "--all", "--targets", "extra.yaml", kind="table")
    same(t, "params", "diff", "--json", "--targets", "params.yaml", kind="json")
    same(t, "params", "diff", "--targets", "hyper.toml", cwd="sub", kind="table")


def test_metrics_show(pm_twin):
    t = pm_twin
    ra, rb = same(t, "metrics", "show")
    assert "0.91235" in rb.stdout and "1000" in rb.stdout and "by_split.train.p" in rb.stdout
    same(t, "metrics", "show", "--md")
    same(t, "metrics", "show", "--json")
    same(t, "metrics", "show", "--precision", "2")
    same(t, "metrics", "show", "--precision", "8", "--md")
    same(t, "metrics", "show", "summary.json", "eval/scores.yaml")
    same(t, "metrics", "show", "--json", "eval")
    same(t, "metrics", "show", cwd="sub")
    same(t, "metrics", "show", "--json", cwd="eval")
    same(t, "metrics", "show", "../summary.json", cwd="eval")
    for s in t.sides:
        change_workspace(s)
    same(t, "metrics", "show")
    same(t, "metrics", "show", "--json")


def test_metrics_show_csv_is_the_table_as_csv(pm_twin):
    """DVC 3.67.1 has no --csv; cairn writes DVC's table (from --md) through Python's csv."""
    t = pm_twin
    rb = t.b.ok("metrics", "show", "--md")
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in rb.stdout.splitlines() if line.startswith("|") and not line.startswith("|--")]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    raw = subprocess.run([str(t.a.tool.binary), "metrics", "show", "--csv"], cwd=t.a.path, env=t.a.env,
                         capture_output=True, check=True).stdout
    assert raw.decode() == buf.getvalue()  # "\r\n" line ends, like csv.writer


def test_metrics_diff_workspace(pm_twin):
    t = pm_twin
    for s in t.sides:
        change_workspace(s)
    ra, rb = same(t, "metrics", "diff", kind="table")
    assert "0.03765" in rb.stdout and "-1" in rb.stdout
    same(t, "metrics", "diff", "--all", kind="table")
    same(t, "metrics", "diff", "--md", kind="table")
    same(t, "metrics", "diff", "--json", kind="json")
    same(t, "metrics", "diff", "--all", "--json", kind="json")
    same(t, "metrics", "diff", "--precision", "2", "--no-path", kind="table")
    same(t, "metrics", "diff", "--precision", "-1", kind="table")
    same(t, "metrics", "diff", "--targets", "metrics.json", kind="table")
    same(t, "metrics", "diff", "--all", cwd="sub", kind="table")


def test_committed_revisions(pm_twin):
    t = pm_twin
    for s in t.sides:
        change_workspace(s)
        s.commit("v2")
        s.git("branch", "v1", "HEAD~1")
        write(s, "summary.json", json.dumps({"total": 1, "ratio": 0.5, "new_key": 3}))
    for cmd, title in ((["params", "diff"], "Param"), (["metrics", "diff"], "Metric")):
        ra, rb = same(t, *cmd, "HEAD~1", "HEAD", kind="table")
        assert rb.stdout.startswith(f"Path ") and "HEAD~1" in rb.stdout.splitlines()[0]
        same(t, *cmd, "HEAD~1", kind="table")
        same(t, *cmd, "v1", "main", "--md", kind="table")
        same(t, *cmd, "v1", "--json", kind="json")
        same(t, *cmd, "workspace", "v1", kind="table")
        same(t, *cmd, "HEAD~1", "HEAD", "--all", kind="table")
        # two names of one commit: DVC files it under "HEAD,main" and finds nothing
        ra, rb = same(t, *cmd, "HEAD", "main", "--all")
        assert rb.stdout == ""
        # the same name twice: DVC's shared-column table (one file: its row order is fixed)
        same(t, *cmd, "HEAD", "HEAD", "--all", "--targets", "params.yaml" if title == "Param" else "metrics.json")
    same(t, "metrics", "show", "-a")
    same(t, "metrics", "show", "-a", "--json")
    for s in t.sides:
        s.git("tag", "t1", "HEAD~1")
    same(t, "metrics", "show", "-a", "-T", "--md")


def test_metrics_show_all_branches_hides_unchanged_workspace(pm_twin):
    t = pm_twin
    ra, rb = same(t, "metrics", "show", "-a")
    assert "workspace" not in rb.stdout and "main" in rb.stdout


def test_unknown_revision_and_workspace_twice(pm_twin):
    t = pm_twin
    for cmd in (["params", "diff"], ["metrics", "diff"]):
        ra, rb = same(t, *cmd, "nope")
        assert rb.returncode == 255 and "unknown Git revision 'nope'" in rb.stderr
        same(t, *cmd, "HEAD", "nope")
        same(t, *cmd, "workspace", "workspace")


def test_broken_and_missing_files(pm_twin):
    t = pm_twin
    for s in t.sides:
        write(s, "metrics.json", '{"acc": ')
        (s.path / "summary.json").unlink()
        write(s, "hyper.toml", "[model\n")
    same(t, "metrics", "show")
    same(t, "metrics", "show", "--json")
    same(t, "metrics", "show", "--json", cwd="sub")
    same(t, "metrics", "diff", kind="table")
    same(t, "metrics", "diff", "--json", kind="json")
    same(t, "params", "diff", kind="table")
    same(t, "params", "diff", "--json", kind="json")
    same(t, "metrics", "show", "nothere.json", "--json")


def test_repository_without_commits(tmp_path):
    t = make_twin(tmp_path, corpus=None)
    for s in t.sides:
        build(s)
    for cmd in (["params", "diff"], ["metrics", "diff"]):
        ra, rb = same(t, *cmd)
        assert rb.stdout == "" and rb.returncode == 0
        same(t, *cmd, "--md")
        same(t, *cmd, "--json")
    same(t, "metrics", "show")


def test_cached_metrics_are_read_from_the_cache(tmp_path):
    """A metrics output with `cache: true` is git-ignored: at a commit, and when deleted from the
    workspace, DVC reads it from the cache by the hash in dvc.lock (both twins set up by dvc)."""
    t = make_twin(tmp_path, corpus=None)
    cmd = 'echo "{\\"a\\": 1.25, \\"b\\": {\\"c\\": 3}}" > cached.json; echo "{\\"d\\": 2}" > plain.json'
    for s in t.sides:
        dvc = s.run_other if s.name == "cairn" else s.run
        assert dvc("stage", "add", "-n", "s", "-m", "cached.json", "-M", "plain.json", cmd).returncode == 0
        assert dvc("repro").returncode == 0
        s.commit("v1")
        write(s, "cached.json", '{"a": 2.5, "b": {"c": 3}}')
    same(t, "metrics", "diff", kind="table")
    same(t, "metrics", "diff", "--all", "--json", kind="json")
    for s in t.sides:
        (s.path / "cached.json").unlink()
    same(t, "metrics", "show")
    same(t, "metrics", "show", "--json")
    same(t, "metrics", "diff", "--all", kind="table")


def test_foreach_stages_and_interpolated_paths(tmp_path):
    t = make_twin(tmp_path, corpus=None)
    dvc_yaml = """\
vars:
- folds: [a, b]
stages:
  fold:
    foreach: ${folds}
    do:
      cmd: echo ${item}
      params:
      - fold.${item}.k
      metrics:
      - out/${item}.json:
          cache: false
"""
    for s in t.sides:
        write(s, "dvc.yaml", dvc_yaml)
        write(s, "params.yaml", "fold:\n  a: {k: 1, other: 5}\n  b: {k: 2}\n")
        write(s, "out/a.json", '{"score": 0.123456789}')
        write(s, "out/b.json", '{"score": 0.5}')
        s.commit("v1")
        write(s, "params.yaml", "fold:\n  a: {k: 10, other: 6}\n  b: {k: 2}\n")
        write(s, "out/b.json", '{"score": 0.75}')
    same(t, "metrics", "show")
    same(t, "metrics", "diff", kind="table")
    same(t, "params", "diff", "--all", kind="table")


def test_broken_dvc_yaml_fails_the_revision(pm_twin):
    t = pm_twin
    for s in t.sides:
        write(s, "sub/dvc.yaml", "stages:\n  evaluate:\n    cmd: [\n")
    same(t, "metrics", "show")
    same(t, "metrics", "show", "--json")
    same(t, "metrics", "diff", "--json", kind="json")
    same(t, "params", "diff", "--json", kind="json")
    for s in t.sides:
        write(s, "sub/dvc.yaml", "stages:\n  evaluate:\n    cmd: echo\n    bogus: 1\n")
    same(t, "metrics", "show", "--json")
    same(t, "params", "diff", kind="table")
