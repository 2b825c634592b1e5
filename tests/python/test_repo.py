"""Tests of the installed `cairn` package: Repo API, DVC-identical bytes, errors, GIL.

Run against the installed package: `pip install . && python -m pytest tests/python`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest

import cairn
from cairn import _core

from conftest import git

FOO_MD5 = "acbd18db4cc2f85cedef654fccc4a4d8"  # md5(b"foo")
FOO_DVC = f"outs:\n- md5: {FOO_MD5}\n  size: 3\n  hash: md5\n  path: foo\n"


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def cache_path(repo: cairn.Repo, md5_hex: str) -> Path:
    return Path(repo.dvc_dir) / "cache" / "files" / "md5" / md5_hex[:2] / md5_hex[2:]


def dir_manifest_md5(files: dict[str, bytes]) -> str:
    """The md5 of DVC 3's `.dir` manifest for these files (json.dumps, sorted by relpath)."""
    entries = [{"md5": md5(files[p]), "relpath": p} for p in sorted(files)]
    return md5(json.dumps(entries, sort_keys=True).encode())


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


# ---- init / open -------------------------------------------------------------------------


def test_init_creates_repository_and_reopens(git_dir: Path):
    repo = cairn.Repo.init(git_dir)
    assert isinstance(repo, cairn.Repo)
    assert repo.root == str(git_dir)
    assert (git_dir / ".dvc" / "config").read_bytes() == b""
    assert (git_dir / ".dvc" / ".gitignore").read_bytes() == b"/config.local\n/tmp\n/cache\n"
    assert (git_dir / ".dvcignore").exists()
    assert repr(repo) == f"Repo(root={str(git_dir)!r})"
    again = cairn.Repo(git_dir)
    assert again.root == repo.root
    sub = git_dir / "sub"
    sub.mkdir()
    nested = cairn.Repo(sub)  # found by walking up, like DVC
    assert nested.root == repo.root and nested.cwd == str(sub)
    assert "cwd=" in repr(nested)


def test_init_no_scm(tmp_path: Path):
    repo = cairn.Repo.init(tmp_path, no_scm=True)
    assert (tmp_path / ".dvc" / "config").read_text() == "[core]\n    no_scm = True\n"
    assert repo.status() == {}


def test_version():
    assert isinstance(cairn.__version__, str) and cairn.__version__


# ---- add ---------------------------------------------------------------------------------


def test_add_file_writes_dvc_bytes(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    result = repo.add("foo")
    assert result == {"dvc_files": ["foo.dvc"], "files_to_track": [".gitignore", "foo.dvc"]}
    assert (root / "foo.dvc").read_bytes() == FOO_DVC.encode()
    assert (root / ".gitignore").read_text() == "/foo\n"
    assert cache_path(repo, FOO_MD5).read_bytes() == b"foo"
    # Unchanged target: nothing to track again.
    again = repo.add(["foo"])
    assert again["dvc_files"] == ["foo.dvc"]
    assert (root / "foo.dvc").read_bytes() == FOO_DVC.encode()


def test_add_directory_writes_dvc_bytes(repo: cairn.Repo):
    root = Path(repo.root)
    files = {"a.txt": b"alpha\n", "sub/b.txt": b"beta\n", "sub/c.bin": bytes(range(256))}
    write(root / "data", files)
    result = repo.add(root / "data")  # os.PathLike works too
    assert result["dvc_files"] == ["data.dvc"]
    manifest = dir_manifest_md5(files)
    size = sum(len(v) for v in files.values())
    expected = f"outs:\n- md5: {manifest}.dir\n  size: {size}\n  nfiles: 3\n  hash: md5\n  path: data\n"
    assert (root / "data.dvc").read_text() == expected
    assert cache_path(repo, manifest + ".dir").exists()
    for data in files.values():
        assert cache_path(repo, md5(data)).read_bytes() == data


def test_add_no_commit_stores_nothing(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    repo.add("foo", no_commit=True)
    assert (root / "foo.dvc").read_bytes() == FOO_DVC.encode()
    assert not cache_path(repo, FOO_MD5).exists()
    assert repo.status() == {"foo.dvc": [{"changed outs": {"foo": "not in cache"}}]}
    repo.commit("foo.dvc")
    assert cache_path(repo, FOO_MD5).exists()
    assert repo.status() == {}


# ---- status / commit ---------------------------------------------------------------------


def test_status_empty_then_modified(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    write(root / "data", {"x": b"x", "y": b"y"})
    repo.add(["foo", "data"])
    assert repo.status() == {}
    (root / "foo").write_bytes(b"foo2")
    assert repo.status() == {"foo.dvc": [{"changed outs": {"foo": "modified"}}]}
    (root / "data" / "x").unlink()
    assert repo.status() == {
        "data.dvc": [{"changed outs": {"data": "modified"}}],
        "foo.dvc": [{"changed outs": {"foo": "modified"}}],
    }
    assert repo.status("foo.dvc") == {"foo.dvc": [{"changed outs": {"foo": "modified"}}]}
    (root / "foo").unlink()
    assert repo.status(targets=["foo"]) == {"foo.dvc": [{"changed outs": {"foo": "deleted"}}]}


def test_commit_force_records_workspace(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    repo.add("foo")
    (root / "foo").write_bytes(b"bar")
    result = repo.commit("foo", force=True)
    assert result["dvc_files"] == ["foo.dvc"]
    assert (root / "foo.dvc").read_text() == FOO_DVC.replace(FOO_MD5, md5(b"bar"))
    assert repo.status() == {}


# ---- checkout ----------------------------------------------------------------------------


def test_checkout_restores_deleted_file(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    write(root / "data", {"x": b"x", "y": b"y"})
    repo.add(["foo", "data"])
    (root / "foo").unlink()
    result = repo.checkout()
    assert result == {"added": ["foo"], "modified": [], "deleted": [], "failed": []}
    assert (root / "foo").read_bytes() == b"foo"
    (root / "data" / "y").unlink()
    assert repo.checkout("data")["modified"] == ["data/"]
    assert (root / "data" / "y").read_bytes() == b"y"
    assert repo.checkout() == {"added": [], "modified": [], "deleted": [], "failed": []}


# ---- diff --------------------------------------------------------------------------------


def test_diff_against_git_commit(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    (root / "bar").write_bytes(b"bar")
    repo.add(["foo", "bar"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    assert repo.diff() == {}

    (root / "foo").write_bytes(b"foo v2")
    (root / "baz").write_bytes(b"baz")
    repo.add(["foo", "baz"])
    repo.remove("bar.dvc")
    assert repo.diff() == {
        "added": [{"path": "baz"}],
        "deleted": [{"path": "bar"}],
        "modified": [{"path": "foo"}],
        "renamed": [],
        "not in cache": [],
    }
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v2")
    # Between two commits there is no "not in cache" group.
    assert repo.diff("HEAD~1", "HEAD") == {
        "added": [{"path": "baz"}],
        "deleted": [{"path": "bar"}],
        "modified": [{"path": "foo"}],
        "renamed": [],
    }


def test_diff_unknown_revision_raises(repo: cairn.Repo):
    root = Path(repo.root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    with pytest.raises(cairn.Error):
        repo.diff("no-such-revision")


# ---- gc / ls / remove --------------------------------------------------------------------


def test_gc_removes_unused_object(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    repo.add("foo")
    (root / "foo").write_bytes(b"foo v2")
    repo.add("foo")
    old, new = cache_path(repo, FOO_MD5), cache_path(repo, md5(b"foo v2"))
    assert old.exists() and new.exists()

    dry = repo.gc(dry=True)
    assert len(dry["removed"]) == 1 and FOO_MD5 in dry["removed"][0].replace("/", "")
    assert old.exists()

    result = repo.gc()
    assert result["removed"] == dry["removed"]
    assert result["kept"] >= 1
    assert not old.exists() and new.exists()
    assert repo.gc()["removed"] == []
    with pytest.raises(cairn.InvalidInputError):
        repo.gc(workspace=False)


def test_ls_and_remove(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "foo").write_bytes(b"foo")
    write(root / "data", {"x": b"x", "y": b"yy"})
    repo.add(["foo", "data"])
    listing = {item["path"]: item for item in repo.ls()}
    assert set(listing) == {"foo", "data"}
    assert listing["foo"] == {"path": "foo", "dvc_file": "foo.dvc", "isdir": False, "size": 3, "md5": FOO_MD5}
    assert listing["data"]["isdir"] is True and listing["data"]["nfiles"] == 2 and listing["data"]["size"] == 3

    repo.remove("foo.dvc")
    assert not (root / "foo.dvc").exists()
    assert (root / "foo").exists()
    assert "/foo" not in (root / ".gitignore").read_text().splitlines()
    repo.remove("data.dvc", outs=True)
    assert not (root / "data").exists()
    assert repo.ls() == []


# ---- errors ------------------------------------------------------------------------------


def test_error_table_covers_every_engine_code():
    from cairn import errors

    for code in _core.ERROR_CODES:
        cls = type(errors.from_code(code, "m"))
        assert cls is not cairn.Error and issubclass(cls, cairn.Error)
        assert cls.code == code
    assert not issubclass(cairn.StorageError, OSError)  # no clash with builtins' hierarchy
    assert cairn.OperationTimeout is not TimeoutError


def test_open_non_repo_raises_not_found(tmp_path: Path):
    with pytest.raises(cairn.NotFoundError) as info:
        cairn.Repo(tmp_path)
    assert info.value.code == "not_found"
    assert isinstance(info.value, cairn.Error)
    assert "DVC repository" in str(info.value)


def test_malformed_dvc_file_raises_invalid_input_naming_file_and_line(repo: cairn.Repo):
    root = Path(repo.root)
    (root / "bad.dvc").write_text("outs: 5\n")
    with pytest.raises(cairn.InvalidInputError) as info:
        repo.status()
    assert info.value.code == "invalid_input"
    assert "bad.dvc:1" in str(info.value)

    (root / "bad.dvc").write_text(f"outs:\n- md5: {FOO_MD5}\n  size: 3\n  path: foo\n  path: bar\n")
    with pytest.raises(cairn.InvalidInputError) as info:
        repo.status()
    assert "bad.dvc:5" in str(info.value)


def test_add_missing_target_raises(repo: cairn.Repo):
    with pytest.raises(cairn.Error):
        repo.add("does-not-exist")
    with pytest.raises(cairn.InvalidInputError):
        repo.add([])


def test_lock_held_elsewhere_raises_conflict(repo: cairn.Repo):
    """A writer holding .dvc/tmp/lock (another process, or another Repo) blocks writes."""
    other = cairn.Repo(repo.root)
    held = other._core.lock()
    try:
        with pytest.raises(cairn.ConflictError):
            repo.status()
    finally:
        held.release()
    assert repo.status() == {}


# ---- GIL ---------------------------------------------------------------------------------


class _Spy:
    """Wraps Repo._core; measures how far a counter thread advanced during each engine call."""

    def __init__(self, inner, counter):
        self._inner, self._counter, self.advances = inner, counter, []

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def status(self, *args):
        before = self._counter[0]
        result = self._inner.status(*args)
        self.advances.append(self._counter[0] - before)
        return result


def test_status_releases_the_gil(repo: cairn.Repo):
    root = Path(repo.root)
    write(root / "many", {f"d{i % 20}/f{i}": str(i).encode() for i in range(4000)})
    repo.add("many")

    counter = [0]
    stop, started = threading.Event(), threading.Event()

    def spin():
        started.set()
        while not stop.is_set():
            counter[0] += 1
            time.sleep(0)  # hand the GIL back promptly once the main thread wants it

    def held_gil_busy_loop(seconds):
        before = counter[0]
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
        return counter[0] - before

    spy = _Spy(repo._core, counter)
    repo._core = spy
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(5.0)  # the spinner only runs when the main thread releases the GIL
    worker = threading.Thread(target=spin, daemon=True)
    worker.start()
    try:
        started.wait()
        # Control: pure Python holding the GIL lets the spinner make no progress.
        control = held_gil_busy_loop(0.05)
        for _ in range(10):
            assert repo.status() == {}
            if spy.advances[-1] > 0:
                break
    finally:
        stop.set()
        sys.setswitchinterval(old_interval)
        worker.join()
    assert control == 0
    assert max(spy.advances) > 0, f"counter did not advance during status(): {spy.advances}"


# ---- the CLI -----------------------------------------------------------------------------


def test_cli_installed_on_path():
    scripts = sysconfig.get_path("scripts")
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""))
    exe = shutil.which("cairn", path=env["PATH"])
    assert exe is not None, f"cairn not found in {scripts}"
    assert Path(exe).parent == Path(scripts)
    out = subprocess.run(["cairn", "--help"], env=env, capture_output=True, text=True, check=True).stdout
    assert "cairn" in out and "status" in out


def test_push_fetch_pull_and_cloud_status(repo: cairn.Repo, tmp_path: Path):
    ws = Path(repo.root)
    files = {"a.txt": b"alpha\n", "sub/b.txt": b"bravo\n"}
    for rel, data in files.items():
        (ws / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / "data" / rel).write_bytes(data)
    repo.add("data")
    remote = tmp_path / "remote"
    with open(ws / ".dvc" / "config", "a") as f:
        f.write(f"[core]\n    remote = store\n['remote \"store\"']\n    url = {remote}\n")
    repo = cairn.Repo(ws)  # the config is read when a Repo is opened
    assert repo.status(cloud=True) == {"data": "new", "data/a.txt": "new", "data/sub/b.txt": "new"}
    assert repo.push() == {"pushed": 3, "missing": []}
    assert (remote / "files" / "md5" / md5(b"alpha\n")[:2] / md5(b"alpha\n")[2:]).read_bytes() == b"alpha\n"
    assert repo.status(cloud=True) == {}
    assert repo.status(remote="store") == {}
    assert repo.push(jobs=2) == {"pushed": 0, "missing": []}

    shutil.rmtree(ws / "data")
    shutil.rmtree(ws / ".dvc" / "cache")
    r = repo.pull()
    assert r["added"] == ["data/"] and r["failed"] == []
    assert r["stats"] == {"fetched": 3, "modified": 0, "added": 2, "deleted": 0}
    assert (ws / "data" / "sub" / "b.txt").read_bytes() == b"bravo\n"
    assert repo.fetch() == {"fetched": 0, "missing": []}

    with pytest.raises(cairn.NotFoundError, match="remote 'nope' doesn't exist"):
        repo.push(remote="nope")
    # a damaged remote object is refused on download and never cached
    obj = remote / "files" / "md5" / md5(b"bravo\n")[:2] / md5(b"bravo\n")[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"tampered\n")
    shutil.rmtree(ws / ".dvc" / "cache")
    with pytest.raises(cairn.CorruptError) as e:
        repo.fetch()
    assert md5(b"bravo\n") in str(e.value)
    assert e.value.result["failures"][0]["oid"] == md5(b"bravo\n")
    assert not cache_path(repo, md5(b"bravo\n")).exists()
