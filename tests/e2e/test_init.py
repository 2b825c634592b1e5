"""`init` variants: created files and messages must match DVC byte for byte."""
import pytest

from conftest import git

pytestmark = pytest.mark.interop

DVCIGNORE = (
    "# Add patterns of files dvc should ignore, which could improve\n"
    "# the performance. Learn more at\n"
    "# https://dvc.org/doc/user-guide/dvcignore\n"
)
INIT_FILES = [".dvc/config", ".dvc/.gitignore", ".dvcignore"]


def _read(side, rel):
    return (side.path / rel).read_bytes()


def _assert_files_equal(twin, rels, base=""):
    for rel in rels:
        a, b = _read(twin.a, base + rel), _read(twin.b, base + rel)
        assert a == b, f"{base + rel} differs:\ncairn: {a!r}\ndvc:   {b!r}"


def _strip_welcome(r):
    """DVC appends a "What's next?" block of links to its own website and GitHub; cairn
    deliberately prints only the lines before it (the part scripts rely on)."""
    r.stdout = r.stdout.split("What's next?", 1)[0]
    return r


def test_init_scm(twin_bare):
    t = twin_bare
    ra, rb = map(_strip_welcome, t.both("init"))
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    assert rb.stdout.startswith("Initialized DVC repository.\n\nYou can now commit the changes to git.\n")
    _assert_files_equal(t, INIT_FILES)
    assert _read(t.b, ".dvc/config") == b""
    assert _read(t.b, ".dvc/.gitignore") == b"/config.local\n/tmp\n/cache\n"
    assert _read(t.b, ".dvcignore").decode() == DVCIGNORE
    for s in t.sides:
        assert not (s.path / ".dvc" / "cache").exists(), f"{s.name}: init must not create the cache"
        # init stages its three files in git (autostage forced on).
        staged = set(s.git("diff", "--cached", "--name-only").split())
        assert staged == set(INIT_FILES), f"{s.name}: staged {staged}"


def test_init_no_scm(twin_bare):
    t = twin_bare
    res = []
    for s in t.sides:
        d = s.path.parent / "noscm"  # outside any git repo
        d.mkdir()
        res.append(_strip_welcome(s.run("init", "--no-scm", cwd=d)))
    t.assert_same_output(*res, stderr=True)
    assert res[1].returncode == 0
    assert "You can now commit" not in res[1].stdout
    for rel in [".dvc/config", ".dvcignore"]:
        a = (t.a.path.parent / "noscm" / rel).read_bytes()
        b = (t.b.path.parent / "noscm" / rel).read_bytes()
        assert a == b, rel
    assert (t.b.path.parent / "noscm/.dvc/config").read_bytes() == b"[core]\n    no_scm = True\n"
    # DVC quirk: without SCM no .dvc/.gitignore is written
    for s in t.sides:
        assert not (s.path.parent / "noscm/.dvc/.gitignore").exists(), s.name


def test_init_subdir(twin_bare):
    t = twin_bare
    res = []
    for s in t.sides:
        (s.path / "sub" / "proj").mkdir(parents=True)
        res.append(_strip_welcome(s.run("init", "--subdir", cwd=s.path / "sub" / "proj")))
    t.assert_same_output(*res, stderr=True)
    assert res[1].returncode == 0
    _assert_files_equal(t, INIT_FILES, base="sub/proj/")
    for s in t.sides:
        assert not (s.path / ".dvc").exists()
        staged = set(s.git("diff", "--cached", "--name-only").split())
        assert staged == {"sub/proj/" + f for f in INIT_FILES}


def test_init_in_subdir_without_flag_fails(twin_bare):
    t = twin_bare
    res = []
    for s in t.sides:
        (s.path / "sub").mkdir()
        res.append(s.run("init", cwd=s.path / "sub"))
    t.assert_same_output(*res, stderr=True)
    assert res[1].returncode != 0
    assert "is not tracked by any supported SCM tool (e.g. Git)" in res[1].stderr
    for s in t.sides:
        assert not (s.path / "sub" / ".dvc").exists()


def test_init_no_scm_and_subdir_is_error(twin_bare):
    t = twin_bare
    ra, rb = t.both("init", "--no-scm", "--subdir")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode != 0
    assert rb.stderr == "ERROR: Cannot initialize repo with `--no-scm` and `--subdir`\n"
    for s in t.sides:
        assert not (s.path / ".dvc").exists()


def test_reinit_fails_without_force(twin_bare):
    t = twin_bare
    t.both_ok("init")
    before = [s.snapshot(exclude=(".git",)) for s in t.sides]
    ra, rb = t.both("init")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 1
    assert rb.stderr == "ERROR: failed to initiate DVC - '.dvc' exists. Use `-f` to force.\n"
    assert [s.snapshot(exclude=(".git",)) for s in t.sides] == before


def test_init_force(twin_bare):
    t = twin_bare
    t.both_ok("init")
    for s in t.sides:
        (s.path / ".dvc" / "config").write_text("[core]\n    autostage = true\n")
        (s.path / ".dvc" / "junk").write_text("junk")
        (s.path / ".dvcignore").write_text("custom\n")
    ra, rb = map(_strip_welcome, t.both("init", "-f"))
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0
    _assert_files_equal(t, INIT_FILES)
    for s in t.sides:
        assert (s.path / ".dvc" / "config").read_bytes() == b"", s.name
        assert not (s.path / ".dvc" / "junk").exists(), f"{s.name}: -f must wipe .dvc/"
        # an existing .dvcignore is kept
        assert (s.path / ".dvcignore").read_text() == "custom\n", s.name


def test_init_quiet(twin_bare):
    t = twin_bare
    ra, rb = t.both("init", "-q")
    t.assert_same_output(ra, rb, stderr=True)
    assert rb.returncode == 0 and rb.stdout == ""
