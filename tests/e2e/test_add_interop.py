"""`add`: the .dvc files, .gitignore lines and cache objects must equal DVC's."""
import os
import time

import pytest

from conftest import EMPTY_MD5, md5_file, stat_snapshot

pytestmark = pytest.mark.interop


def _add_both(t, *args):
    ra, rb = t.both("add", *args)
    t.assert_same_output(ra, rb)
    assert rb.returncode == 0, rb.describe()
    return ra, rb


def _assert_cache_modes(side):
    for rel, (mode, _) in side.cache().items():
        assert mode == "0o444", f"{side.name}: cache object {rel} has mode {mode}"


def test_add_single_file(twin):
    t = twin
    ra, rb = _add_both(t, "data/README.txt")
    assert "git add" in rb.stdout
    for s in t.sides:
        assert (s.path / "data/README.txt.dvc").read_text() == (
            "outs:\n- md5: %s\n  size: 27\n  hash: md5\n  path: README.txt\n" % md5_file(s.path / "data/README.txt")
        ), s.name
        assert (s.path / "data/.gitignore").read_text() == "/README.txt\n", s.name
    t.assert_same_tree()
    t.assert_same_cache()
    _assert_cache_modes(t.a)


def test_add_directory(twin):
    t = twin
    _add_both(t, "data/unicode")
    t.assert_same_tree()
    t.assert_same_cache()
    _assert_cache_modes(t.a)
    text = (t.b.path / "data/unicode.dvc").read_text()
    assert ".dir\n" in text and "nfiles: 4\n" in text and "path: unicode\n" in text


def test_add_whole_corpus_full(twin_full):
    t = twin_full
    ra, rb = _add_both(t, "data")
    t.assert_same_tree()
    t.assert_same_cache()
    _assert_cache_modes(t.a)
    # the manifest is present, empty files are stored, the empty dir is not in the manifest
    ca = t.a.cache()
    assert any(k.endswith(".dir") for k in ca)
    assert f"files/md5/{EMPTY_MD5[:2]}/{EMPTY_MD5[2:]}" in ca
    assert (t.b.path / ".gitignore").read_text() == "/data\n"
    # nfiles counts files only (3018 in the full corpus), not directories
    assert "nfiles: 3018\n" in (t.b.path / "data.dvc").read_text()


pytestmark_full = pytest.mark.corpus
test_add_whole_corpus_full = pytest.mark.corpus(test_add_whole_corpus_full)


def test_add_several_targets(twin):
    t = twin
    _add_both(t, "data/with space", "data/README.txt", "data/unicode/caf\u00e9.txt", "data/bin/run.sh")
    t.assert_same_tree()
    t.assert_same_cache()
    for s in t.sides:
        assert (s.path / "data/.gitignore").read_text() == "/with space\n/README.txt\n", s.name
        assert (s.path / "data/unicode/.gitignore").read_text() == "/caf\u00e9.txt\n", s.name
        # executable file: isexec recorded
        assert "isexec: true\n" in (s.path / "data/bin/run.sh.dvc").read_text(), s.name


def test_add_gitignore_escaping_and_append(twin):
    t = twin
    for s in t.sides:
        (s.path / "data/odd[1]*#!.txt").write_text("odd\n")
        (s.path / "data/.gitignore").write_bytes(b"/keep-me")  # no trailing newline
    _add_both(t, "data/odd[1]*#!.txt")
    t.assert_same_tree()
    t.assert_same_cache()


def test_add_no_commit(twin):
    t = twin
    _add_both(t, "--no-commit", "data/nested")
    t.assert_same_tree()
    t.assert_same_cache()
    # --no-commit: nothing reaches the cache, not even the .dir manifest
    assert t.b.cache() == {}
    ra, rb = t.both("status")
    t.assert_same_output(ra, rb)
    assert "not in cache:" in rb.stdout


def test_add_out(twin):
    t = twin
    for s in t.sides:
        (s.path / "out").mkdir()
    _add_both(t, "data/crlf/windows.txt", "-o", "out/win.txt")
    _add_both(t, "data/crlf", "--out", "out/crlfcopy")
    t.assert_same_tree()
    t.assert_same_cache()
    for s in t.sides:
        assert (s.path / "out/.gitignore").read_text() == "/win.txt\n/crlfcopy\n", s.name
        assert not (s.path / "data/crlf/.gitignore").exists(), s.name
        assert (s.path / "data/crlf/windows.txt").exists(), f"{s.name}: -o must not move the source"


def test_add_out_errors(twin):
    t = twin
    ra, rb = t.both("add", "data/README.txt", "data/bin", "-o", "x")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode != 0
    assert rb.stderr == "ERROR: multiple targets can't be used with --out\n"
    ra, rb = t.both("add", "data/README.txt", "-o", "missing/x")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode != 0
    assert "stage working dir" in rb.stderr and "does not exist" in rb.stderr


def test_add_honours_dvcignore(twin):
    t = twin
    for s in t.sides:
        with open(s.path / ".dvcignore", "a") as f:
            # unanchored, dir-only, anchored-with-slash (relative to the .dvcignore dir)
            f.write("*.csv\nunicode/\nwith space/another*\ndata/with space/file*\n!nothing\n")
    _add_both(t, "data")
    t.assert_same_tree()
    t.assert_same_cache()
    manifests = [k for k in t.b.cache() if k.endswith(".dir")]
    assert len(manifests) == 1
    body = (t.b.path / ".dvc/cache" / manifests[0]).read_text()
    assert ".csv" not in body
    assert "unicode/" not in body
    assert "file name" not in body
    # "with space/another*" is anchored at the repo root (it contains a slash): no match
    assert "another one" in body


def test_readd_unchanged_changes_nothing(twin):
    t = twin
    _add_both(t, "data/nested", "data/README.txt")
    rels = ["data/nested.dvc", "data/README.txt.dvc", "data/.gitignore"]
    before = [stat_snapshot(s.path, rels) for s in t.sides]
    cache_before = [s.cache() for s in t.sides]
    time.sleep(0.05)
    _add_both(t, "data/nested", "data/README.txt")
    after = [stat_snapshot(s.path, rels) for s in t.sides]
    for s, b, a in zip(t.sides, before, after):
        # DVC rewrites the .dvc files (new mtime) but bytes and inode stay the same
        strip = lambda d: {k: v[1:] for k, v in d.items()}  # noqa: E731
        assert strip(a) == strip(b), f"{s.name}: re-add of unchanged targets changed files"
    assert [s.cache() for s in t.sides] == cache_before
    t.assert_same_tree()


@pytest.mark.cairn_only
def test_readd_unchanged_keeps_mtime(repo_cairn):
    """cairn goes beyond DVC here: an unchanged re-add must not even rewrite the .dvc file.
    (Fails when CAIRN_BIN points at dvc: DVC rewrites the file with a new mtime.)"""
    s = repo_cairn
    s.ok("add", "data/nested", "data/README.txt")
    rels = ["data/nested.dvc", "data/README.txt.dvc", "data/.gitignore"]
    before = stat_snapshot(s.path, rels)
    time.sleep(0.05)
    s.ok("add", "data/nested", "data/README.txt")
    assert stat_snapshot(s.path, rels) == before, "re-add of unchanged targets rewrote files"


def test_add_modified_file_updates_entry(twin):
    t = twin
    _add_both(t, "data/README.txt")
    for s in t.sides:
        (s.path / "data/README.txt").write_text("changed\n")
    _add_both(t, "data/README.txt")
    t.assert_same_tree()
    t.assert_same_cache()


EDITED_DVC_FILE = """# dataset owned by team-x

# second header
outs:
- md5: {md5} # the checksum
  size: {size}    # bytes
  # about the hash
  hash: md5
  path: README.txt
  desc: 'the readme # not a comment'   # a comment
  meta:
    owner: x  # who
# before desc
desc: top level description
meta:
  reviewed: true
# trailing comment
"""


def test_readd_keeps_comments_desc_and_meta(twin):
    """A hand-edited .dvc file (comments, blank lines, top-level desc/meta, an output's
    desc/meta) re-added after the data changed: DVC's round-trip YAML keeps all of it and only
    replaces the md5 and size; cairn writes the same bytes."""
    t = twin
    _add_both(t, "data/README.txt")
    for s in t.sides:
        readme = s.path / "data/README.txt"
        (s.path / "data/README.txt.dvc").write_text(
            EDITED_DVC_FILE.format(md5=md5_file(readme), size=readme.stat().st_size))
        readme.write_text("changed, and longer than before\n")
    _add_both(t, "data/README.txt")
    t.assert_same_tree()
    text = (t.a.path / "data/README.txt.dvc").read_text()
    assert "# second header" in text and "  size: 32    # bytes\n" in text and "desc: top level" in text, text
    assert md5_file(t.a.path / "data/README.txt") in text
    t.assert_same_cache()


def test_add_git_tracked_file_refused(twin):
    t = twin
    for s in t.sides:
        s.git("add", "data/README.txt")
    ra, rb = t.both("add", "data/README.txt")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode != 0
    for s in t.sides:
        assert not (s.path / "data/README.txt.dvc").exists()
