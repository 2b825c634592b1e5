"""`commit`, `diff`, `gc`, `remove`, `ls`."""
import os

import pytest

from conftest import load_json

pytestmark = pytest.mark.interop


@pytest.fixture
def tracked(twin):
    """data/ (dir) and solo.txt (file) tracked and committed to git (commit 1)."""
    t = twin
    for s in t.sides:
        (s.path / "solo.txt").write_text("solo v1\n")
    t.both_ok("add", "-q", "data", "solo.txt")
    for s in t.sides:
        s.commit("v1")
    return t


def _modify(t):
    for s in t.sides:
        (s.path / "solo.txt").write_text("solo v2\n")
        (s.path / "data/nested/a/top.json").write_text('{"k": 3}\n')
        os.remove(s.path / "data/README.txt")
        (s.path / "data/added.txt").write_text("added\n")


def test_commit_requires_force_when_changed(tracked):
    t = tracked
    _modify(t)
    ra, rb = t.both("commit")
    t.assert_same_output(ra, rb)
    assert rb.returncode == 1
    assert rb.stderr.startswith("ERROR: failed to commit - unable to commit changed stage: '")
    assert rb.stderr.endswith("'. Use `-f|--force` to force.\n")
    ra, rb = t.both("commit", "-f")
    t.assert_same_output(ra, rb, stderr=True)
    assert (rb.returncode, rb.stdout) == (0, "")
    t.assert_same_tree()
    t.assert_same_cache()
    ra, rb = t.both("status")
    assert ra.stdout == rb.stdout == "Data and pipelines are up to date.\n"


def test_commit_single_target(tracked):
    t = tracked
    _modify(t)
    ra, rb = t.both("commit", "-f", "solo.txt.dvc")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    t.assert_same_tree()
    t.assert_same_cache()
    ra, rb = t.both("status", "--json")
    assert load_json(ra) == load_json(rb) == {"data.dvc": [{"changed outs": {"data": "modified"}}]}


def test_diff_revisions_and_workspace(tracked):
    t = tracked
    _modify(t)
    # workspace vs HEAD (before commit): objects of the new files are not in the cache
    ra, rb = t.both("diff", "--json")
    assert ra.returncode == rb.returncode == 0, (ra.describe(), rb.describe())
    assert load_json(ra) == load_json(rb)
    ra, rb = t.both("diff")
    t.assert_same_output(ra, rb)
    t.both_ok("commit", "-f")
    for s in t.sides:
        s.commit("v2")
    ra, rb = t.both("diff", "HEAD~1", "HEAD", "--json")
    assert ra.returncode == rb.returncode == 0
    j = load_json(rb)
    assert load_json(ra) == j
    assert j == {
        "added": [{"path": "data/added.txt"}],
        "deleted": [{"path": "data/README.txt"}],
        "modified": [{"path": "data/"}, {"path": "data/nested/a/top.json"}, {"path": "solo.txt"}],
        "renamed": [],
    }
    ra, rb = t.both("diff", "HEAD~1", "HEAD")
    t.assert_same_output(ra, rb)
    assert rb.stdout.endswith("files summary: 1 added, 1 deleted, 2 modified\n")
    ra, rb = t.both("diff", "HEAD~1", "HEAD", "--json", "--show-hash")
    assert load_json(ra) == load_json(rb)
    # workspace vs HEAD after the commit: nothing
    ra, rb = t.both("diff", "--json")
    assert load_json(ra) == load_json(rb)


def test_diff_rename(tracked):
    t = tracked
    for s in t.sides:
        os.rename(s.path / "data/with space/file name.txt", s.path / "data/renamed.txt")
    t.both_ok("commit", "-f", "data.dvc")
    ra, rb = t.both("diff", "--json")
    assert load_json(ra) == load_json(rb)
    assert load_json(rb)["renamed"] == [
        {"path": {"old": "data/with space/file name.txt", "new": "data/renamed.txt"}}
    ]


def test_gc_workspace(tracked):
    t = tracked
    _modify(t)
    t.both_ok("commit", "-f")
    before = t.b.cache()
    ra, rb = t.both("gc", "-w", "-f")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    assert rb.stdout.startswith("Removed ") and " objects from repo cache.\n" in rb.stdout
    assert "No unused 'legacy' cache to remove.\n" in rb.stdout
    assert rb.stderr == (
        "WARNING: This will remove all cache except items used in the workspace of the current repo.\n"
    )
    t.assert_same_cache()
    after = t.b.cache()
    assert len(after) < len(before)
    ra, rb = t.both("status")
    assert ra.stdout == rb.stdout == "Data and pipelines are up to date.\n"
    # second run: nothing left to remove
    ra, rb = t.both("gc", "-w", "-f")
    t.assert_same_output(ra, rb, stderr=True)
    t.assert_same_cache()


def test_gc_needs_scope_and_confirmation(tracked):
    t = tracked
    before = [s.cache() for s in t.sides]
    ra, rb = t.both("gc")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode != 0
    assert rb.stderr.startswith("ERROR: Either of `-w|--workspace`, `-a|--all-branches`, `-T|--all-tags`")
    # without -f, gc asks; "n" (or EOF) aborts without deleting
    _modify(t)
    t.both_ok("commit", "-f")
    mid = [s.cache() for s in t.sides]
    ra, rb = t.both("gc", "-w", input="n\n")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode != 0
    assert [s.cache() for s in t.sides] == mid
    assert before[0] != mid[0]


def test_remove(tracked):
    t = tracked
    ra, rb = t.both("remove", "solo.txt.dvc")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    for s in t.sides:
        assert not (s.path / "solo.txt.dvc").exists()
        assert (s.path / "solo.txt").exists(), "remove keeps the workspace file"
        assert (s.path / ".gitignore").read_text() == "/data\n"
    t.assert_same_tree()
    t.assert_same_cache()  # remove never touches the cache


def test_remove_last_entry_deletes_gitignore(twin):
    t = twin
    t.both_ok("add", "-q", "data/README.txt")
    ra, rb = t.both("remove", "data/README.txt.dvc")
    t.assert_same_output(ra, rb, stderr=True)
    t.assert_same_tree()
    for s in t.sides:
        assert not (s.path / "data/.gitignore").exists(), f"{s.name}: empty .gitignore must be deleted"


@pytest.mark.cairn_only
def test_cairn_ls_lists_outputs(tracked):
    """`cairn ls` (cairn-only) lists tracked outputs; sanity-compare with `dvc ls --dvc-only`."""
    side = tracked.a
    r = side.ok("ls")
    for out in ("data", "solo.txt"):
        assert any(line.strip().rstrip("/").endswith(out) for line in r.stdout.splitlines()), r.describe()
    d = side.run_other("ls", ".", "--dvc-only", ok=True)
    dvc_outs = {line.strip() for line in d.stdout.splitlines() if line.strip()}
    assert dvc_outs == {"data", "solo.txt"}
    listed = {line.strip().rstrip("/") for line in r.stdout.split()}
    assert dvc_outs <= {os.path.basename(x) for x in listed} | listed, r.describe()
