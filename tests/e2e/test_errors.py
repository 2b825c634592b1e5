import re
"""Error paths: malformed files, hostile manifests, corrupt objects, the repo lock."""
import fcntl
import hashlib
import json
import os

import pytest

from conftest import md5_file, tree_snapshot

LOCK_MESSAGE = (
    "ERROR: Unable to acquire lock. Most likely another DVC process is running or was "
    "terminated abruptly. Check the page <https://dvc.org/doc/user-guide/troubleshooting#lock-issue> "
    "for other possible reasons and to learn how to resolve this.\n"
)


def _full_snapshot(side):
    return tree_snapshot(side.path, exclude=(".git", ".dvc/tmp"))


@pytest.fixture
def tracked(twin):
    for s in twin.sides:
        (s.path / "f").write_text("f\n")
        (s.path / "g").write_text("g\n")
    twin.both_ok("add", "-q", "f", "g")
    return twin


@pytest.mark.interop
@pytest.mark.parametrize("cmd", [("status",), ("add", "f")])
def test_malformed_yaml(tracked, cmd):
    t = tracked
    for s in t.sides:
        (s.path / "f.dvc").write_text("outs:\n- md5: abc\n  size: [1\n  path: f\n")
    before = [_full_snapshot(s) for s in t.sides]
    ra, rb = t.both(*cmd)
    assert ra.returncode == rb.returncode != 0, (ra.describe(), rb.describe())
    for r in (ra, rb):
        first = r.stderr.splitlines()[0]
        # DVC: "'./f.dvc' is invalid." then a rich excerpt naming "line 3, column 9"
        assert "f.dvc" in first, r.describe()
        # DVC: "line 3, column 9"; cairn: "f.dvc:4: <cause>" (one line naming file and line)
        assert re.search(r"line [34]|f\.dvc:[34]:", r.stderr), r.describe()
    assert [_full_snapshot(s) for s in t.sides] == before, "nothing may change on disk"


@pytest.mark.interop
def test_invalid_dvc_schema(tracked):
    t = tracked
    for s in t.sides:
        (s.path / "f.dvc").write_text("outs:\n- md5: 1234\n  path: f\n  bogus: 1\n")
    before = [_full_snapshot(s) for s in t.sides]
    ra, rb = t.both("status")
    assert ra.returncode == rb.returncode != 0
    assert rb.stderr.startswith("'./f.dvc' validation failed.\n")
    for r in (ra, rb):
        assert "f.dvc" in r.stderr.splitlines()[0] and "bogus" in r.stderr, r.describe()
    assert [_full_snapshot(s) for s in t.sides] == before


@pytest.mark.interop
@pytest.mark.parametrize("content,expected,cmd", [
    ("[core\n  x = 1\n",
     "ERROR: configuration error - config file error: Invalid line ('[core') (matched as neither "
     "section nor keyword) at line 1.: Invalid line ('[core') (matched as neither section nor keyword) at line 1.\n",
     ("status",)),
    ("[core]\nautostage = maybe\n",
     "ERROR: configuration error - config file error: expected true or false for dictionary value "
     "@ data['core']['autostage']\n", ("add", "f")),
])
def test_bad_config(tracked, content, expected, cmd):
    t = tracked
    for s in t.sides:
        (s.path / "f").write_text("changed\n")
        (s.path / ".dvc/config").write_text(content)
    before = [_full_snapshot(s) for s in t.sides]
    ra, rb = t.both(*cmd)
    assert ra.returncode == rb.returncode == 251
    assert rb.stderr == expected
    if "Invalid line" in expected:
        # cairn names the file and line in one line instead of DVC's repeated text.
        assert ra.stderr.startswith("ERROR: configuration error - config file error: "), ra.describe()
        assert ".dvc/config:1: Invalid line ('[core')" in ra.stderr and ra.stderr.count("\n") == 1, ra.describe()
    else:
        t.assert_same_output(ra, rb, stderr=True)
    assert [_full_snapshot(s) for s in t.sides] == before


# --------------------------------------------------------------------------- hostile cache


def _put(cache, data, oid=None):
    oid = oid or hashlib.md5(data).hexdigest()
    p = cache / oid[:2] / oid[2:]
    p.parent.mkdir(parents=True, exist_ok=True)
    if not p.exists():
        p.write_bytes(data)
        p.chmod(0o444)
    return oid


def _hostile_repo(side, kind):
    cache = side.path / ".dvc/cache/files/md5"
    a = _put(cache, b"aaa\n")
    b = _put(cache, b"bbb\n")
    outside = side.path.parent / "outside.txt"
    rel2 = {"dotdot": "../escape.txt", "deep_dotdot": "x/../../escape.txt",
            "abs": str(outside), "dup": "a.txt", "corrupt": "b.txt"}[kind]
    entries = sorted([{"md5": a, "relpath": "a.txt"}, {"md5": b, "relpath": rel2}], key=lambda e: e["relpath"])
    if kind == "corrupt":
        p = cache / b[:2] / b[2:]
        p.chmod(0o644)
        p.write_bytes(b"tampered\n")
        p.chmod(0o444)  # looks "protected": DVC trusts such objects without re-hashing
    manifest = json.dumps(entries, sort_keys=True).encode()
    d = hashlib.md5(manifest).hexdigest() + ".dir"
    _put(cache, manifest, d)
    (side.path / "evil.dvc").write_text(
        f"outs:\n- md5: {d}\n  size: 8\n  nfiles: 2\n  hash: md5\n  path: evil\n")
    return outside


@pytest.mark.cairn_only
@pytest.mark.parametrize("kind", ["dotdot", "deep_dotdot", "abs", "dup"])
def test_hostile_manifest_refused(repo_cairn, kind):
    """cairn must refuse such manifests before writing anything.
    (DVC 3.67 does not: it writes `../escape.txt` outside the tracked dir, silently drops the
    absolute entry and picks one of the duplicates; so this fails with CAIRN_BIN=dvc.)"""
    s = repo_cairn
    outside = _hostile_repo(s, kind)
    before = _full_snapshot(s)
    r = s.run("checkout", "evil.dvc")
    assert r.returncode != 0, f"checkout of a hostile manifest ({kind}) must fail:\n{r.describe()}"
    assert r.stderr.strip(), r.describe()
    assert _full_snapshot(s) == before, "nothing may be written"
    assert not (s.path / "evil").exists()
    assert not outside.exists() and not (s.path / "escape.txt").exists()
    assert not (s.path.parent / "escape.txt").exists()


@pytest.mark.cairn_only
def test_corrupt_object_never_checked_out(repo_cairn):
    """(DVC 3.67 trusts 0444 objects: it checks out the tampered bytes and calls the repo up to date.)"""
    s = repo_cairn
    _hostile_repo(s, "corrupt")
    r = s.run("checkout", "evil.dvc")
    assert r.returncode != 0, r.describe()
    assert "corrupt" in (r.stdout + r.stderr).lower(), r.describe()
    b = s.path / "evil/b.txt"
    assert not b.exists() or b.read_bytes() != b"tampered\n", "corrupt bytes were checked out"
    r = s.run("status")
    assert "up to date" not in r.stdout, r.describe()


@pytest.mark.interop
def test_corrupt_writable_object_is_rehashed(tracked):
    """An object that is NOT 0444 is re-hashed by DVC; a mismatch is 'not in cache' (both tools)."""
    t = tracked
    for s in t.sides:
        oid = md5_file(s.path / "f")
        p = s.path / ".dvc/cache/files/md5" / oid[:2] / oid[2:]
        p.chmod(0o644)
        p.write_bytes(b"tampered\n")
    ra, rb = t.both("status", "--json")
    assert json.loads(ra.stdout) == json.loads(rb.stdout)


# --------------------------------------------------------------------------- lock


@pytest.mark.interop
def test_lock_held(twin):
    """Hold .dvc/tmp/lock with flock (as zc.lockfile does); add must give up with DVC's message.
    DVC retries for ~3 s (6 x 0.5 s) before failing; both sides run concurrently."""
    t = twin
    handles, before = [], []
    try:
        for s in t.sides:
            lock = s.path / ".dvc/tmp/lock"
            lock.parent.mkdir(parents=True, exist_ok=True)
            fh = open(lock, "a+")
            handles.append(fh)
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            before.append(_full_snapshot(s))
        ra, rb = t.both("add", "data/README.txt", timeout=60)
        assert ra.returncode != 0 and rb.returncode != 0, (ra.describe(), rb.describe())
        assert [_full_snapshot(s) for s in t.sides] == before
    finally:
        for fh in handles:
            fh.close()
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.stderr == LOCK_MESSAGE
    # released: works again
    t.both_ok("add", "-q", "data/README.txt")
