"""DVC 2-style repos (no `hash: md5`, md5-dos2unix, legacy cache layout <cache>/xx/yyy)."""
import hashlib
import json
import os

import pytest

from conftest import load_json

pytestmark = pytest.mark.interop

TEXT_CHARS = bytes(range(32, 127)) + b"\n\r\t\f\b"


def dos2unix_md5(data: bytes) -> str:
    """DVC 2 `md5-dos2unix` for files < 1 MiB (one chunk): CRLF->LF if the chunk is text."""
    assert len(data) < (1 << 20)
    head = data[:512]
    is_text = not head or (b"\x00" not in head and
                           sum(1 for b in head if b not in TEXT_CHARS) / len(head) <= 0.30)
    return hashlib.md5(data.replace(b"\r\n", b"\n") if is_text else data).hexdigest()


FILES = {
    "w.txt": b"line one\r\nline two\r\n",
    "ldir/a.txt": b"alpha\r\nbeta\r\n",
    "ldir/sub/b.bin": b"\x00\x01\r\n\x02\x03" * 20,  # binary: not converted
    "ldir/c.txt": b"plain unix\n",
}


def _put_legacy(cache, oid, content):
    p = cache / oid[:2] / oid[2:]
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content)
    p.chmod(0o444)


def build_legacy(root):
    for rel, content in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    cache = root / ".dvc" / "cache"
    w = FILES["w.txt"]
    wmd5 = dos2unix_md5(w)
    assert wmd5 != hashlib.md5(w).hexdigest()
    _put_legacy(cache, wmd5, w)
    (root / "w.txt.dvc").write_text(f"outs:\n- md5: {wmd5}\n  size: {len(w)}\n  path: w.txt\n")
    entries = []
    for rel, content in FILES.items():
        if rel.startswith("ldir/"):
            oid = dos2unix_md5(content)
            _put_legacy(cache, oid, content)
            entries.append({"md5": oid, "relpath": rel[len("ldir/"):]})
    entries.sort(key=lambda e: e["relpath"])
    manifest = json.dumps(entries, sort_keys=True).encode()
    doid = hashlib.md5(manifest).hexdigest() + ".dir"
    _put_legacy(cache, doid, manifest)
    size = sum(len(c) for r, c in FILES.items() if r.startswith("ldir/"))
    (root / "ldir.dvc").write_text(
        f"outs:\n- md5: {doid}\n  size: {size}\n  nfiles: {len(entries)}\n  path: ldir\n")
    (root / ".gitignore").write_text("/w.txt\n/ldir\n")


@pytest.fixture
def legacy(twin):
    twin.each(build_legacy)
    for s in twin.sides:
        s.commit("legacy repo")
    return twin


def test_legacy_status_up_to_date(legacy):
    t = legacy
    ra, rb = t.both("status")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.stdout == "Data and pipelines are up to date.\n"
    for s in t.sides:  # and the other tool agrees on each repo
        assert s.run_other("status", ok=True).stdout == "Data and pipelines are up to date.\n"


def test_legacy_readd_unchanged_is_byte_identical(legacy):
    t = legacy
    before = [{f: (s.path / f).read_bytes() for f in ("w.txt.dvc", "ldir.dvc")} for s in t.sides]
    cache_before = [s.cache() for s in t.sides]
    ra, rb = t.both("add", "w.txt", "ldir")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    for s, b in zip(t.sides, before):
        for f, content in b.items():
            assert (s.path / f).read_bytes() == content, f"{s.name}: {f} changed on re-add"
    assert [s.cache() for s in t.sides] == cache_before, "no new objects for unchanged legacy outputs"


def test_legacy_changed_content_becomes_md5(legacy):
    t = legacy
    for s in t.sides:
        with open(s.path / "w.txt", "ab") as f:
            f.write(b"line three\r\n")
    ra, rb = t.both("status", "--json")
    assert load_json(ra) == load_json(rb) == {"w.txt.dvc": [{"changed outs": {"w.txt": "modified"}}]}
    ra, rb = t.both("add", "w.txt")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    new = FILES["w.txt"] + b"line three\r\n"
    expected = f"outs:\n- md5: {hashlib.md5(new).hexdigest()}\n  size: {len(new)}\n  path: w.txt\n  hash: md5\n"
    for s in t.sides:
        # existing keys keep their order; the new `hash` key is appended (ruamel round-trip)
        assert (s.path / "w.txt.dvc").read_text() == expected, s.name
    t.assert_same_tree()
    t.assert_same_cache()
    oid = hashlib.md5(new).hexdigest()
    assert f"files/md5/{oid[:2]}/{oid[2:]}" in t.b.cache()
    ra, rb = t.both("status")
    assert ra.stdout == rb.stdout == "Data and pipelines are up to date.\n"


def test_legacy_dir_changed_becomes_md5(legacy):
    t = legacy
    for s in t.sides:
        (s.path / "ldir/c.txt").write_bytes(b"edited\n")
    ra, rb = t.both("add", "ldir")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    for s in t.sides:
        text = (s.path / "ldir.dvc").read_text()
        assert text.endswith("  path: ldir\n  hash: md5\n"), text
    t.assert_same_tree()
    t.assert_same_cache()


def test_legacy_checkout(legacy):
    t = legacy
    for s in t.sides:
        os.remove(s.path / "w.txt")
        for dp, dn, fn in os.walk(s.path / "ldir", topdown=False):
            for f in fn:
                os.remove(os.path.join(dp, f))
            os.rmdir(dp)
    ra, rb = t.both("checkout")
    assert ra.returncode == rb.returncode == 0
    assert sorted(ra.stdout.splitlines()) == sorted(rb.stdout.splitlines())
    for s in t.sides:
        for rel, content in FILES.items():
            assert (s.path / rel).read_bytes() == content, f"{s.name}: {rel}"
    t.assert_same_tree()
