"""push and pull of a few hundred files through a fault-injecting proxy (servers.FaultProxy) in
front of moto_server on 127.0.0.1: HTTP 500, 503 SlowDown, connection resets, bodies cut
mid-transfer, delays and stalls longer than the read timeout. The retry wrapper
(src/cairn/remote/retry_remote.h: exponential backoff with full jitter, bounded attempts and
time per call) must carry every transfer to the end in bounded time, with every object
verifying afterwards, and say in its counters (and `-v`) that it retried. A fault that never
clears must end in one clear error, in bounded time. cairn only (DVC has its own retries).
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
import uuid
from pathlib import Path

import pytest

from conftest import _make_side, cache_dir, cache_objects, md5_file, verify_cache
from servers import SECRET_KEY, FaultProxy, Moto, aws_env
from test_transfer_interop import Moto as MotoClient  # urllib S3 listing/reads

pytestmark = pytest.mark.cairn_only

N_FILES = 300

MIXED_FAULTS = {"500": 0.06, "503": 0.06, "reset": 0.05, "truncate": 0.05, "delay": 0.05, "stall": 0.01}


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = Moto(tmp_path_factory.mktemp("moto-faults"))
    yield server
    server.stop()


@pytest.fixture
def side(tmp_path, cairn, moto):
    s = _make_side(cairn, tmp_path / "solo", None, True)
    s.env.update(aws_env())
    s.tool.env.update(aws_env())
    rng = random.Random(7)
    data = s.path / "data"
    for i in range(N_FILES):
        p = data / f"d{i % 7}" / f"f{i:04d}.bin"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(rng.randbytes(rng.randint(1024, 8192)))
    (data / "big.bin").write_bytes(rng.randbytes(3 << 20))  # ranged / multi-request download
    return s


def _bucket(s, moto) -> str:
    name = f"faults-{uuid.uuid4().hex[:10]}"
    s.ok("store", "mb", f"s3://{name}", "--endpoint-url", moto.endpoint)
    return name


def _through(s, proxy, bucket):
    s.ok("remote", "add", "-f", "-d", "store", f"s3://{bucket}/store")
    s.ok("remote", "modify", "store", "endpointurl", proxy.endpoint)
    s.ok("remote", "modify", "store", "read_timeout", "1")


def _run_timed(s, tmp_path, *args):
    f = tmp_path / f"counters-{time.monotonic_ns()}.json"
    t0 = time.monotonic()
    r = s.run(*args, extra_env={"CAIRN_COUNTERS_FILE": str(f)})
    return r, time.monotonic() - t0, (json.loads(f.read_text()) if f.exists() else {})


def _remote_objects(moto, bucket) -> dict:
    """key under store/ -> md5 of its bytes, read straight from moto (not through the proxy)."""
    client = MotoClient(moto.endpoint, None, None)
    return {key[len("store/"):]: hashlib.md5(client.get(bucket, key)).hexdigest()
            for key in client.keys(bucket, "store/")}


def test_push_and_pull_succeed_through_injected_faults(side, moto, tmp_path):
    s = side
    bucket = _bucket(s, moto)
    proxy = FaultProxy(moto.endpoint, MIXED_FAULTS, seed=11, stall_s=2.5)
    try:
        _through(s, proxy, bucket)
        s.ok("add", "data")
        files = {p.relative_to(s.path).as_posix(): md5_file(p) for p in (s.path / "data").rglob("*") if p.is_file()}

        r, elapsed, c = _run_timed(s, tmp_path, "push", "-j", "8", "-v")
        assert r.returncode == 0, r.describe()
        assert r.stdout.splitlines()[-1] == f"{N_FILES + 2} files pushed", r.describe()
        assert elapsed < 120, f"push took {elapsed:.1f} s"
        push_faults = proxy.total_faults()
        assert push_faults >= 20, proxy.counts
        assert c["retries"] >= 10, (c, proxy.counts)  # curl re-sends some itself on a new connection
        assert '"retries": ' in r.stderr and '"retries": 0' not in r.stderr, "-v must show the retries"
        assert SECRET_KEY not in r.stdout + r.stderr, "the secret leaked into -v output"

        # every object on the server is whole and named by its md5; nothing else is there
        objects = _remote_objects(moto, bucket)
        cache = {rel: md5 for rel, (_, md5) in cache_objects(cache_dir(s.path)).items()}
        assert objects == cache, "remote objects differ from the cache"
        for key, digest in objects.items():
            assert key.replace("files/md5/", "").replace("/", "").removesuffix(".dir") == digest, key

        # pull everything back through the faults
        shutil.rmtree(cache_dir(s.path))
        shutil.rmtree(s.path / "data")
        r, elapsed, c = _run_timed(s, tmp_path, "pull", "-j", "8", "-v")
        assert r.returncode == 0, r.describe()
        assert elapsed < 120, f"pull took {elapsed:.1f} s"
        assert proxy.total_faults() - push_faults >= 20, proxy.counts
        assert proxy.counts["truncate"] > 0 and proxy.counts["stall"] >= 0, proxy.counts
        assert c["retries"] > 0, c
        assert SECRET_KEY not in r.stdout + r.stderr
        verify_cache(cache_dir(s.path))
        assert {rel: md5 for rel, (_, md5) in cache_objects(cache_dir(s.path)).items()} == cache
        now = {p.relative_to(s.path).as_posix(): md5_file(p) for p in (s.path / "data").rglob("*") if p.is_file()}
        assert now == files
        r = s.ok("status")
        assert r.stdout == "Data and pipelines are up to date.\n", r.describe()
    finally:
        proxy.stop()


def test_a_fault_that_never_clears_fails_in_bounded_time(side, moto, tmp_path):
    s = side
    bucket = _bucket(s, moto)
    proxy = FaultProxy(moto.endpoint, {"503": 1.0}, max_faults_per_request=10**9)
    try:
        _through(s, proxy, bucket)
        s.ok("add", "data/d0")
        before = cache_objects(cache_dir(s.path))
        r, elapsed, c = _run_timed(s, tmp_path, "push", "-j", "8")
        assert r.returncode == 1, r.describe()
        assert elapsed < 60, f"gave up only after {elapsed:.1f} s"
        errors = [ln for ln in r.stderr.splitlines() if ln.startswith("ERROR:")]
        assert errors and all("SlowDown" in e or "throttling" in e for e in errors[:-1]), r.describe()
        assert any("after 5 attempts" in e for e in errors), r.describe()
        assert errors[-1].startswith("ERROR: failed to push data to the cloud - "), r.describe()  # DVC's words
        assert SECRET_KEY not in r.stdout + r.stderr
        assert c.get("retries", 0) >= 4, c
        assert cache_objects(cache_dir(s.path)) == before, "a failed push must leave the cache untouched"
    finally:
        proxy.stop()


def test_secret_from_config_local_is_never_printed(side, moto, tmp_path):
    """Credentials in `.dvc/config.local` (remote modify --local): every output of push, status -c,
    pull and fetch, at -v and -vv, through injected faults (retries log errors), leaves it out."""
    s = side
    secret = "cairnLocal/Secret+Key=MustNotLeak42"
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        s.env.pop(k, None)
        s.tool.env.pop(k, None)
    r = s.run("store", "mb", "s3://faults-local-secret", "--endpoint-url", moto.endpoint,
              extra_env={"AWS_ACCESS_KEY_ID": "AKIAX", "AWS_SECRET_ACCESS_KEY": "x"})
    assert r.returncode == 0, r.describe()
    proxy = FaultProxy(moto.endpoint, {"500": 0.1, "reset": 0.1}, seed=5)
    try:
        _through(s, proxy, "faults-local-secret")
        s.ok("remote", "modify", "--local", "store", "access_key_id", "AKIACAIRNLOCAL000001")
        s.ok("remote", "modify", "--local", "store", "secret_access_key", secret)
        assert secret in (s.path / ".dvc" / "config.local").read_text()
        assert secret not in (s.path / ".dvc" / "config").read_text()
        s.ok("add", "data/d1")
        outputs = []
        for args in (["push", "-vv"], ["status", "-c", "-v"], ["fetch", "-v"], ["pull", "-vv"],
                     ["remote", "list"]):  # (`config --list` shows it on purpose, as DVC does)
            r = s.run(*args)
            outputs.append(r)
            assert r.returncode == 0, r.describe()
        assert proxy.total_faults() > 0, proxy.counts
        for r in outputs:
            assert secret not in r.stdout + r.stderr, r.describe()
    finally:
        proxy.stop()
