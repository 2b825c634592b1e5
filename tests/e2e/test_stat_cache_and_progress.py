"""cairn-only behaviour the issue asks for beyond DVC parity: the stat cache (unchanged files
are never re-read; after changing one file only that file is re-read) observed through the
command counters (CAIRN_COUNTERS_FILE), and the progress bar drawn on a terminal only."""
import json
import os
import subprocess
import time

import pytest

from terminal import run_in_pty

pytestmark = [pytest.mark.cairn_only]


def _counters(side, tmp_path, *args):
    out = tmp_path / f"counters-{time.monotonic_ns()}.json"
    side.ok(*args, extra_env={"CAIRN_COUNTERS_FILE": str(out)})
    return json.loads(out.read_text())


def _nfiles(path):
    return sum(len(files) for _, _, files in os.walk(path))


def test_unchanged_files_are_never_reread(repo_cairn, tmp_path):
    s = repo_cairn
    n = _nfiles(s.path / "data")
    time.sleep(0.05)  # let mtimes age past the racy window
    c = _counters(s, tmp_path, "add", "data")
    assert c["files_walked"] == n and c["files_hashed"] == n
    # status and a re-add read nothing: every file is a stat-cache hit
    for cmd in (("status",), ("add", "data"), ("commit", "-f")):
        c = _counters(s, tmp_path, *cmd)
        assert c["files_hashed"] == 0 and c["bytes_hashed"] == 0, (cmd, c)
        # status answers the unchanged tree from the tree memo add recorded (no lookups at all)
        assert c["stat_cache_hits"] == n or (cmd == ("status",) and c["tree_memo_hits"] == 1), (cmd, c)
    # change one file: exactly that file is re-read
    victim = next(p for p in sorted((s.path / "data").rglob("*")) if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"one more line\n")
    time.sleep(0.05)
    c = _counters(s, tmp_path, "status")
    assert c["files_hashed"] == 1 and c["stat_cache_hits"] == n - 1, c
    # deleting the private state only costs speed, never correctness
    import shutil
    shutil.rmtree(s.path / ".dvc/tmp/cairn")
    r = s.run("status", "--json")
    assert json.loads(r.stdout) == {"data.dvc": [{"changed outs": {"data": "modified"}}]}


def test_progress_bar_only_on_a_terminal(repo_cairn):
    s = repo_cairn
    env = dict(s.tool.env, CAIRN_PROGRESS_DELAY_MS="0")
    code, out = run_in_pty([str(s.tool.binary), "add", "data"], s.path, env)
    assert code == 0, out
    assert "Hashing" in out and "files" in out and "\r" in out, out
    # not a terminal: no bar at all
    (s.path / "data" / "new.txt").write_text("new\n")
    r = subprocess.run([str(s.tool.binary), "add", "data"], cwd=s.path, env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "Hashing" not in r.stderr and "\r" not in r.stderr, r.stderr
    # -q silences it even on a terminal
    (s.path / "data" / "new2.txt").write_text("new2\n")
    code, out = run_in_pty([str(s.tool.binary), "add", "-q", "data"], s.path, env)
    assert code == 0 and "Hashing" not in out, out


def test_autostage_stages_instead_of_hinting(repo_cairn):
    s = repo_cairn
    s.ok("config", "core.autostage", "true")
    r = s.ok("add", "data")
    assert "git add" not in r.stdout, r.describe()
    staged = set(subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=s.path, env=s.tool.env,
                                capture_output=True, text=True, check=True).stdout.split())
    assert {"data.dvc", ".gitignore"} <= staged, staged


def test_first_status_after_add_is_answered_from_the_memos(repo_cairn, tmp_path):
    """add records both memos (it knows every hash and stored every object), so even the first
    status after it needs no stat-cache lookup, manifest hashing or cache listing."""
    s = repo_cairn
    time.sleep(0.05)  # the data is older than the racy window
    s.ok("add", "data")
    c = _counters(s, tmp_path, "status")
    assert c["tree_memo_hits"] == 1 and c["presence_memo_hits"] == 1, c
    assert c["stat_cache_hits"] == 0 and c["files_hashed"] == 0, c
    assert s.run("status", "--json").stdout.strip() == "{}"


def test_unchanged_tree_is_answered_from_the_memos(repo_cairn, tmp_path):
    """An unchanged tree costs one stat per file: no stat-cache lookups, no manifest hashing,
    no cache listing (tree and presence memos). Every change still shows."""
    s = repo_cairn
    n = _nfiles(s.path / "data")
    s.ok("add", "data")
    time.sleep(0.05)  # past the racy window of the memos
    _counters(s, tmp_path, "status")  # records the memos
    c = _counters(s, tmp_path, "status")
    assert c["tree_memo_hits"] == 1 and c["presence_memo_hits"] == 1, c
    assert c["stat_cache_hits"] == 0 and c["files_hashed"] == 0 and c["files_walked"] == n, c
    assert s.run("status", "--json").stdout.strip() == "{}"

    # Same content, new mtime: the memo misses, one file is re-read, still up to date.
    victim = next(p for p in sorted((s.path / "data").rglob("*")) if p.is_file() and p.stat().st_size > 0)
    os.utime(victim, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    c = _counters(s, tmp_path, "status")
    assert c["tree_memo_hits"] == 0 and c["files_hashed"] == 1, c
    assert s.run("status", "--json").stdout.strip() == "{}"

    # Same size, different bytes: modified.
    data = bytearray(victim.read_bytes())
    data[0] ^= 0xFF
    victim.write_bytes(bytes(data))
    time.sleep(0.05)
    r = s.run("status", "--json")
    assert json.loads(r.stdout) == {"data.dvc": [{"changed outs": {"data": "modified"}}]}
    data[0] ^= 0xFF
    victim.write_bytes(bytes(data))
    time.sleep(0.05)
    assert s.run("status", "--json").stdout.strip() == "{}"
    c = _counters(s, tmp_path, "status")
    assert c["presence_memo_hits"] == 1, c

    # An object removed from the cache (another tool's gc, a manual rm): not in cache.
    objects = sorted(p for p in (s.path / ".dvc/cache/files/md5").rglob("*") if p.is_file() and not p.name.endswith(".dir"))
    objects[len(objects) // 2].unlink()
    r = s.run("status", "--json")
    assert json.loads(r.stdout) == {"data.dvc": [{"changed outs": {"data": "not in cache"}}]}
