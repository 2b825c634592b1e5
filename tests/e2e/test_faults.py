"""Fault injection through CAIRN_FAULT (grammar: src/cairn/env/fault_env.h). cairn only.

With CAIRN_BIN pointing at dvc these fail (dvc ignores CAIRN_FAULT and succeeds)."""
import signal

import pytest

from conftest import cache_dir, tree_snapshot, verify_cache

pytestmark = [pytest.mark.cairn_only, pytest.mark.corpus]


def _workspace(side):
    # data files and .dvc/.gitignore files; cache and tmp excluded
    return tree_snapshot(side.path, exclude=(".git", ".dvc/tmp", ".dvc/cache"))


@pytest.mark.parametrize("err,words", [
    ("ENOSPC", ("no space left on device", "enospc")),
    ("EIO", ("input/output error", "eio")),
])
def test_write_fault_during_add(repo_cairn_full, err, words):
    s = repo_cairn_full
    before = _workspace(s)
    r = s.run("add", "data", extra_env={"CAIRN_FAULT": f"op=write,errno={err},after_bytes=1000000"})
    assert r.returncode != 0, f"add must fail under CAIRN_FAULT ({err}):\n{r.describe()}"
    assert r.returncode > 0, f"killed instead of failing cleanly:\n{r.describe()}"
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected exactly one error line:\n{r.describe()}"
    assert any(w in lines[0].lower() for w in words), f"error line should name the cause:\n{r.describe()}"
    verify_cache(cache_dir(s.path))  # no partial object, no *.tmp left
    assert _workspace(s) == before, "workspace, .dvc and .gitignore files must be unchanged"
    assert not (s.path / "data.dvc").exists()
    # without the fault the same command now succeeds
    s.ok("add", "data")
    verify_cache(cache_dir(s.path))


def test_crash_during_add_then_recover(repo_cairn_full):
    s = repo_cairn_full
    before = _workspace(s)
    r = s.run("add", "data", extra_env={"CAIRN_FAULT": "crash_after_bytes=5000000"})
    assert r.returncode == -signal.SIGKILL, f"expected the process to be SIGKILLed:\n{r.describe()}"
    assert _workspace(s) == before, "a crash mid-add must not have touched the workspace yet"
    # objects that made it are complete (tmp files from the killed process are tolerated here)
    verify_cache(cache_dir(s.path), allow_tmp=True)
    r = s.ok("add", "data")
    verify_cache(cache_dir(s.path), allow_tmp=True)
    r = s.run_other("status", ok=True)
    assert r.stdout == "Data and pipelines are up to date.\n", r.describe()
    r = s.ok("status")
    assert r.stdout == "Data and pipelines are up to date.\n", r.describe()
    # gc clears what the killed writer left behind, and nothing the repository uses
    s.ok("gc", "-w", "-f")
    verify_cache(cache_dir(s.path))
    r = s.ok("status")
    assert r.stdout == "Data and pipelines are up to date.\n", r.describe()


def test_bad_fault_spec_rejected(repo_cairn):
    s = repo_cairn
    r = s.run("status", extra_env={"CAIRN_FAULT": "op=bogus"})
    assert r.returncode != 0, r.describe()
    assert "CAIRN_FAULT" in r.stderr, r.describe()
