"""push / fetch / pull / status -c: cairn and DVC 3 share remotes, both ways.

Every test runs against a local folder remote and against S3 served by ``moto_server`` on
127.0.0.1 (started by the ``moto`` fixture; if it cannot start, the S3 tests FAIL — never
skip). DVC talks to moto through ``dvc-s3`` (installed next to dvc by scripts/install-deps.sh)
with dummy credentials and ``endpointurl``; cairn through its own S3 client, with the same
configuration. A second moto instance enforces authentication (``/moto-api/reset-auth``) so
that credentials can be rejected.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import Tool, _make_side, cache_dir, cache_objects, dvc_path, git, load_json, md5_file, verify_cache
from terminal import run_in_pty

pytestmark = pytest.mark.interop

ACCESS_KEY = "AKIACAIRNE2ETESTKEY1"
SECRET_KEY = "cairnE2E/Secret+ShouldNeverBePrinted=42"

# ----------------------------------------------------------------------------- moto_server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# moto (without enforced auth) accepts any signature but refuses anonymous reads of objects.
_FAKE_AUTH = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAMOTOTEST/20240101/us-east-1/s3/aws4_request, "
                               "SignedHeaders=host, Signature=0"}


def _http(method: str, url: str, data: bytes | None = None, headers=None, timeout=10):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or dict(_FAKE_AUTH))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@dataclass
class Moto:
    endpoint: str
    proc: subprocess.Popen
    log: Path

    def create_bucket(self, name: str) -> None:
        status, body = _http("PUT", f"{self.endpoint}/{name}", data=b"")
        assert status == 200, f"create bucket {name}: {status} {body[:300]!r}"

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        keys, token = [], None
        while True:
            q = f"list-type=2&prefix={urllib.request.quote(prefix)}"
            if token:
                q += f"&continuation-token={urllib.request.quote(token)}"
            status, body = _http("GET", f"{self.endpoint}/{bucket}?{q}")
            assert status == 200, f"list {bucket}: {status} {body[:300]!r}"
            root = ET.fromstring(body)
            keys += [c.find(f"{ns}Key").text for c in root.findall(f"{ns}Contents")]
            if (root.findtext(f"{ns}IsTruncated") or "false") != "true":
                return keys
            token = root.findtext(f"{ns}NextContinuationToken")

    def get(self, bucket: str, key: str) -> bytes:
        status, body = _http("GET", f"{self.endpoint}/{bucket}/{urllib.request.quote(key)}")
        assert status == 200, f"get {key}: {status}"
        return body

    def delete(self, bucket: str, key: str) -> None:
        _http("DELETE", f"{self.endpoint}/{bucket}/{urllib.request.quote(key)}")


def _start_moto(tmp_path_factory, label: str) -> Moto:
    exe = shutil.which("moto_server")
    if not exe:
        pytest.fail("moto_server not found on PATH (pip install 'moto[server]'); the S3 tests need it",
                    pytrace=False)
    log = tmp_path_factory.mktemp(f"moto-{label}") / "moto.log"
    port = _free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"moto_server exited with {proc.returncode}:\n{log.read_text()[-2000:]}", pytrace=False)
        try:
            if _http("GET", endpoint + "/", timeout=2)[0] == 200:
                return Moto(endpoint, proc, log)
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    pytest.fail(f"moto_server did not answer on {endpoint} within 60 s:\n{log.read_text()[-2000:]}", pytrace=False)


def _stop_moto(m: Moto) -> None:
    m.proc.terminate()
    try:
        m.proc.wait(10)
    except subprocess.TimeoutExpired:
        m.proc.kill()
        m.proc.wait()


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    m = _start_moto(tmp_path_factory, "plain")
    yield m
    _stop_moto(m)


@pytest.fixture(scope="module")
def moto_auth(tmp_path_factory):
    """A moto that verifies every request's credentials (none are valid: all are rejected)."""
    m = _start_moto(tmp_path_factory, "auth")
    m.create_bucket("auth-bucket")
    status, body = _http("POST", f"{m.endpoint}/moto-api/reset-auth", data=b"0",
                         headers={"Content-Type": "text/plain"})
    assert status == 200, f"reset-auth: {status} {body!r}"
    yield m
    _stop_moto(m)


# ----------------------------------------------------------------------------- backends


@dataclass
class Backend:
    """Where a test's remotes live: local folders or buckets on moto."""

    kind: str
    base: Path
    moto: Moto | None = None

    def new_url(self, label: str) -> str:
        if self.kind == "local":
            return str(self.base / f"{label}-{uuid.uuid4().hex[:8]}")
        bucket = f"cairn-{label}-{uuid.uuid4().hex[:10]}".lower()
        self.moto.create_bucket(bucket)
        return f"s3://{bucket}/store"

    def setup_env(self, *envs: dict) -> None:
        if self.kind == "s3":
            for e in envs:
                e.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                          "AWS_DEFAULT_REGION": "us-east-1"})
                for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
                    e.pop(k, None)

    def configure(self, side, name: str, url: str, default: bool = True, endpoint: str | None = None) -> None:
        args = ["remote", "add"] + (["-d"] if default else []) + [name, url]
        side.ok(*args)
        if url.startswith("s3://"):
            side.ok("remote", "modify", name, "endpointurl", endpoint or self.moto.endpoint)

    def objects(self, url: str) -> dict:
        """Every object of a remote: key relative to the remote root -> md5 of its bytes."""
        out = {}
        if self.kind == "local":
            root = Path(url)
            if root.exists():
                for p in root.rglob("*"):
                    if p.is_file() and not (p.name.startswith(".") and p.name.endswith(".tmp")):
                        out[p.relative_to(root).as_posix()] = md5_file(p)
            return out
        bucket, prefix = url[5:].split("/", 1)
        for key in self.moto.keys(bucket, prefix + "/"):
            out[key[len(prefix) + 1:]] = hashlib.md5(self.moto.get(bucket, key)).hexdigest()
        return out

    def modes(self, url: str) -> dict:
        if self.kind != "local":
            return {}
        root = Path(url)
        return {p.relative_to(root).as_posix(): oct(p.stat().st_mode & 0o777) for p in root.rglob("*") if p.is_file()}

    def delete(self, url: str, key: str) -> None:
        if self.kind == "local":
            p = Path(url) / key
            p.chmod(0o644)
            p.unlink()
        else:
            bucket, prefix = url[5:].split("/", 1)
            self.moto.delete(bucket, f"{prefix}/{key}")


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path) -> Backend:
    if request.param == "local":
        return Backend("local", tmp_path / "remotes")
    return Backend("s3", tmp_path / "remotes", request.getfixturevalue("moto"))


@pytest.fixture
def solo(tmp_path, cairn, small_corpus_template):
    """A cairn repo with the small corpus; run_other() runs dvc in it (same environment)."""
    return _make_side(cairn, tmp_path / "solo", small_corpus_template, True, Tool("dvc", dvc_path(), "DVC_BIN", cairn.env))


def verify_remote(objects: dict) -> None:
    """Every key is files/md5/<2>/<30>[.dir] and its bytes hash to its name."""
    problems = []
    for key, digest in objects.items():
        parts = key.split("/")
        if len(parts) != 4 or parts[:2] != ["files", "md5"] or len(parts[2]) != 2:
            problems.append(f"unexpected key {key}")
        elif (parts[2] + parts[3]).removesuffix(".dir") != digest:
            problems.append(f"{key} has md5 {digest}")
    assert not problems, "remote verification failed:\n" + "\n".join(problems)


def workspace_files(root: Path) -> dict:
    """data/ as relpath -> md5 (a manifest records no execute bits, so DVC restores none)."""
    return {p.relative_to(root).as_posix(): md5_file(p) for p in (root / "data").rglob("*") if p.is_file()}


def clone(side, dest: Path) -> Path:
    side.commit("track data")
    git(dest.parent, "clone", "-q", str(side.path), str(dest), env=side.env)
    return dest


def counters(side, tmp_path, *args, ok=True, **kw):
    f = tmp_path / f"counters-{time.monotonic_ns()}.json"
    r = side.run(*args, extra_env={"CAIRN_COUNTERS_FILE": str(f)}, ok=ok, **kw)
    return r, json.loads(f.read_text())


def status_lines(text: str) -> list:
    return sorted(text.splitlines())


def _one_error(r, *, secret=SECRET_KEY):
    out = r.stdout + r.stderr
    assert r.returncode != 0, r.describe()
    assert r.returncode > 0, f"killed instead of failing:\n{r.describe()}"
    assert secret not in out, f"the secret leaked:\n{r.describe()}"
    assert "Traceback" not in out, r.describe()
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("ERROR:")]
    assert len(errors) == 1, f"expected one clear error line:\n{r.describe()}"
    return errors[0]


# ----------------------------------------------------------------------------- tests


def test_cairn_push_then_dvc_pull_in_a_fresh_clone(twin, backend, tmp_path):
    s = twin.a  # cairn
    backend.setup_env(s.env)
    url = backend.new_url("c2d")
    s.ok("add", "data")
    backend.configure(s, "store", url)
    r = s.ok("push")
    n_objects = len(backend.objects(url))
    assert r.stdout == f"{n_objects} files pushed\n", r.describe()
    verify_remote(backend.objects(url))
    if backend.kind == "local":
        assert set(backend.modes(url).values()) == {"0o444"}, "remote objects are 0444 as DVC writes them"
    c = clone(s, tmp_path / "clone")
    r = s.run_other("pull", cwd=c, ok=True)  # dvc
    assert workspace_files(c) == workspace_files(s.path)
    verify_cache(cache_dir(c))
    r = s.run_other("status", "-c", cwd=c, ok=True)
    assert r.stdout == "Cache and remote 'store' are in sync.\n", r.describe()
    r = s.run_other("push", cwd=c, ok=True)
    assert r.stdout == "Everything is up to date.\n", r.describe()


def test_dvc_push_then_cairn_pull_in_a_fresh_clone(twin, backend, tmp_path):
    s = twin.b  # dvc
    backend.setup_env(s.env)
    url = backend.new_url("d2c")
    s.ok("add", "data")
    backend.configure(s, "store", url)
    s.ok("push")
    c = clone(s, tmp_path / "clone")
    r = s.run_other("pull", cwd=c, ok=True)  # cairn
    assert workspace_files(c) == workspace_files(s.path)
    verify_cache(cache_dir(c))
    assert cache_objects(cache_dir(c)) == cache_objects(cache_dir(s.path))
    lines = r.stdout.splitlines()
    assert lines[0] == "A       data/", r.describe()
    assert lines[1].endswith(" files added") and " files fetched and " in lines[1], r.describe()
    r = s.run_other("status", "-c", cwd=c, ok=True)
    assert r.stdout == "Cache and remote 'store' are in sync.\n", r.describe()
    r = s.run_other("pull", cwd=c, ok=True)
    assert r.stdout == "Everything is up to date.\n", r.describe()


def test_pushed_objects_are_identical_and_outputs_match(twin, backend):
    t = twin
    backend.setup_env(t.a.env, t.b.env)
    urls = {}
    for s in t.sides:
        urls[s.name] = backend.new_url(s.name)
        backend.configure(s, "store", urls[s.name])
    t.both_ok("add", "data")
    ra, rb = t.both("push")
    t.assert_same_output(ra, rb)
    oa, ob = backend.objects(urls["cairn"]), backend.objects(urls["dvc"])
    assert oa == ob, "remote keys or bytes differ:\n" + "\n".join(sorted(set(oa.items()) ^ set(ob.items()))[:20])
    assert backend.modes(urls["cairn"]) == backend.modes(urls["dvc"])
    ra, rb = t.both("push")
    t.assert_same_output(ra, rb)
    assert ra.stdout == "Everything is up to date.\n"
    # pull after losing workspace and cache: same lines, same summary
    for s in t.sides:
        shutil.rmtree(s.path / "data")
        shutil.rmtree(cache_dir(s.path))
    ra, rb = t.both("pull")
    t.assert_same_output(ra, rb)
    t.assert_same_tree(exclude=(".git", ".dvc/tmp", ".dvc/cache", ".dvc/config"))  # remote URLs differ
    t.assert_same_cache()
    ra, rb = t.both("fetch")
    t.assert_same_output(ra, rb)


def test_status_cloud_matches_dvc(twin, backend):
    t = twin
    backend.setup_env(t.a.env, t.b.env)
    urls = {}
    for s in t.sides:
        urls[s.name] = backend.new_url(s.name)
        backend.configure(s, "store", urls[s.name])
    t.both_ok("add", "data")

    def compare(text=True, as_json=True):
        ra = ja = None
        if text:
            ra, rb = t.both("status", "-c")
            assert ra.returncode == rb.returncode == 0, f"{ra.describe()}\n{rb.describe()}"
            assert status_lines(ra.stdout) == status_lines(rb.stdout), f"{ra.describe()}\n{rb.describe()}"
        if as_json:
            ja, jb = t.both("status", "-c", "--json")
            assert load_json(ja) == load_json(jb), f"{ja.describe()}\n{jb.describe()}"
        return ra or ja, load_json(ja) if ja else None

    r, j = compare()
    assert j and set(j.values()) == {"new"}, r.describe()
    assert "\tnew:                data/README.txt\n" in r.stdout
    # one cache object lost before the push: missing; the directory's .dir stays unpushed
    victim = "data/nested/a/b/c/deep.txt"
    digest = md5_file(t.a.path / victim)
    for s in t.sides:
        p = cache_dir(s.path) / "files" / "md5" / digest[:2] / digest[2:]
        p.chmod(0o644)
        p.unlink()
    ra, rb = t.both("push")
    t.assert_same_output(ra, rb, stderr=True)
    r, j = compare(text=False)
    assert j == {"data": "new", victim: "missing"}, r.describe()
    # the object comes back: the rest is in sync
    for s in t.sides:
        p = cache_dir(s.path) / "files" / "md5" / digest[:2] / digest[2:]
        shutil.copyfile(s.path / victim, p)
        p.chmod(0o444)
    ra, rb = t.both("push")
    t.assert_same_output(ra, rb, stderr=True)
    r, _ = compare(as_json=False)
    assert r.stdout == "Cache and remote 'store' are in sync.\n", r.describe()
    # an object only the remote has: deleted
    for s in t.sides:
        p = cache_dir(s.path) / "files" / "md5" / digest[:2] / digest[2:]
        p.chmod(0o644)
        p.unlink()
    r, j = compare(text=False)
    assert j == {victim: "deleted"}, r.describe()
    ra, rb = t.both("status", "-r", "store", "-q")
    assert ra.returncode == rb.returncode == 1 and ra.stdout == rb.stdout == ""


def test_second_push_asks_no_per_object_requests(solo, backend, tmp_path):
    s = solo
    backend.setup_env(s.env)
    url = backend.new_url("noop")
    backend.configure(s, "store", url)
    s.ok("add", "data")
    r, c = counters(s, tmp_path, "push")
    assert c["objects_uploaded"] == len(backend.objects(url)) > 60, (r.describe(), c)
    assert c["remote_lists"] <= 2, c  # an empty remote: the estimate listing and one listing
    r, c = counters(s, tmp_path, "push")
    assert r.stdout == "Everything is up to date.\n", r.describe()
    assert c["objects_uploaded"] == 0 and c["remote_lists"] == 0 and c["remote_stats"] <= 4, c
    r, c = counters(s, tmp_path, "status", "-c")
    assert r.stdout == "Cache and remote 'store' are in sync.\n", r.describe()
    assert c["remote_lists"] == 0 and c["remote_stats"] <= 4, c
    # -v prints the counters too
    r = s.ok("push", "-v")
    assert '"remote_lists": 0' in r.stderr, r.describe()
    # without the index (a new clone would have none) the .dir answers for its files
    shutil.rmtree(s.path / ".dvc" / "tmp" / "cairn" / "remote-index")
    r, c = counters(s, tmp_path, "push")
    assert r.stdout == "Everything is up to date.\n", r.describe()
    assert c["remote_lists"] == 0 and c["remote_stats"] == 1, c


def test_killed_push_and_pull_resume(solo, backend, tmp_path):
    s = solo
    backend.setup_env(s.env)
    url = backend.new_url("kill")
    backend.configure(s, "store", url)
    s.ok("add", "data")
    r = s.run("push", "-j", "2", extra_env={"CAIRN_FAULT": "crash=push.after_upload@20"})
    assert r.returncode == -signal.SIGKILL, r.describe()
    partial = backend.objects(url)
    assert 0 < len(partial) < 60, len(partial)
    verify_remote(partial)
    assert not any(k.endswith(".dir") for k in partial), "a .dir was pushed before its files"
    r = s.ok("push")
    assert r.stdout.endswith(" files pushed\n"), r.describe()
    full = backend.objects(url)
    verify_remote(full)
    assert any(k.endswith(".dir") for k in full)
    # DVC agrees the remote is complete
    r = s.run_other("status", "-c", ok=True)
    assert r.stdout == "Cache and remote 'store' are in sync.\n", r.describe()

    # pull killed while writing objects into the cache, then resumed
    shutil.rmtree(s.path / "data")
    shutil.rmtree(cache_dir(s.path))
    r = s.run("pull", "-j", "2", extra_env={"CAIRN_FAULT": "crash=fetch.before_rename@15"})
    assert r.returncode == -signal.SIGKILL, r.describe()
    verify_cache(cache_dir(s.path), allow_tmp=True)
    s.ok("pull")
    verify_cache(cache_dir(s.path), allow_tmp=True)
    r = s.run_other("status", ok=True)
    assert r.stdout == "Data and pipelines are up to date.\n", r.describe()


def test_killed_push_by_signal_resumes(repo_cairn_full, tmp_path):
    """SIGKILL from outside after a moment (local remote, 3000+ objects)."""
    s = repo_cairn_full
    url = tmp_path / "remote"
    s.ok("remote", "add", "-d", "store", str(url))
    s.ok("add", "data")
    p = s.tool.popen("push", "-j", "4", cwd=s.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(url.rglob("*"))) < 200 and p.poll() is None:
        time.sleep(0.01)
    p.kill()
    p.wait()
    r = s.ok("push")
    b = Backend("local", tmp_path)
    verify_remote(b.objects(str(url)))
    r = s.run_other("status", "-c", ok=True)
    assert r.stdout == "Cache and remote 'store' are in sync.\n", r.describe()


@pytest.mark.parametrize("case", ["unreachable", "missing_bucket", "bad_credentials"])
def test_remote_errors_are_one_clear_message(solo, request, case, tmp_path):
    s = solo
    b = Backend("s3", tmp_path, request.getfixturevalue("moto"))
    b.setup_env(s.env)
    s.ok("add", "data")
    if case == "unreachable":
        url, endpoint, words = b.new_url("down"), f"http://127.0.0.1:{_free_port()}", ("connect",)
    elif case == "missing_bucket":
        url, endpoint, words = "s3://cairn-no-such-bucket/store", b.moto.endpoint, ("does not exist",)
    else:
        auth = request.getfixturevalue("moto_auth")
        url, endpoint, words = "s3://auth-bucket/store", auth.endpoint, ("access denied", "credentials")
    b.configure(s, "store", url, endpoint=endpoint)
    before = cache_objects(cache_dir(s.path), include_tmp=True)
    for args in (["push"], ["status", "-c"], ["push", "-v"]):
        line = _one_error(s.run(*args))
        assert any(w in line.lower() for w in words), (case, line)
        assert cache_objects(cache_dir(s.path), include_tmp=True) == before
    shutil.rmtree(cache_dir(s.path))
    shutil.rmtree(s.path / "data")
    for args in (["fetch"], ["pull"]):
        line = _one_error(s.run(*args))
        assert any(w in line.lower() for w in words), (case, line)
        assert cache_objects(cache_dir(s.path), include_tmp=True) == {}, "nothing may be written"
    assert not (s.path / "data").exists()


def test_no_remote_messages_match_dvc(twin):
    t = twin
    t.both_ok("add", "data/README.txt")
    ra, rb = t.both("push")
    t.assert_same_output(ra, rb, stderr=True)
    assert ra.returncode == 1 and "no remote specified" in ra.stderr
    ra, rb = t.both("fetch")
    t.assert_same_output(ra, rb, stderr=True)
    ra, rb = t.both("status", "-c", "-r", "nope")
    t.assert_same_output(ra, rb, stderr=True)
    ra, rb = t.both("push", "-r", "nope")
    t.assert_same_output(ra, rb, stderr=True)


def test_per_output_remote_and_missing_warning_match_dvc(twin, tmp_path):
    t = twin
    for s in t.sides:
        s.ok("remote", "add", "-d", "main", str(tmp_path / f"{s.name}-main"))
        s.ok("remote", "add", "other", str(tmp_path / f"{s.name}-other"))
    t.both_ok("add", "data/README.txt", "data/unicode")
    for s in t.sides:
        with open(s.path / "data" / "README.txt.dvc", "a") as f:
            f.write("  remote: other\n")
    ra, rb = t.both("status", "-c", "--json")
    assert load_json(ra) == load_json(rb)
    ra, rb = t.both("push")
    t.assert_same_output(ra, rb, stderr=True)
    for label in ("main", "other"):
        a = Backend("local", tmp_path).objects(str(tmp_path / f"cairn-{label}"))
        b = Backend("local", tmp_path).objects(str(tmp_path / f"dvc-{label}"))
        assert a == b and a, label
    ra, rb = t.both("push", "-r", "main")
    t.assert_same_output(ra, rb, stderr=True)
    # an object lost everywhere: DVC's warning, same text
    digest = md5_file(t.a.path / "data" / "unicode" / "caf\u00e9.txt")
    for s in t.sides:
        shutil.rmtree(tmp_path / f"{s.name}-main")
        p = cache_dir(s.path) / "files" / "md5" / digest[:2] / digest[2:]
        p.chmod(0o644)
        p.unlink()
    ra, rb = t.both("push")
    t.assert_same_output(ra, rb, stderr=True)
    assert "Missing cache files:" in ra.stderr


def test_progress_bar_on_a_terminal_only(solo, tmp_path):
    s = solo
    s.ok("remote", "add", "-d", "store", str(tmp_path / "remote"))
    s.ok("add", "data")
    env = dict(s.tool.env, CAIRN_PROGRESS_DELAY_MS="0")
    code, out = run_in_pty([str(s.tool.binary), "push", "-j", "1"], s.path, env)
    assert code == 0, out
    assert "Pushing" in out and "files" in out and "/s" in out and "\r" in out, out
    assert out.rstrip().endswith("files pushed"), out
    shutil.rmtree(cache_dir(s.path))
    shutil.rmtree(s.path / "data")
    r = subprocess.run([str(s.tool.binary), "fetch"], cwd=s.path, env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "Fetching" not in r.stderr and "\r" not in r.stderr, r.stderr
    shutil.rmtree(cache_dir(s.path))
    code, out = run_in_pty([str(s.tool.binary), "pull", "-j", "1"], s.path, env)
    assert code == 0 and "Fetching" in out, out


def test_pull_hashes_each_downloaded_object_once(solo, tmp_path):
    """fetch verifies every object on arrival; pull's checkout then trusts those objects instead
    of hashing them a second time (a 1 GiB pull costs one MD5 pass, not two)."""
    s = solo
    s.ok("remote", "add", "-d", "store", str(tmp_path / "remote"))
    s.ok("add", "data")
    s.ok("push")
    shutil.rmtree(cache_dir(s.path))
    shutil.rmtree(s.path / "data")
    r, c = counters(s, tmp_path, "pull")
    assert c["objects_downloaded"] > 60 and c["bytes_downloaded"] > 0, c
    assert c["bytes_verified"] == c["bytes_downloaded"], c
    verify_cache(cache_dir(s.path))
    # a plain checkout (nothing downloaded) still verifies what it links
    shutil.rmtree(s.path / "data")
    r, c = counters(s, tmp_path, "checkout")
    assert c["bytes_verified"] > 0, c
