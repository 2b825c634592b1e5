"""`remote add|modify|list|remove|rename|default`: after every step the four config files
(.dvc/config, .dvc/config.local, global, system) are byte-identical between cairn and DVC,
and stdout, stderr and exit codes match.

Each side keeps its global/system config dirs next to its repo (``<base>/env/...`` beside
``<base>/repo``), so relative paths saved in them are the same bytes on both sides, and the
two bases have names of equal length, so `remote list` expands tabs and wraps alike.
"""
import pytest

from conftest import Tool, Twin, _make_side, cairn_path, dvc_path, isolated_env

pytestmark = pytest.mark.interop

WIDE = {"COLUMNS": "1000"}  # rich wraps `remote list` at the console width; paths differ in length


@pytest.fixture
def rt(tmp_path):
    ea = isolated_env(tmp_path / "sa" / "env")
    eb = isolated_env(tmp_path / "sb" / "env")
    a = _make_side(Tool("cairn", cairn_path(), "CAIRN_BIN", ea), tmp_path / "sa", None, True)
    b = _make_side(Tool("dvc", dvc_path(), "DVC_BIN", eb), tmp_path / "sb", None, True)
    return Twin(a, b)


def _config_files(side):
    return {
        "repo": side.path / ".dvc" / "config",
        "local": side.path / ".dvc" / "config.local",
        "global": side.path.parent / "env" / "global-config" / "config",
        "system": side.path.parent / "env" / "system-config" / "config",
    }


def _norm(side, text):
    text = side.norm(text)
    return text.replace(str(side.path.parent), "<BASE>")


def assert_same_files(t):
    fa, fb = _config_files(t.a), _config_files(t.b)
    for level in fa:
        pa, pb = fa[level], fb[level]
        assert pa.exists() == pb.exists(), f"{level}: cairn exists={pa.exists()} dvc exists={pb.exists()}"
        if pb.exists():
            assert pa.read_bytes() == pb.read_bytes(), (
                f"{level} config differs:\ncairn: {pa.read_bytes()!r}\ndvc:   {pb.read_bytes()!r}"
            )


def step(t, *args, cwd_rel=None, rc=None, env=None):
    """Runs one command on both sides; same exit code, stdout, stderr and config files."""
    kw = {"extra_env": {**WIDE, **(env or {})}}
    if cwd_rel is not None:
        ra = t.a.run(*args, cwd=t.a.path / cwd_rel, **kw)
        rb = t.b.run(*args, cwd=t.b.path / cwd_rel, **kw)
    else:
        ra, rb = t.both(*args, **kw)
    assert ra.returncode == rb.returncode, f"exit codes differ\n{ra.describe()}\n{rb.describe()}"
    assert _norm(t.a, ra.stdout) == _norm(t.b, rb.stdout), f"stdout differs\n{ra.describe()}\n{rb.describe()}"
    assert _norm(t.a, ra.stderr) == _norm(t.b, rb.stderr), f"stderr differs\n{ra.describe()}\n{rb.describe()}"
    if rc is not None:
        assert rb.returncode == rc, rb.describe()
    assert_same_files(t)
    return rb


def read(side, level):
    return _config_files(side)[level].read_text()


CFG_ERR = "ERROR: configuration error - config file error: "


def test_add_list_default_force(rt):
    t = rt
    step(t, "remote", "add", "store", "../store", rc=0)
    assert read(t.b, "repo") == "['remote \"store\"']\n    url = ../../store\n"
    r = step(t, "remote", "add", "-d", "s3r", "s3://bucket/prefix", rc=0)
    assert r.stdout == "Setting 's3r' as a default remote.\n"
    r = step(t, "remote", "add", "store", "/elsewhere", rc=251)
    assert r.stderr == CFG_ERR + "remote 'store' already exists. Use `-f|--force` to overwrite it.\n"
    # -f replaces the whole section (options are dropped), in place
    step(t, "remote", "modify", "store", "jobs", "4", rc=0)
    step(t, "remote", "add", "-f", "store", "/elsewhere", rc=0)
    assert read(t.b, "repo") == (
        "[core]\n    remote = s3r\n['remote \"store\"']\n    url = /elsewhere\n"
        "['remote \"s3r\"']\n    url = s3://bucket/prefix\n"
    )
    # names are lower-cased
    step(t, "remote", "add", "MiXeD", "s3://b/m", rc=0)
    r = step(t, "remote", "list", rc=0)
    assert r.stdout == "store   /elsewhere\ns3r     s3://bucket/prefix      (default)\nmixed   s3://b/m\n"
    r = step(t, "remote", "default", rc=0)
    assert r.stdout == "s3r\n"
    step(t, "remote", "list", "--local", rc=0)
    step(t, "remote", "list", "--global", rc=0)
    step(t, "remote", "list", "-q", rc=0)
    step(t, "remote", "add", "-q", "-d", "quiet", "/q", rc=0)


def test_relative_paths_from_subdir(rt):
    t = rt
    for s in t.sides:
        (s.path / "sub" / "deeper").mkdir(parents=True)
    step(t, "remote", "add", "-d", "up", "../../outside", cwd_rel="sub/deeper", rc=0)
    step(t, "remote", "add", "here", "data/store", cwd_rel="sub", rc=0)
    step(t, "remote", "add", "home", "~/store", cwd_rel="sub", rc=0)
    step(t, "remote", "add", "abs", "/abs/store", cwd_rel="sub", rc=0)
    step(t, "remote", "add", "--local", "loc", "x", cwd_rel="sub", rc=0)
    step(t, "remote", "add", "--global", "glob", "g/store", cwd_rel="sub", rc=0)
    step(t, "remote", "add", "--system", "sys", "../s", cwd_rel="sub", rc=0)
    assert read(t.b, "repo") == (
        "[core]\n    remote = up\n['remote \"up\"']\n    url = ../outside\n"
        "['remote \"here\"']\n    url = ../sub/data/store\n['remote \"home\"']\n    url = ~/store\n"
        "['remote \"abs\"']\n    url = /abs/store\n"
    )
    assert read(t.b, "local") == "['remote \"loc\"']\n    url = ../sub/x\n"
    assert read(t.b, "global") == "['remote \"glob\"']\n    url = ../../repo/sub/g/store\n"
    # modify of a path option: relative to the cwd, saved relative to the file
    step(t, "remote", "modify", "here", "url", "../moved", cwd_rel="sub/deeper", rc=0)
    step(t, "remote", "add", "s3", "s3://b/p", rc=0)
    step(t, "remote", "modify", "s3", "credentialpath", "creds/aws", cwd_rel="sub", rc=0)
    step(t, "remote", "modify", "s3", "configpath", "/etc/aws.conf", rc=0)
    step(t, "remote", "modify", "--local", "s3", "credentialpath", "mine", cwd_rel="sub/deeper", rc=0)
    assert "credentialpath = ../sub/deeper/mine" in read(t.b, "local")
    # other edits keep (re-save) the relative paths
    step(t, "remote", "modify", "up", "jobs", "2", cwd_rel="sub", rc=0)
    r = step(t, "remote", "list", cwd_rel="sub", rc=0)
    assert "<ROOT>/sub/moved" in _norm(t.b, r.stdout)
    step(t, "remote", "list", "--system", rc=0)
    step(t, "remote", "list", "--project", rc=0)


def test_modify_options_and_errors(rt):
    t = rt
    step(t, "remote", "add", "-d", "loc", "/tmp/store", rc=0)
    step(t, "remote", "add", "s3", "s3://bucket/x", rc=0)
    step(t, "remote", "add", "web", "https://example.com/dvc", rc=0)
    step(t, "remote", "add", "ref", "remote://s3/sub", rc=0)
    ok = [
        ("loc", "jobs", "8"), ("loc", "type", "hardlink,symlink"), ("loc", "shared", "GROUP"),
        ("loc", "verify", "True"), ("loc", "checksum_jobs", " 3 "),
        ("s3", "region", "us-east-1"), ("s3", "endpointurl", "http://127.0.0.1:9000"),
        ("s3", "use_ssl", "false"), ("s3", "ssl_verify", "/path/ca.pem"), ("s3", "read_timeout", "-5"),
        ("s3", "access_key_id", "AKIAEXAMPLE"), ("s3", "profile", "dev"),
        ("web", "auth", "Basic"), ("web", "connect_timeout", "1.5e1"), ("web", "ssl_verify", "False"),
        ("ref", "anything", "goes"),
    ]
    for name, opt, val in ok:
        step(t, "remote", "modify", name, opt, val, rc=0)
    bad = [
        (("loc", "foo", "bar"), "extra keys not allowed @ data['remote']['loc']['foo']"),
        (("loc", "region", "x"), "extra keys not allowed @ data['remote']['loc']['region']"),
        (("loc", "URL", "/x"), "extra keys not allowed @ data['remote']['loc']['URL']"),
        (("loc", "jobs", "many"), "expected int for dictionary value @ data['remote']['loc']['jobs']"),
        (("loc", "jobs", "0"), "value must be at least 1 for dictionary value @ data['remote']['loc']['jobs']"),
        (("loc", "verify", "maybe"), "expected true or false for dictionary value @ data['remote']['loc']['verify']"),
        (("loc", "type", "copy,bogus"), "Unsupported cache type(s): bogus for dictionary value @ data['remote']['loc']['type']"),
        (("loc", "shared", "world"), "expected one of group for dictionary value @ data['remote']['loc']['shared']"),
        (("s3", "cache_regions", "true"), "expected bool for dictionary value @ data['remote']['s3']['cache_regions']"),
        (("s3", "read_timeout", "1.5"), "expected int for dictionary value @ data['remote']['s3']['read_timeout']"),
        (("s3", "projectname", "p"), "extra keys not allowed @ data['remote']['s3']['projectname']"),
        (("web", "auth", "token"), "expected one of basic, digest, custom for dictionary value @ data['remote']['web']['auth']"),
        (("web", "connect_timeout", "-1"), "value must be at least 0 for dictionary value @ data['remote']['web']['connect_timeout']"),
        (("web", "read_timeout", "soon"), "expected float for dictionary value @ data['remote']['web']['read_timeout']"),
        (("s3", "url", "foo://host/x"), "Unsupported URL type foo:// for dictionary value @ data['remote']['s3']"),
        (("s3", "url", "s3://[oops/x"), "not a valid value for dictionary value @ data['remote']['s3']"),
        (("s3", "region"), "expected str for dictionary value @ data['remote']['s3']['region']"),
        (("s3", "ssl_verify"), "expected true or false for dictionary value @ data['remote']['s3']['ssl_verify']"),
        (("loc", "jobs"), "expected int for dictionary value @ data['remote']['loc']['jobs']"),
    ]
    for args, msg in bad:
        r = step(t, "remote", "modify", *args, rc=251)
        assert r.stderr == CFG_ERR + msg + "\n"
    # a url that stops being s3 makes the s3 options invalid
    r = step(t, "remote", "modify", "s3", "url", "/local/now", rc=251)
    assert r.stderr == CFG_ERR + "extra keys not allowed @ data['remote']['s3']['region']\n"
    # no value on a "remote://" remote: DVC writes None
    step(t, "remote", "modify", "ref", "novalue", rc=0)
    assert "novalue = None" in read(t.b, "repo")
    # no value on a path option: DVC's uncaught TypeError
    r = step(t, "remote", "modify", "loc", "url", rc=255)
    assert r.stderr.startswith("ERROR: unexpected error - expected string or bytes-like object, got 'NoneType'\n")
    # unset: missing options are fine, -u ignores a value
    step(t, "remote", "modify", "-u", "loc", "jobs", rc=0)
    step(t, "remote", "modify", "-u", "loc", "nothing", rc=0)
    step(t, "remote", "modify", "loc", "type", "copy", "--unset", rc=0)
    # missing remote, at every level
    for level in ([], ["--local"], ["--global"], ["--system"], ["--project"]):
        r = step(t, "remote", "modify", *level, "nope", "jobs", "1", rc=251)
        assert r.stderr == CFG_ERR + "remote 'nope' doesn't exist.\n"
    # secrets: --local keeps them out of .dvc/config; nothing echoes them
    r = step(t, "remote", "modify", "--local", "s3", "secret_access_key", "SECRETVALUE", rc=0)
    assert "SECRETVALUE" in read(t.b, "local") and "SECRETVALUE" not in read(t.b, "repo")
    step(t, "remote", "modify", "--local", "s3", "session_token", "TOKENVALUE", rc=0)
    r = step(t, "remote", "list", rc=0)
    assert "SECRETVALUE" not in r.stdout + r.stderr
    r = step(t, "remote", "modify", "--local", "s3", "secret_access_kee", "SECRETVALUE", rc=251)
    assert "SECRETVALUE" not in r.stderr
    # a local-level section without url for a remote defined in the repo level
    step(t, "remote", "modify", "--local", "loc", "jobs", "-u", rc=0)
    assert read(t.b, "local").startswith("['remote \"s3\"']\n")
    r = step(t, "remote", "list", "--local", rc=255)
    assert r.stderr.startswith("ERROR: unexpected error - 'url'\n")


def test_remove_default_at_every_level(rt):
    t = rt
    step(t, "remote", "add", "--system", "-d", "r", "/s", rc=0)
    step(t, "remote", "add", "--global", "-d", "r", "/g", rc=0)
    step(t, "remote", "add", "-d", "r", "/p", rc=0)
    step(t, "remote", "add", "--local", "-d", "r", "/l", rc=0)
    step(t, "remote", "add", "other", "/o", rc=0)
    step(t, "remote", "list", rc=0)
    r = step(t, "remote", "default", "--system", rc=0)
    assert r.stdout == "r\n"
    step(t, "remote", "remove", "--local", "r", rc=0)
    step(t, "remote", "list", rc=0)
    step(t, "remote", "remove", "--global", "r", rc=0)  # also rewrites repo and local
    assert "remote = r" in read(t.b, "system") and "remote =" not in read(t.b, "repo")
    r = step(t, "remote", "remove", "--global", "r", rc=251)
    assert r.stderr == CFG_ERR + "remote 'r' doesn't exist.\n"
    step(t, "remote", "remove", "r", rc=0)
    step(t, "remote", "remove", "--system", "r", rc=0)
    r = step(t, "remote", "default", rc=1)
    assert r.stdout == "No default remote set\n"
    step(t, "remote", "default", "-q", rc=1)
    step(t, "remote", "remove", "R", rc=251)
    step(t, "remote", "remove", "OTHER", rc=0)
    assert read(t.b, "repo") == "\n" and read(t.b, "local") == "\n"


def test_remove_only_touches_matching_default(rt):
    t = rt
    step(t, "remote", "add", "-d", "a", "/a", rc=0)
    step(t, "remote", "add", "b", "/b", rc=0)
    step(t, "remote", "default", "--local", "b", rc=0)
    step(t, "remote", "remove", "a", rc=0)  # writes config.local too; keeps core.remote = b there
    assert read(t.b, "local") == "[core]\n    remote = b\n"


def test_rename(rt):
    t = rt
    step(t, "remote", "add", "-d", "old", "../store", rc=0)
    step(t, "remote", "add", "keep", "s3://b/k", rc=0)
    step(t, "remote", "modify", "old", "jobs", "3", rc=0)
    step(t, "remote", "default", "--local", "old", rc=0)
    step(t, "remote", "add", "--global", "-d", "gr", "s3://g/r", rc=0)
    step(t, "remote", "rename", "old", "new", rc=0)  # the renamed section moves last
    assert read(t.b, "repo") == (
        "[core]\n    remote = new\n['remote \"keep\"']\n    url = s3://b/k\n"
        "['remote \"new\"']\n    url = ../../store\n    jobs = 3\n"
    )
    assert read(t.b, "local") == "[core]\n    remote = new\n"
    r = step(t, "remote", "rename", "new", "keep", rc=251)
    assert r.stderr == CFG_ERR + "Rename failed. Remote name 'keep' already exists.\n"
    step(t, "remote", "rename", "new", "gr", rc=251)  # exists at another level
    r = step(t, "remote", "rename", "missing", "x", rc=251)
    assert r.stderr == CFG_ERR + "remote 'missing' doesn't exist.\n"
    step(t, "remote", "rename", "--local", "new", "x", rc=251)
    # the global default is renamed; levels above it too
    step(t, "remote", "rename", "--global", "gr", "gr2", rc=0)
    # the new name is not lower-cased (DVC writes it as typed)
    step(t, "remote", "rename", "keep", "KeepUpper", rc=0)
    step(t, "remote", "list", rc=0)
    step(t, "remote", "default", "--project", rc=0)
    step(t, "remote", "modify", "keepupper", "region", "eu", rc=0)
    step(t, "remote", "list", rc=0)


def test_default_set_unset(rt):
    t = rt
    step(t, "remote", "add", "a", "/a", rc=0)
    step(t, "remote", "add", "--local", "l", "/l", rc=0)
    step(t, "remote", "add", "--global", "g", "/g", rc=0)
    r = step(t, "remote", "default", "nope", rc=251)
    assert r.stderr == CFG_ERR + "default remote must be present in remote list.\n"
    step(t, "remote", "default", "A", rc=0)
    step(t, "remote", "default", "l", rc=0)  # the merged config includes the local level
    step(t, "remote", "default", "--project", "l", rc=251)  # below the project level: no
    step(t, "remote", "default", "--project", "g", rc=0)
    step(t, "remote", "default", "--global", "g", rc=0)
    step(t, "remote", "default", "--global", "a", rc=251)
    step(t, "remote", "default", "--system", "g", rc=255)  # DVC's KeyError on an empty merge
    for level in ([], ["--local"], ["--global"], ["--system"], ["--project"]):
        step(t, "remote", "default", *level, rc=None)
    step(t, "remote", "default", "--unset", rc=0)
    step(t, "remote", "default", "--unset", "--local", rc=0)
    step(t, "remote", "default", "--unset", "--system", rc=0)
    step(t, "remote", "default", "-u", "a", rc=0)
    step(t, "remote", "list", rc=0)


def test_fresh_repo_edits_and_empty_files(rt):
    t = rt
    step(t, "remote", "default", "--unset", rc=0)  # an empty .dvc/config becomes "\n"
    step(t, "remote", "list", rc=0)
    step(t, "remote", "default", rc=1)
    step(t, "remote", "remove", "x", rc=251)


def test_outside_repo(rt):
    t = rt
    for s in t.sides:
        (s.path.parent / "norepo").mkdir()
    out = "../norepo"
    step(t, "remote", "add", "r", "/x", cwd_rel=out, rc=251)
    step(t, "remote", "add", "--global", "-d", "g", "rel/path", cwd_rel=out, rc=0)
    step(t, "remote", "list", cwd_rel=out, rc=0)
    step(t, "remote", "list", "--local", cwd_rel=out, rc=255)
    step(t, "remote", "default", cwd_rel=out, rc=0)
    step(t, "remote", "default", "--project", cwd_rel=out, rc=255)
    step(t, "remote", "default", "--local", "g", cwd_rel=out, rc=251)
    step(t, "remote", "modify", "--global", "g", "jobs", "2", cwd_rel=out, rc=0)
    step(t, "remote", "modify", "g", "jobs", "2", cwd_rel=out, rc=251)
    step(t, "remote", "rename", "--global", "g", "g2", cwd_rel=out, rc=251)  # renamed, then fails
    step(t, "remote", "remove", "--global", "g2", cwd_rel=out, rc=251)  # removed, then fails


def test_invalid_higher_level_fails_after_write(rt):
    t = rt
    step(t, "remote", "add", "-d", "r", "/x", rc=0)
    step(t, "remote", "modify", "--local", "r", "jobs", "3", rc=0)
    # the repo level is written, then DVC's reload finds config.local's url-less remote
    r = step(t, "remote", "remove", "r", rc=251)
    assert r.stderr == CFG_ERR + "expected 'url' for dictionary value @ data['remote']['r']\n"
    step(t, "remote", "list", rc=255)


def test_list_wraps_like_rich(rt):
    t = rt
    step(t, "remote", "add", "-d", "averyveryverylongremotename", "s3://bucket/" + "p" * 50, rc=0)
    step(t, "remote", "add", "x", "s3://b/" + "q/" * 60, rc=0)
    step(t, "remote", "add", "mid", "s3://b/some path with spaces/and more words here", rc=0)
    for cols in ("40", "80", "23", "7"):
        step(t, "remote", "list", env={"COLUMNS": cols}, rc=0)


@pytest.mark.cairn_only
def test_help_for_every_subcommand(cairn, tmp_path):
    for sub, words in [("add", ["--default", "--force", "url"]), ("modify", ["--unset", "option", "value"]),
                       ("list", ["--local"]), ("remove", ["name"]), ("rename", ["new"]),
                       ("default", ["--unset", "name"])]:
        r = cairn.run("remote", sub, "--help", cwd=tmp_path, ok=True)
        for w in ["--global", "--system", "--project", "--local", *words]:
            assert w in r.stdout, (sub, w, r.stdout)
    r = cairn.run("remote", "--help", cwd=tmp_path, ok=True)
    for sub in ("add", "modify", "list", "remove", "rename", "default"):
        assert sub in r.stdout


@pytest.mark.cairn_only
def test_list_never_prints_a_password_in_a_url(rt):
    """DVC prints URLs verbatim; cairn redacts credentials embedded in them (and nothing else)."""
    s = rt.a
    s.ok("remote", "add", "-d", "web", "https://alice:s3cr3t-pw@example.org/data")
    r = s.ok("remote", "list", extra_env=WIDE)
    assert "s3cr3t-pw" not in r.stdout + r.stderr
    assert "example.org/data" in r.stdout and "web" in r.stdout
    assert "s3cr3t-pw" in (s.path / ".dvc" / "config").read_text()  # the config itself is untouched
