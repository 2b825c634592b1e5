"""Interop on a second S3 implementation: s3rver (Node.js), next to the moto tests of
test_transfer_interop.py. cairn push -> dvc pull and dvc push -> cairn pull through the same
server, and both tools leave the same keys with the same bytes.

The data is the small corpus (empty files, non-ASCII names, ...) plus a 20 MiB file, so that
both tools upload it in multipart and cairn downloads it as a cut first stream plus ranged
GETs (download_part_size = 4MB in the cairn side's AWS config profile). s3rver verifies SigV4
signatures with its fixed key pair. Never skipped: a missing s3rver fails the test.
"""
from __future__ import annotations

import hashlib
import random
import uuid
from pathlib import Path

import pytest

from conftest import cache_dir, cache_objects, git, md5_file, verify_cache
from servers import S3rver, s3rver_env

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def s3rver(tmp_path_factory):
    server = S3rver(tmp_path_factory.mktemp("s3rver-data"), tmp_path_factory.mktemp("s3rver-log"))
    yield server
    server.stop()


def workspace_files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): md5_file(p) for p in (root / "data").rglob("*") if p.is_file()}


def remote_objects(server: S3rver, url: str) -> dict:
    bucket, prefix = url[5:].split("/", 1)
    return {k[len(prefix) + 1:]: hashlib.md5(server.get(bucket, k)).hexdigest() for k in server.keys(bucket, prefix + "/")}


def test_cairn_and_dvc_share_an_s3rver_remote_both_ways(twin, s3rver, tmp_path):
    big = random.Random(7).randbytes(20 << 20)
    urls = {}
    for s in twin.sides:
        (s.path / "data" / "big.bin").write_bytes(big)
        s.env.update(s3rver_env())
        # cairn reads download_part_size from the profile's s3 block; dvc (botocore) ignores it.
        cfg = Path(s.env["HOME"]) / "aws-config"
        cfg.write_text("[default]\ns3 =\n  download_part_size = 4MB\n")
        s.env["AWS_CONFIG_FILE"] = str(cfg)
        bucket = f"interop-{s.name}-{uuid.uuid4().hex[:8]}"
        s3rver.create_bucket(bucket)
        urls[s.name] = f"s3://{bucket}/store"
        s.ok("add", "data")
        s.ok("remote", "add", "-d", "store", urls[s.name])
        s.ok("remote", "modify", "store", "endpointurl", s3rver.endpoint)
    ra, rb = twin.both("push")
    assert ra.returncode == 0 and rb.returncode == 0, ra.describe() + rb.describe()
    objects = remote_objects(s3rver, urls["cairn"])
    assert objects == remote_objects(s3rver, urls["dvc"]), "keys or bytes differ between cairn and dvc"
    assert len(objects) == len(set(cache_objects(cache_dir(twin.a.path)))), objects
    for key, digest in objects.items():
        assert key.removesuffix(".dir").replace("files/md5/", "").replace("/", "") == digest, key

    # Each tool pulls what the other pushed, in a fresh clone (empty cache, no remote index).
    for pusher, puller in ((twin.a, "dvc"), (twin.b, "cairn")):
        pusher.commit("track data")
        clone = tmp_path / f"clone-of-{pusher.name}"
        git(tmp_path, "clone", "-q", str(pusher.path), str(clone), env=pusher.env)
        r = pusher.run_other("pull", cwd=clone, ok=True)
        assert workspace_files(clone) == workspace_files(pusher.path), f"{puller} pull differs:\n{r.describe()}"
        verify_cache(cache_dir(clone))
        assert cache_objects(cache_dir(clone)) == cache_objects(cache_dir(pusher.path))
        r = pusher.run_other("status", "-c", cwd=clone, ok=True)
        assert r.stdout == "Cache and remote 'store' are in sync.\n", r.describe()
