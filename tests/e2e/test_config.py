"""`config` and `cache dir`: resulting files byte-identical, same `config -l`."""
import pytest

pytestmark = pytest.mark.interop


def _files_equal(t, *rels):
    for rel in rels:
        pa, pb = t.a.path / rel, t.b.path / rel
        assert pa.exists() == pb.exists(), rel
        if pb.exists():
            assert pa.read_bytes() == pb.read_bytes(), f"{rel}:\ncairn: {pa.read_bytes()!r}\ndvc:   {pb.read_bytes()!r}"


def _same(t, *args, cwd_rel=None, expect_rc=0):
    kw = {}
    if cwd_rel:
        ra = t.a.run(*args, cwd=t.a.path / cwd_rel)
        rb = t.b.run(*args, cwd=t.b.path / cwd_rel)
    else:
        ra, rb = t.both(*args)
    t.assert_same_output(ra, rb, stderr=True)
    if expect_rc is not None:
        assert rb.returncode == expect_rc, rb.describe()
    return rb


def test_config_set_list_unset(twin):
    t = twin
    _same(t, "config", "cache.type", "hardlink,symlink")
    _same(t, "config", "core.autostage", "true")
    _same(t, "config", "--local", "core.checksum_jobs", "3")
    _same(t, "config", "core.remote", "myremote")
    _files_equal(t, ".dvc/config", ".dvc/config.local")
    assert (t.b.path / ".dvc/config").read_text() == (
        '[cache]\n    type = "hardlink,symlink"\n[core]\n    autostage = true\n    remote = myremote\n'
    )
    assert (t.b.path / ".dvc/config.local").read_text() == "[core]\n    checksum_jobs = 3\n"
    r = _same(t, "config", "-l")
    assert r.stdout == (
        "cache.type=hardlink,symlink\ncore.autostage=true\ncore.remote=myremote\ncore.checksum_jobs=3\n"
    )
    r = _same(t, "config", "--local", "-l")
    assert r.stdout == "core.checksum_jobs=3\n"
    r = _same(t, "config", "--list", "--show-origin")
    assert r.stdout.startswith(".dvc/config\tcache.type=hardlink,symlink\n")
    r = _same(t, "config", "cache.type")
    assert r.stdout == "hardlink,symlink\n"
    _same(t, "config", "--unset", "core.autostage")
    _files_equal(t, ".dvc/config")
    assert (t.b.path / ".dvc/config").read_text() == (
        '[cache]\n    type = "hardlink,symlink"\n[core]\n    remote = myremote\n'
    )
    r = _same(t, "config", "--unset", "core.autostage", expect_rc=251)
    assert r.stderr == (
        "ERROR: configuration error - config file error: option 'autostage' doesn't exist in section 'core'\n"
    )
    _same(t, "config", "--unset", "core.remote")
    _files_equal(t, ".dvc/config")  # the emptied [core] section is dropped
    assert (t.b.path / ".dvc/config").read_text() == '[cache]\n    type = "hardlink,symlink"\n'
    _same(t, "config", "--local", "--unset", "core.checksum_jobs")
    _files_equal(t, ".dvc/config.local")


def test_config_invalid_key(twin):
    t = twin
    r = _same(t, "config", "core.nonexistent", "1", expect_rc=251)
    assert r.stderr == (
        "ERROR: configuration error - config file error: extra keys not allowed @ data['core']['nonexistent']\n"
    )
    _files_equal(t, ".dvc/config")
    assert (t.b.path / ".dvc/config").read_bytes() == b""


def test_config_quoting(twin):
    t = twin
    _same(t, "config", "cache.type", "reflink,copy")
    _same(t, "config", "core.check_update", "false")
    _same(t, "config", "cache.slow_link_warning", "False")
    _files_equal(t, ".dvc/config")


def test_cache_dir(twin):
    t = twin
    _same(t, "cache", "dir", "../x")
    _files_equal(t, ".dvc/config")
    # relative to the cwd when given, stored relative to the config file's directory
    assert (t.b.path / ".dvc/config").read_text() == "[cache]\n    dir = ../../x\n"
    ra, rb = t.both("cache", "dir")  # prints the absolute cache path
    assert ra.stdout == str(t.a.path.parent / "x") + "\n"
    assert rb.stdout == str(t.b.path.parent / "x") + "\n"
    for s in t.sides:
        (s.path / "sub").mkdir()
    _same(t, "cache", "dir", "../y", cwd_rel="sub")
    _files_equal(t, ".dvc/config")
    assert (t.b.path / ".dvc/config").read_text() == "[cache]\n    dir = ../y\n"
    ra, rb = t.both("config", "-l")
    # DVC prints cache.dir resolved to an absolute path in `config -l`
    assert ra.stdout == f"cache.dir={t.a.path / 'y'}\n"
    assert rb.stdout == f"cache.dir={t.b.path / 'y'}\n"
    # the cache is used: add puts objects there
    t.both_ok("add", "-q", "data/README.txt")
    for s in t.sides:
        assert list((s.path / "y" / "files" / "md5").rglob("*")), s.name
        assert not (s.path / ".dvc" / "cache").exists()


def test_cache_dir_absolute_and_unset(twin):
    t = twin
    for s in t.sides:
        r = s.ok("cache", "dir", str(s.path.parent / "abs-cache"))
        assert r.stdout == ""
        assert (s.path / ".dvc/config").read_text() == f"[cache]\n    dir = {s.path.parent / 'abs-cache'}\n"
    _same(t, "cache", "dir", "--unset")
    _files_equal(t, ".dvc/config")
    _same(t, "config", "-l")
