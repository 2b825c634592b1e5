"""`cairn store ls|mb|rb|put|get|stat|cp|rm`: one interface to local folders, S3 (a moto_server
started here on 127.0.0.1) and read-only HTTP, with the AWS CLI's --endpoint-url/--profile,
the AWS_* environment, exit codes per failure kind, and secrets never printed.

Exit codes: 0 ok, 1 not found/refused, 2 access denied, 3 unreachable, 254 bad input.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from servers import ACCESS_KEY, SECRET_KEY, Moto, StaticHttp, aws_env, free_port
from terminal import run_in_pty

pytestmark = pytest.mark.cairn_only

SUBCOMMANDS = ["ls", "mb", "rb", "put", "get", "stat", "cp", "rm"]


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = Moto(tmp_path_factory.mktemp("moto-store"))
    yield server
    server.stop()


@pytest.fixture
def work(tmp_path) -> Path:
    d = tmp_path / "work"
    d.mkdir()
    return d


@pytest.fixture
def s3env(moto) -> dict:
    """Credentials and region in the environment; the endpoint is given with --endpoint-url."""
    return aws_env()


def run(cairn, work, *args, env=None, rc=0):
    r = cairn.run("store", *args, cwd=work, extra_env=env)
    assert rc is None or r.returncode == rc, r.describe()
    for text in (r.stdout, r.stderr):
        assert SECRET_KEY not in text, "secret key printed:\n" + r.describe()
    return r


_BUCKETS = iter(range(10_000))


def bucket_name(tag: str) -> str:
    return f"cairn-{tag}-{os.getpid()}-{next(_BUCKETS)}"


def test_help_for_every_subcommand(cairn, work):
    r = run(cairn, work, "--help")
    for sub in SUBCOMMANDS:
        assert sub in r.stdout
    assert "Exit codes" in r.stdout
    for sub in SUBCOMMANDS:
        h = run(cairn, work, sub, "--help")
        assert "--endpoint-url" in h.stdout and "--profile" in h.stdout, h.describe()


def test_local_folder_store(cairn, work):
    (work / "a.txt").write_text("alpha\n")
    r = run(cairn, work, "mb", "bucket")
    assert r.stdout == "make_bucket: bucket\n"
    assert run(cairn, work, "mb", "bucket").stdout == "bucket exists: bucket\n"
    r = run(cairn, work, "put", "a.txt", "bucket/dir/")
    assert r.stdout == f"upload: a.txt to {work}/bucket/dir/a.txt\n"
    assert (work / "bucket/dir/a.txt").read_text() == "alpha\n"
    assert os.stat(work / "bucket/dir/a.txt").st_mode & 0o200  # a plain file, not a 0444 object

    r = run(cairn, work, "ls", "bucket")
    assert r.stdout == " " * 27 + "PRE dir/\n"
    r = run(cairn, work, "ls", "bucket", "-r", "--json")
    listing = json.loads(r.stdout)
    assert [(o["name"], o["type"], o["size"]) for o in listing] == [("dir/a.txt", "object", 6)]
    assert listing[0]["etag"] is None and listing[0]["mtime"].endswith("Z")
    line = run(cairn, work, "ls", "bucket/dir/").stdout
    assert line.endswith("          6 a.txt\n") and len(line) == 19 + 1 + 10 + 1 + len("a.txt") + 1

    st = json.loads(run(cairn, work, "stat", "bucket/dir/a.txt", "--json").stdout)
    assert st["size"] == 6 and st["url"] == f"{work}/bucket/dir/a.txt"
    r = run(cairn, work, "get", "bucket/dir/a.txt", "out/copy.txt")
    assert (work / "out/copy.txt").read_text() == "alpha\n"
    assert not [p for p in (work / "out").iterdir() if p.name.endswith(".tmp")]
    run(cairn, work, "cp", "bucket/dir/a.txt", "bucket/b.txt")
    assert (work / "bucket/b.txt").read_text() == "alpha\n"

    r = run(cairn, work, "stat", "bucket/nope", rc=1)
    assert "no such object" in r.stderr
    r = run(cairn, work, "rb", "bucket", rc=1)
    assert "not empty" in r.stderr and "--force" in r.stderr
    assert (work / "bucket/b.txt").exists()
    r = run(cairn, work, "rm", "bucket/b.txt")
    assert r.stdout == f"delete: {work}/bucket/b.txt\n"
    run(cairn, work, "rm", "bucket/b.txt", rc=1)
    run(cairn, work, "rb", "bucket", "--force")
    assert not (work / "bucket").exists()
    run(cairn, work, "rb", "bucket", rc=1)


def test_s3_bucket_and_object_operations(cairn, work, moto, s3env):
    ep = ["--endpoint-url", moto.endpoint]
    b, other = bucket_name("ops"), bucket_name("other")
    (work / "f.bin").write_bytes(b"x" * 100_000)
    (work / "small.txt").write_text("small\n")

    assert run(cairn, work, "mb", f"s3://{b}", *ep, env=s3env).stdout == f"make_bucket: s3://{b}\n"
    assert run(cairn, work, "mb", f"s3://{b}", *ep, env=s3env).stdout == f"bucket exists: s3://{b}\n"
    made = json.loads(run(cairn, work, "mb", f"s3://{other}", "--json", *ep, env=s3env).stdout)
    assert made == {"url": f"s3://{other}", "created": True}

    # Buckets, with a filter; the flags may also come before the verb.
    names = run(cairn, work, *ep, "ls", env=s3env).stdout.split()
    assert b in names and other in names
    assert run(cairn, work, "ls", "--filter", "-ops-", *ep, env=s3env).stdout.split() == [b]
    as_json = json.loads(run(cairn, work, "ls", "--json", "--filter", "-ops-", *ep, env=s3env).stdout)
    assert as_json == [{"name": b, "url": f"s3://{b}"}]

    run(cairn, work, "put", "f.bin", f"s3://{b}/data/f.bin", *ep, env=s3env)
    r = run(cairn, work, "put", "small.txt", f"s3://{b}/data/sub/", *ep, env=s3env)
    assert r.stdout == f"upload: small.txt to s3://{b}/data/sub/small.txt\n"
    run(cairn, work, "put", "small.txt", f"s3://{b}", *ep, env=s3env)

    out = run(cairn, work, "ls", f"s3://{b}", *ep, env=s3env).stdout.splitlines()
    assert out[0] == " " * 27 + "PRE data/"
    assert out[1].endswith("          6 small.txt")
    out = run(cairn, work, "ls", f"s3://{b}/data/", "--recursive", *ep, env=s3env).stdout.splitlines()
    assert [l.split()[-1] for l in out] == ["f.bin", "sub/small.txt"]  # relative to the URL, on any backend
    assert out[0].split()[2] == "100000"

    st = json.loads(run(cairn, work, "stat", f"s3://{b}/data/f.bin", "--json", *ep, env=s3env).stdout)
    assert st["size"] == 100000 and len(st["etag"]) == 32 and st["type"] == "object"
    human = run(cairn, work, "stat", f"s3://{b}/data/f.bin", *ep, env=s3env).stdout
    assert f"url: s3://{b}/data/f.bin\nsize: 100000\n" in human

    run(cairn, work, "get", f"s3://{b}/data/f.bin", "down/", *ep, env=s3env)
    assert (work / "down/f.bin").read_bytes() == b"x" * 100_000
    # Copies: within the bucket (server-side), to another bucket, to a local file.
    run(cairn, work, "cp", f"s3://{b}/data/f.bin", f"s3://{b}/copy/f.bin", *ep, env=s3env)
    run(cairn, work, "cp", f"s3://{b}/data/f.bin", f"s3://{other}/", *ep, env=s3env)
    run(cairn, work, "cp", f"s3://{other}/f.bin", "back.bin", *ep, env=s3env)
    assert (work / "back.bin").read_bytes() == b"x" * 100_000
    run(cairn, work, "cp", "small.txt", f"s3://{other}/s.txt", *ep, env=s3env)
    assert json.loads(run(cairn, work, "stat", f"s3://{other}/s.txt", "--json", *ep, env=s3env).stdout)["size"] == 6

    # Removal: one object, a prefix, then the buckets (refused while not empty).
    r = run(cairn, work, "rm", f"s3://{b}/copy/f.bin", *ep, env=s3env)
    assert r.stdout == f"delete: s3://{b}/copy/f.bin\n"
    run(cairn, work, "rm", f"s3://{b}/copy/f.bin", *ep, env=s3env, rc=1)
    removed = json.loads(run(cairn, work, "rm", f"s3://{b}/data", "-r", "--json", *ep, env=s3env).stdout)
    assert removed == [f"s3://{b}/data/f.bin", f"s3://{b}/data/sub/small.txt"]
    r = run(cairn, work, "rb", f"s3://{b}", *ep, env=s3env, rc=1)
    assert "not empty" in r.stderr
    run(cairn, work, "rb", f"s3://{b}", "--force", *ep, env=s3env)
    run(cairn, work, "rb", f"s3://{other}", "--force", *ep, env=s3env)
    r = run(cairn, work, "ls", f"s3://{b}", *ep, env=s3env, rc=1)
    assert f"bucket '{b}' does not exist" in r.stderr


def test_endpoint_and_profile_from_environment_and_files(cairn, work, moto, tmp_path):
    b = bucket_name("env")
    env = aws_env(moto.endpoint)  # AWS_ENDPOINT_URL instead of --endpoint-url
    run(cairn, work, "mb", f"s3://{b}", env=env)
    assert b in run(cairn, work, "ls", env=env).stdout.split()

    # A profile in ~/.aws: no keys in the environment, the endpoint in the profile.
    home = Path(cairn.env["HOME"])
    (home / ".aws").mkdir(exist_ok=True)
    (home / ".aws/credentials").write_text(
        f"[store-test]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")
    (home / ".aws/config").write_text(
        f"[profile store-test]\nregion = us-east-1\nendpoint_url = {moto.endpoint}\n")
    bare = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_ENDPOINT_URL": "",
            "AWS_EC2_METADATA_DISABLED": "true"}
    assert b in run(cairn, work, "ls", "--profile", "store-test", env=bare).stdout.split()
    r = run(cairn, work, "ls", "--profile", "no-such-profile", env=bare, rc=254)
    assert "no-such-profile" in r.stderr
    run(cairn, work, "rb", f"s3://{b}", env=env)


def test_clear_errors_and_exit_codes(cairn, work, moto, s3env, tmp_path):
    ep = ["--endpoint-url", moto.endpoint]
    r = run(cairn, work, "ls", "s3://cairn-missing-bucket", *ep, env=s3env, rc=1)
    assert "bucket 'cairn-missing-bucket' does not exist" in r.stderr
    r = run(cairn, work, "stat", f"s3://cairn-missing-bucket/k", *ep, env=s3env, rc=1)
    assert "does not exist" in r.stderr

    dead = f"http://127.0.0.1:{free_port()}"
    r = run(cairn, work, "ls", "s3://b", "--endpoint-url", dead, env=s3env, rc=3)
    assert "127.0.0.1" in r.stderr and ("connect" in r.stderr.lower())

    r = run(cairn, work, "ls", "s3://b", "--filter", "([", *ep, env=s3env, rc=254)
    assert "invalid filter regex" in r.stderr
    r = run(cairn, work, "mb", "s3://b/prefix", *ep, env=s3env, rc=254)
    assert "bucket URL" in r.stderr
    r = run(cairn, work, "get", "s3://b", "x", *ep, env=s3env, rc=254)
    run(cairn, work, "frobnicate", rc=None)  # unknown verb: a usage error, not a crash

    # No credentials at all: refused before any request, saying where they were looked for.
    bare = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_EC2_METADATA_DISABLED": "true"}
    r = run(cairn, work, "ls", "s3://b", *ep, env=bare, rc=2)
    assert "no AWS credentials" in r.stderr


def test_rejected_credentials(cairn, work, tmp_path):
    moto = Moto(tmp_path / "moto-auth")
    try:
        moto.enforce_auth()
        env = aws_env(moto.endpoint)
        for args in (["ls"], ["ls", "s3://some-bucket"], ["mb", "s3://some-bucket"]):
            r = run(cairn, work, *args, "-v", env=env, rc=2)
            assert "access denied" in r.stderr.lower(), r.describe()
            assert ACCESS_KEY in r.stderr  # the key id names the credentials; the secret never appears
    finally:
        moto.stop()


def test_http_store_is_read_only(cairn, work, tmp_path):
    site = StaticHttp(tmp_path / "www", etag=True)
    try:
        (site.root / "pub").mkdir()
        (site.root / "pub/file.txt").write_text("served\n")
        st = json.loads(run(cairn, work, "stat", f"{site.url}/pub/file.txt", "--json").stdout)
        assert st["size"] == 7 and st["etag"]
        run(cairn, work, "get", f"{site.url}/pub/file.txt", "got.txt")
        assert (work / "got.txt").read_text() == "served\n"
        run(cairn, work, "cp", f"{site.url}/pub/file.txt", "copied.txt")
        assert (work / "copied.txt").read_text() == "served\n"
        r = run(cairn, work, "ls", f"{site.url}/pub/", rc=254)
        assert "listing is not supported over HTTP" in r.stderr
        r = run(cairn, work, "put", "got.txt", f"{site.url}/pub/new.txt", rc=2)
        assert "read-only" in r.stderr
        run(cairn, work, "stat", f"{site.url}/pub/missing.txt", rc=1)
    finally:
        site.stop()


def test_progress_for_big_transfers_on_a_terminal_only(cairn, work):
    (work / "big.bin").write_bytes(os.urandom(9 << 20))
    (work / "small.bin").write_bytes(b"s")
    env = dict(cairn.env, CAIRN_PROGRESS_DELAY_MS="0")
    code, out = run_in_pty([str(cairn.binary), "store", "put", "big.bin", "dest/"], work, env)
    assert code == 0, out
    assert "\rupload big.bin |" in out and "MB" in out, out
    code, out = run_in_pty([str(cairn.binary), "store", "put", "small.bin", "dest/"], work, env)
    assert code == 0 and "|" not in out, out  # small transfers draw nothing
    code, out = run_in_pty([str(cairn.binary), "store", "get", "-q", "dest/big.bin", "again.bin"], work, env)
    assert code == 0 and "|" not in out, out  # -q silences it
    r = subprocess.run([str(cairn.binary), "store", "get", "dest/big.bin", "again2.bin"], cwd=work, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0 and "\r" not in r.stderr, r.stderr  # not a terminal
    assert (work / "again2.bin").read_bytes() == (work / "big.bin").read_bytes()
