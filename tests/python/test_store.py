"""cairn.Store: the same operations on a local folder and on S3 (a moto_server started here on
127.0.0.1 — the tests FAIL if it cannot start), plain-data results, errors as cairn.Error
subclasses, and credentials never in messages.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import cairn

SECRET = "pyStore/Secret+Key=NeverPrinted0001"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    exe = os.environ.get("CAIRN_MOTO_SERVER") or shutil.which("moto_server")
    if not exe:
        pytest.fail("moto_server not found on PATH (pip install 'moto[server]' or set CAIRN_MOTO_SERVER)")
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).read()
            break
        except Exception as e:  # noqa: BLE001 - not up yet
            if time.time() > deadline or proc.poll() is not None:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"moto_server did not start: {e}")
            time.sleep(0.2)
    yield endpoint
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAPYSTORETEST0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)


def _exercise(store: cairn.Store, work: Path) -> None:
    """The story-F sequence, identical for every backend."""
    (work / "a.txt").write_text("alpha\n")
    assert store.mb() is True
    assert store.mb() is False  # found, not an error
    url = store.put(work / "a.txt", "data/")
    assert isinstance(url, str) and url == store.url_of("data/a.txt")
    store.put(work / "a.txt", "data/sub/b.txt")

    listing = store.ls()
    assert listing == [{"name": "data/", "url": store.url_of("data/"), "type": "prefix"}]
    rec = store.ls("data/", recursive=True)
    assert [o["name"] for o in rec] == ["a.txt", "sub/b.txt"]  # the same names on every backend
    objs = store.ls("data/")
    assert [(o["name"], o["type"]) for o in objs] == [("a.txt", "object"), ("sub/", "prefix")]
    assert objs[0]["size"] == 6 and objs[0]["mtime"].endswith("Z")
    assert [o["name"] for o in store.ls("data/", filter=r"^a\.")] == ["a.txt"]

    st = store.stat("data/a.txt")
    assert st["size"] == 6 and st["url"] == store.url_of("data/a.txt")
    assert set(st) == {"name", "url", "type", "size", "mtime", "etag"}
    assert store.exists("data/a.txt") and not store.exists("data/none")
    with pytest.raises(cairn.NotFoundError):
        store.stat("data/none")

    got = store.get("data/a.txt", work / "down" / "x.txt")
    assert got == str(work / "down" / "x.txt") and Path(got).read_text() == "alpha\n"
    assert store.cp("data/a.txt", "copy/a.txt") == store.url_of("copy/a.txt")
    store.cp("copy/a.txt", str(work / "local-copy.txt"))
    assert (work / "local-copy.txt").read_text() == "alpha\n"

    assert store.rm("copy/a.txt") == [store.url_of("copy/a.txt")]
    with pytest.raises(cairn.NotFoundError):
        store.rm("copy/a.txt")
    with pytest.raises(cairn.ConflictError):
        store.rb()
    removed = store.rm("data", recursive=True)
    assert sorted(removed) == sorted([store.url_of("data/a.txt"), store.url_of("data/sub/b.txt")])
    store.rb()
    with pytest.raises(cairn.NotFoundError):
        store.ls()


def test_local_folder(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    store = cairn.Store(tmp_path / "bucket")
    assert store.url == str(tmp_path / "bucket")
    _exercise(store, work)


def test_s3(tmp_path, moto, aws):
    work = tmp_path / "work"
    work.mkdir()
    _exercise(cairn.Store("s3://py-store-bucket", endpoint_url=moto), work)


def test_s3_buckets_force_and_cross_bucket_copy(tmp_path, moto, aws, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)  # the environment instead of endpoint_url
    a, b = cairn.Store("s3://py-a"), cairn.Store("s3://py-b")
    a.mb()
    b.mb()
    (tmp_path / "f").write_bytes(b"\0" * 1000)
    a.put(tmp_path / "f", "k/f")
    assert a.cp("k/f", "s3://py-b/copied") == "s3://py-b/copied"
    assert b.stat("copied")["size"] == 1000
    buckets = cairn.Store("s3://").ls()
    assert {"name": "py-a", "url": "s3://py-a"} in buckets
    assert [x["name"] for x in cairn.Store("s3://").ls(filter="^py-b$")] == ["py-b"]
    a.rb(force=True)
    b.rb(force=True)
    assert not any(x["name"] in ("py-a", "py-b") for x in cairn.Store("s3://").ls())


def test_errors_are_typed_and_never_show_the_secret(tmp_path, aws):
    dead = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(cairn.UnavailableError) as e:
        cairn.Store("s3://x", endpoint_url=dead).ls()
    assert SECRET not in str(e.value)
    with pytest.raises(cairn.InvalidInputError):
        cairn.Store(tmp_path).ls(filter="([")
    with pytest.raises(cairn.InvalidInputError):
        cairn.Store("ftp://host/x").stat("y")
    with pytest.raises(cairn.InvalidInputError):
        cairn.Store("s3://x", profile="no-such-profile", endpoint_url=dead).ls()
    with pytest.raises(cairn.PermissionDeniedError):
        cairn.Store("https://example.invalid/dir").put(__file__, "x.py")
