"""`cairn repro` against the real DVC.

* interop on the pipeline corpus (linear, diamond, foreach/matrix, params in YAML/JSON/TOML, dir
  outputs, `cache: false` metrics): after `cairn repro` on one twin and `dvc repro` on the
  other, dvc.lock and .gitignore are byte-identical, the same stages ran in the same order,
  `dvc status` is clean on cairn's twin and `cairn status` on DVC's;
* -f, -s, --downstream, --dry, --no-commit as DVC;
* a failing stage with and without -k: DVC's messages and exit code, lock entry untouched,
  dependents skipped;
* kill -9 in the middle of `repro -j 2`, then `repro`: finished stages do not rerun;
* -j 2 runs two `sleep 1` stages in < 1.8 s, -j 1 takes >= 2 s;
* bad pipelines: one error, DVC's exit code, nothing runs or changes.
"""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from conftest import make_git_repo, norm
from test_pipeline_interop import BAD, CORPUS, _full_snapshot, _pipeline_repo, _write_files

pytestmark = pytest.mark.interop

UP_TO_DATE = "Data and pipelines are up to date.\n"


def _twins(tmp_path, tool_env, dvc, name):
    a = _pipeline_repo(tmp_path / "c", tool_env, dvc, name)
    b = _pipeline_repo(tmp_path / "d", tool_env, dvc, name)
    return a, b


def _running(stdout: str) -> list:
    return [l for l in stdout.splitlines() if l.startswith(("Running stage", "> ", "Stage '"))]


def _cache_files(repo: Path) -> set:
    c = repo / ".dvc" / "cache"
    return {str(p.relative_to(c)) for p in c.rglob("*") if p.is_file()} if c.exists() else set()


def _read(p: Path) -> bytes:
    return p.read_bytes() if p.exists() else b""


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_repro_matches_dvc(tmp_path, tool_env, cairn, dvc, name):
    mine, theirs = _twins(tmp_path, tool_env, dvc, name)
    rc = cairn.run("repro", cwd=mine, ok=True)
    rd = dvc.run("repro", cwd=theirs, ok=True)
    assert _running(rc.stdout) == _running(rd.stdout), (rc.describe(), rd.describe())
    assert "Generating lock file 'dvc.lock'" in rc.stdout
    assert _read(mine / "dvc.lock") == _read(theirs / "dvc.lock")
    assert _read(mine / ".gitignore") == _read(theirs / ".gitignore")
    # DVC's run-cache (not implemented by cairn) adds `runs/` and the objects of uncached
    # metrics; every object cairn stores DVC stores too.
    assert _cache_files(mine) and _cache_files(mine) <= _cache_files(theirs)
    # Each tool agrees the other's result is up to date.
    assert dvc.run("status", cwd=mine, ok=True).stdout == UP_TO_DATE
    assert cairn.run("status", cwd=theirs, ok=True).stdout == UP_TO_DATE
    again = cairn.run("repro", cwd=mine, ok=True)
    assert "Running stage" not in again.stdout
    assert again.stdout.endswith(UP_TO_DATE)
    assert all(l.endswith("didn't change, skipping") for l in again.stdout.splitlines()[:-1])
    # An edit: both rerun the same stages and still write the same lock.
    spec = CORPUS[name]
    if "param" in spec:
        f, old, new = spec["param"]
        for r in (mine, theirs):
            (r / f).write_text((r / f).read_text().replace(old, new))
    elif "dep" in spec:
        for r in (mine, theirs):
            (r / spec["dep"]).write_text("changed\n")
    rc = cairn.run("repro", cwd=mine, ok=True)
    rd = dvc.run("repro", cwd=theirs, ok=True)
    assert _running(rc.stdout) == _running(rd.stdout), (rc.describe(), rd.describe())
    assert _read(mine / "dvc.lock") == _read(theirs / "dvc.lock")
    assert dvc.run("status", cwd=mine, ok=True).stdout == UP_TO_DATE


LINEAR3 = """\
stages:
  a:
    cmd: cp in a.txt
    deps: [in]
    outs: [a.txt]
  b:
    cmd:
    - cat a.txt > b.txt
    - echo "$DVC_STAGE $(basename $DVC_ROOT)" >> b.txt
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: cat b.txt > c.txt
    deps: [b.txt]
    outs: [c.txt]
  other:
    cmd: echo other > o.txt
    outs: [o.txt]
"""


def _linear_twins(tmp_path, tool_env, dvc, text=LINEAR3):
    out = []
    for side in ("c", "d"):
        r = make_git_repo(tmp_path / side / "r", tool_env)
        dvc.run("init", "-q", cwd=r, ok=True)
        _write_files(r, {"in": "input\n", "dvc.yaml": text})
        out.append(r)
    return out


def test_flags_match_dvc(tmp_path, tool_env, cairn, dvc):
    mine, theirs = _linear_twins(tmp_path, tool_env, dvc)
    for args in (["repro"], ["repro", "-f", "b"], ["repro", "-s", "-f", "b"], ["repro", "-f", "--downstream", "b"],
                 ["repro", "c"], ["repro", "--dry", "-f", "c"]):
        rc = cairn.run(*args, cwd=mine, ok=True)
        rd = dvc.run(*args, cwd=theirs, ok=True)
        # DVC may restore from its run-cache ("is cached - skipping run") where cairn runs.
        want = [l.replace("is cached - skipping run, checking out outputs", "RUN")
                for l in rd.stdout.splitlines() if l.startswith(("Running stage", "Stage '"))]
        got = [l for l in rc.stdout.splitlines() if l.startswith(("Running stage", "Stage '"))]
        assert [w.split(" ")[1] for w in want] == [g.split(" ")[1] for g in got], (args, rc.describe(), rd.describe())
        assert _read(mine / "dvc.lock") == _read(theirs / "dvc.lock"), args
    # b's command sees DVC_STAGE and DVC_ROOT as DVC sets them.
    assert (mine / "b.txt").read_text() == "input\nb r\n"
    # --dry changed nothing and printed the commands.
    before = _full_snapshot(mine)
    dry = cairn.run("repro", "--dry", "-f", cwd=mine, ok=True)
    assert "> cp in a.txt\n" in dry.stdout and '> cat a.txt > b.txt\n' in dry.stdout
    assert _full_snapshot(mine) == before


def test_no_commit_matches_dvc(tmp_path, tool_env, cairn, dvc):
    mine, theirs = _linear_twins(tmp_path, tool_env, dvc)
    cairn.run("repro", "--no-commit", cwd=mine, ok=True)
    dvc.run("repro", "--no-commit", cwd=theirs, ok=True)
    assert _read(mine / "dvc.lock") == _read(theirs / "dvc.lock")
    assert _cache_files(mine) == set()
    st = dvc.run("status", "--json", cwd=mine, ok=True)
    assert "not in cache" in st.stdout


FAILING = """\
stages:
  a:
    cmd: cp in a.txt
    deps: [in]
    outs: [a.txt]
  bad:
    cmd: echo partial > bad.txt; echo out; exit 3
    deps: [a.txt]
    outs: [bad.txt]
  after:
    cmd: cp bad.txt after.txt
    deps: [bad.txt]
    outs: [after.txt]
  indep:
    cmd: echo i > i.txt
    outs: [i.txt]
"""


@pytest.mark.parametrize("keep_going", [False, True])
def test_failing_stage_matches_dvc(tmp_path, tool_env, cairn, dvc, keep_going):
    mine, theirs = _linear_twins(tmp_path, tool_env, dvc, FAILING)
    args = ["repro"] + (["-k"] if keep_going else [])
    rc = cairn.run(*args, cwd=mine)
    rd = dvc.run(*args, cwd=theirs)
    assert rc.returncode == rd.returncode == 255, (rc.describe(), rd.describe())
    assert norm(rc.stderr) == norm(rd.stderr), (rc.describe(), rd.describe())
    assert _running(rc.stdout) == _running(rd.stdout)
    assert _read(mine / "dvc.lock") == _read(theirs / "dvc.lock")
    lock = yaml.safe_load((mine / "dvc.lock").read_text())
    assert "bad" not in lock["stages"] and "after" not in lock["stages"]
    assert ("indep" in lock["stages"]) == keep_going
    assert not (mine / "after.txt").exists()
    # The failed stage's partial output was not committed.
    assert "partial" not in "".join(p.read_text() for p in (mine / ".dvc" / "cache").rglob("*") if p.is_file())
    assert _read(mine / ".gitignore") == _read(theirs / ".gitignore")


def _kill_repo(tmp_path, tool_env, dvc, n=6):
    r = make_git_repo(tmp_path / "k", tool_env)
    dvc.run("init", "-q", cwd=r, ok=True)
    lines = ["stages:"]
    for i in range(n):
        lines += [f"  s{i}:", f"    cmd: sleep 0.{3 + i % 3} && echo {i} > o{i}.txt", f"    outs: [o{i}.txt]"]
    lines += ["  last:", "    cmd: cat " + " ".join(f"o{i}.txt" for i in range(n)) + " > all.txt",
              "    deps: [" + ", ".join(f"o{i}.txt" for i in range(n)) + "]", "    outs: [all.txt]"]
    (r / "dvc.yaml").write_text("\n".join(lines) + "\n")
    return r


def test_kill_9_mid_parallel_repro_then_rerun(tmp_path, tool_env, cairn, dvc):
    r = _kill_repo(tmp_path, tool_env, dvc)
    p = cairn.popen("repro", "-j", "2", cwd=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    # Wait until at least two stages are recorded, then kill -9 while others run.
    while time.time() < deadline:
        lock = r / "dvc.lock"
        if lock.exists():
            doc = yaml.safe_load(lock.read_text())  # always valid YAML (atomic writes)
            if doc and len(doc.get("stages", {})) >= 2:
                break
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=30)
    time.sleep(1.0)  # orphaned children finish
    done = set(yaml.safe_load((r / "dvc.lock").read_text())["stages"])
    assert 2 <= len(done) < 7
    rerun = cairn.run("repro", cwd=r, ok=True)
    ran = {l.split("'")[1] for l in rerun.stdout.splitlines() if l.startswith("Running stage")}
    assert not (ran & done), rerun.describe()
    assert "last" in ran
    assert dvc.run("status", cwd=r, ok=True).stdout == UP_TO_DATE
    assert yaml.safe_load((r / "dvc.lock").read_text())["stages"].keys() == {f"s{i}" for i in range(6)} | {"last"}


def test_parallel_sleep_stages(tmp_path, tool_env, cairn, dvc):
    r = make_git_repo(tmp_path / "p", tool_env)
    dvc.run("init", "-q", cwd=r, ok=True)
    (r / "dvc.yaml").write_text("stages:\n"
                                "  one:\n    cmd: sleep 1 && echo 1 > one.txt\n    outs: [one.txt]\n"
                                "  two:\n    cmd: sleep 1 && echo 2 > two.txt\n    outs: [two.txt]\n")
    t0 = time.monotonic()
    rp = cairn.run("repro", "-j", "2", cwd=r, ok=True)
    parallel = time.monotonic() - t0
    assert parallel < 1.8, rp.describe()
    t0 = time.monotonic()
    cairn.run("repro", "-f", "-j", "1", cwd=r, ok=True)
    sequential = time.monotonic() - t0
    assert sequential >= 2.0
    assert dvc.run("status", cwd=r, ok=True).stdout == UP_TO_DATE


def test_parallel_output_is_line_wise(tmp_path, tool_env, cairn, dvc):
    r = make_git_repo(tmp_path / "l", tool_env)
    dvc.run("init", "-q", cwd=r, ok=True)
    cmd = "for i in 1 2 3 4 5 6 7 8 9 10; do printf '{n}-%s-' $i; sleep 0.01; echo end; done > /dev/stderr; touch {n}"
    (r / "dvc.yaml").write_text("stages:\n" + "".join(
        f"  {n}:\n    cmd: \"{cmd.format(n=n)}\"\n    outs: [{n}]\n" for n in ("x", "y", "z")))
    res = cairn.run("repro", "-j", "3", cwd=r, ok=True)
    lines = [l for l in res.stderr.splitlines() if l]
    assert len(lines) == 30, res.describe()
    for l in lines:
        assert l[0] in "xyz" and l.endswith("-end") and l.count("-") == 2, l


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_pipelines_nothing_runs(tmp_path, tool_env, cairn, dvc, case):
    repo = make_git_repo(tmp_path / "r", tool_env)
    dvc.run("init", "-q", cwd=repo, ok=True)
    (repo / "dvc.yaml").write_text(BAD[case])
    before = _full_snapshot(repo)
    rc, rd = cairn.run("repro", cwd=repo), dvc.run("repro", cwd=repo)
    assert rc.returncode == rd.returncode != 0, (rc.describe(), rd.describe())
    assert "Running stage" not in rc.stdout
    assert _full_snapshot(repo) == before
    first_c, first_d = norm(rc.stderr).splitlines()[0], norm(rd.stderr).splitlines()[0]
    if case == "cycle":
        assert first_c.startswith("ERROR: Same item(s) are defined as both a dependency and an output in stages: ")
    elif case in ("duplicate_outs", "overlapping_outs", "bad_reference", "bad_expression"):
        assert first_c == first_d, (rc.describe(), rd.describe())
    else:
        assert first_c.startswith("ERROR: './dvc.yaml' validation failed")


def test_sigterm_stops_children(tmp_path, tool_env, cairn, dvc):
    r = make_git_repo(tmp_path / "t", tool_env)
    dvc.run("init", "-q", cwd=r, ok=True)
    (r / "dvc.yaml").write_text("stages:\n  long:\n    cmd: sleep 30 && touch done\n    outs: [done]\n")
    p = cairn.popen("repro", cwd=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    assert time.monotonic() - t0 < 5
    assert p.returncode != 0
    assert "interrupted" in err
    assert not (r / "dvc.lock").exists()


def test_hardlink_cache_type_relinks_outputs(tmp_path, tool_env, cairn, dvc):
    """As DVC's commit(relink=True): with cache.type hardlink the committed outputs (file and
    every file of a directory) become hardlinks to their cache objects."""
    r = make_git_repo(tmp_path / "h", tool_env)
    dvc.run("init", "-q", cwd=r, ok=True)
    dvc.run("config", "cache.type", "hardlink", cwd=r, ok=True)
    _write_files(r, {"in/a": "a\n", "in/b": "b\n", "dvc.yaml": (
        "stages:\n  d:\n    cmd: rm -rf out && cp -r in out && echo x > f.txt\n"
        "    deps: [in]\n    outs: [out, f.txt]\n")})
    cairn.run("repro", cwd=r, ok=True)
    for p in ("out/a", "out/b", "f.txt"):
        assert os.stat(r / p).st_nlink == 2, p
    assert dvc.run("status", cwd=r, ok=True).stdout == UP_TO_DATE


def test_injected_faults(tmp_path, tool_env, cairn, dvc):
    """Spawning goes through the Env layer: an injected spawn failure fails the stage (no lock
    entry); a SIGKILL just before the lock write leaves no entry, and the next repro reruns it."""
    mine, _ = _linear_twins(tmp_path, tool_env, dvc)
    res = cairn.run("repro", cwd=mine, extra_env={"CAIRN_FAULT": "op=spawn,errno=EACCES"})
    assert res.returncode == 255
    assert res.stderr.startswith("ERROR: failed to reproduce 'a': "), res.describe()
    assert not (mine / "dvc.lock").exists()
    res = cairn.run("repro", cwd=mine, extra_env={"CAIRN_FAULT": "crash=repro.before_lock@2"})
    assert res.returncode == -9 or res.returncode == 137, res.describe()
    lock = yaml.safe_load((mine / "dvc.lock").read_text())
    assert set(lock["stages"]) == {"a"}
    again = cairn.run("repro", cwd=mine, ok=True)
    assert "Stage 'a' didn't change, skipping" in again.stdout
    assert "Running stage 'b':" in again.stdout
    assert dvc.run("status", cwd=mine, ok=True).stdout == UP_TO_DATE
