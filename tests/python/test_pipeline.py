"""cairn.Repo.stage_add and cairn.Repo.repro from the installed package: what they write, what
they return, failures as exceptions with the result attached, and the GIL released while stages
run (another Python thread keeps running)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import cairn


def test_stage_add_then_repro(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "in.txt").write_text("hello\n")
    r = repo.stage_add("copy", "cp in.txt out.txt", deps=["in.txt"], outs=["out.txt"])
    assert r["address"] == "copy"
    assert r["dvc_yaml"] == "dvc.yaml"
    assert (root / "dvc.yaml").read_text() == (
        "stages:\n  copy:\n    cmd: cp in.txt out.txt\n    deps:\n    - in.txt\n    outs:\n    - out.txt\n")
    repo.stage_add("upper", "tr a-z A-Z < out.txt > up.txt", deps=["out.txt"], outs=["up.txt"])
    res = repo.repro(quiet=True)
    assert res["ran"] == ["copy", "upper"]
    assert res["unchanged"] == []
    assert res["files_to_track"] == ["dvc.lock"]  # stage_add already wrote the .gitignore entries
    assert (root / ".gitignore").read_text() == "/out.txt\n/up.txt\n"
    assert (root / "up.txt").read_text() == "HELLO\n"
    assert "upper:" in (root / "dvc.lock").read_text()
    again = repo.repro(quiet=True)
    assert again["ran"] == [] and again["unchanged"] == ["copy", "upper"]
    assert repo.repro("upper", force=True, single_item=True, quiet=True)["ran"] == ["upper"]


def test_stage_add_existing_stage_needs_force(repo: cairn.Repo):
    repo.stage_add("a", "echo a > a.txt", outs=["a.txt"])
    with pytest.raises(cairn.Error, match="already exists"):
        repo.stage_add("a", "echo b > a.txt", outs=["a.txt"])
    repo.stage_add("a", "echo b > a.txt", outs=["a.txt"], force=True)


def test_repro_failure_raises_with_result(repo: cairn.Repo):
    repo.stage_add("ok", "echo ok > ok.txt", outs=["ok.txt"])
    repo.stage_add("bad", "exit 4", deps=["ok.txt"], outs=["bad.txt"])
    repo.stage_add("after", "cp bad.txt after.txt", deps=["bad.txt"], outs=["after.txt"])
    with pytest.raises(cairn.Error) as e:
        repo.repro(quiet=True, keep_going=True)
    assert str(e.value).endswith("failed to reproduce 'bad'")
    assert e.value.result["ran"] == ["ok"]
    assert e.value.result["failed"] == ["bad"]
    assert e.value.result["skipped"] == ["after"]


def test_repro_releases_the_gil(repo: cairn.Repo):
    repo.stage_add("s1", "sleep 0.6 && echo 1 > s1.txt", outs=["s1.txt"])
    repo.stage_add("s2", "sleep 0.6 && echo 2 > s2.txt", outs=["s2.txt"])
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=ticker)
    t.start()
    t0 = time.monotonic()
    res = repo.repro(jobs=2, quiet=True)
    elapsed = time.monotonic() - t0
    stop.set()
    t.join()
    assert sorted(res["ran"]) == ["s1", "s2"]
    assert elapsed < 1.1  # the two stages ran concurrently
    assert len(ticks) > 30  # the other thread kept running meanwhile
