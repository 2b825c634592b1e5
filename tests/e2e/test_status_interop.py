"""`status`: same JSON, same text, same exit codes; repos made by one tool are clean for the other."""
import json
import os

import pytest

from conftest import load_json

pytestmark = pytest.mark.interop

UP_TO_DATE = "Data and pipelines are up to date.\n"


def test_status_empty_repo(twin):
    ra, rb = twin.both("status")
    twin.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    assert rb.stdout.startswith("There are no data or pipelines tracked in this project yet.\n")
    ra, rb = twin.both("status", "--json")
    twin.assert_same_output(ra, rb)
    assert load_json(rb) == {}


def test_cross_tool_clean(twin):
    """cairn-made repo is up to date for dvc and vice versa."""
    t = twin
    t.both_ok("add", "data", "-q")
    for s in t.sides:
        r = s.ok("status")
        assert r.stdout == UP_TO_DATE, r.describe()
        r = s.run_other("status", ok=True)
        assert r.stdout == UP_TO_DATE, r.describe()
        r = s.run_other("status", "--json", ok=True)
        assert json.loads(r.stdout) == {}


def _setup_tracked(t):
    for s in t.sides:
        (s.path / "solo.txt").write_text("a unique standalone file\n")
        (s.path / "other.txt").write_text("another standalone file\n")
    t.both_ok("add", "data", "solo.txt", "other.txt", "-q")
    for s in t.sides:
        s.commit("tracked")


def blocks(text: str) -> list:
    """Split status text into per-stage blocks, sorted: DVC lists stages in os.walk
    (readdir) order, which is not sorted, so the block order is not compared."""
    out, cur = [], []
    for line in text.splitlines(keepends=True):
        if not line.startswith("\t") and cur:
            out.append("".join(cur))
            cur = []
        cur.append(line)
    if cur:
        out.append("".join(cur))
    return sorted(out)


def _compare_status(t, *extra):
    ra, rb = t.both("status", "--json", *extra)
    assert ra.returncode == rb.returncode == 0, (ra.describe(), rb.describe())
    ja, jb = load_json(ra), load_json(rb)
    assert ja == jb, f"status --json differs:\ncairn: {ja}\ndvc:   {jb}"
    ra, rb = t.both("status", *extra)
    assert ra.returncode == rb.returncode
    assert blocks(t.a.norm(ra.stdout)) == blocks(t.b.norm(rb.stdout)), (ra.describe(), rb.describe())
    return jb, rb.stdout


def test_status_after_modifications(twin):
    t = twin
    _setup_tracked(t)
    for s in t.sides:
        (s.path / "data/nested/a/top.json").write_text('{"k": 2}\n')  # edit inside tracked dir
        os.remove(s.path / "other.txt")  # delete a tracked file
        (s.path / "data/with space/new file.txt").write_text("new\n")  # new file in tracked dir
    j, text = _compare_status(t)
    assert j == {
        "data.dvc": [{"changed outs": {"data": "modified"}}],
        "other.txt.dvc": [{"changed outs": {"other.txt": "deleted"}}],
    }
    assert blocks(text) == [
        "data.dvc:\n\tchanged outs:\n\t\tmodified:           data\n",
        "other.txt.dvc:\n\tchanged outs:\n\t\tdeleted:            other.txt\n",
    ]


def test_status_not_in_cache(twin):
    t = twin
    _setup_tracked(t)
    for s in t.sides:
        oid = (s.path / "solo.txt.dvc").read_text().split("md5: ")[1].split("\n")[0]
        obj = s.path / ".dvc/cache/files/md5" / oid[:2] / oid[2:]
        obj.chmod(0o644)
        obj.unlink()
    j, text = _compare_status(t)
    assert j == {"solo.txt.dvc": [{"changed outs": {"solo.txt": "not in cache"}}]}
    assert text == "solo.txt.dvc:\n\tchanged outs:\n\t\tnot in cache:       solo.txt\n"


def test_status_dir_manifest_missing(twin):
    t = twin
    _setup_tracked(t)
    for s in t.sides:
        oid = (s.path / "data.dvc").read_text().split("md5: ")[1].split("\n")[0]
        obj = s.path / ".dvc/cache/files/md5" / oid[:2] / oid[2:]
        obj.chmod(0o644)
        obj.unlink()
    j, _ = _compare_status(t)
    assert j == {"data.dvc": [{"changed outs": {"data": "not in cache"}}]}


def test_status_targets_and_quiet(twin):
    t = twin
    _setup_tracked(t)
    ra, rb = t.both("status", "-q")
    t.assert_same_output(ra, rb, stderr=True)
    assert (rb.returncode, rb.stdout, rb.stderr) == (0, "", "")
    for s in t.sides:
        (s.path / "solo.txt").write_text("changed\n")
    ra, rb = t.both("status", "-q")
    t.assert_same_output(ra, rb, stderr=True)
    assert (rb.returncode, rb.stdout) == (1, "")
    # targets restrict the scope
    j, text = _compare_status(t, "data.dvc")
    assert j == {} and text == UP_TO_DATE
    j, _ = _compare_status(t, "solo.txt.dvc")
    assert j == {"solo.txt.dvc": [{"changed outs": {"solo.txt": "modified"}}]}
    ra, rb = t.both("status", "-q", "data.dvc")
    assert ra.returncode == rb.returncode == 0


def test_status_cross_tool_after_change(twin):
    """Each tool reads the other's repo and reports the same change."""
    t = twin
    t.both_ok("add", "data", "-q")
    outs = []
    for s in t.sides:
        (s.path / "data/README.txt").write_text("edited\n")
        outs.append((s.run("status", "--json"), s.run_other("status", "--json")))
    for own, other in outs:
        assert json.loads(own.stdout) == json.loads(other.stdout) == {
            "data.dvc": [{"changed outs": {"data": "modified"}}]
        }
