#!/usr/bin/env python3
"""Remote benchmark: push and pull with cairn vs DVC 3 (+ dvc-s3) vs `aws s3 sync`, side by
side in one run, to S3 servers on loopback (moto_server and s3rver, started here) and to a local
folder.

See bench/README.md. Quick check: ``python3 bench/bench_remote.py --smoke``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_local import gen_big_file, gen_small_files, gen_tiny_files, rmtree  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE = Path("~/.cache/cairn").expanduser()


def versions() -> dict:
    out = {}
    for line in (REPO_ROOT / "scripts" / "versions.env").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


VERSIONS = versions()
DEFAULT_CAIRN = Path(os.environ.get("CAIRN_BIN") or REPO_ROOT / "build" / "src" / "cairn" / "cairn")
DEFAULT_DVC = Path(os.environ.get("DVC_BIN") or CACHE / f"dvc-{VERSIONS['DVC_VERSION']}" / "bin" / "dvc")
DEFAULT_AWS = CACHE / f"tools-awscli-{VERSIONS['AWSCLI_VERSION']}" / "bin" / "aws"
DEFAULT_S3RVER = CACHE / f"tools-s3rver-{VERSIONS['S3RVER_VERSION']}" / "node_modules" / ".bin" / "s3rver"
DEFAULT_WEED = CACHE / f"tools-seaweedfs-{VERSIONS['SEAWEEDFS_VERSION']}" / "bin" / "weed"
SERVERS = ("moto", "s3rver", "seaweedfs")


# ----------------------------------------------------------------------------- servers and tools


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """moto_server: one Python process; accepts any credentials; a ranged GET reads the whole object."""

    name = "moto"
    keys = ("AKIABENCHREMOTE00001", "bench/remote+secret=1")

    def __init__(self, log: Path):
        exe = os.environ.get("CAIRN_MOTO_SERVER") or shutil.which("moto_server") or str(
            CACHE / f"tools-moto-{VERSIONS['MOTO_VERSION']}" / "bin" / "moto_server")
        if not os.access(exe, os.X_OK):
            sys.exit("bench_remote: moto_server not found (scripts/install-deps.sh installs it)")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb")
        self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)], stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"bench_remote: moto_server did not start (log: {log})")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def make_bucket(self, name: str) -> None:
        req = urllib.request.Request(f"{self.endpoint}/{name}", data=b"", method="PUT", headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAX/20240101/us-east-1/s3/aws4_request, "
                             "SignedHeaders=host, Signature=0"})
        urllib.request.urlopen(req, timeout=30).read()


class S3rverServer(MotoServer):
    """s3rver (Node.js, objects in files): verifies SigV4 with its fixed key pair; anonymous
    requests (bucket creation here) are allowed."""

    name = "s3rver"
    keys = ("S3RVER", "S3RVER")

    def __init__(self, exe: Path, data: Path, log: Path):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench_remote: s3rver not found at {exe} (scripts/install-deps.sh installs it)")
        data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb")
        self.proc = subprocess.Popen([str(exe), "-d", str(data), "-a", "127.0.0.1", "-p", str(self.port), "-s"],
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
                                     # continuation tokens (listings past 1000 keys) use DES: OpenSSL 3 legacy
                                     env={**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider"})
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.endpoint + "/", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"bench_remote: s3rver did not start (log: {log})")

    def make_bucket(self, name: str) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/{name}", data=b"", method="PUT"),
                               timeout=30).read()


class SeaweedfsServer(MotoServer):
    """SeaweedFS (Go; master, volume, filer and S3 gateway in one `weed server` process; objects
    in append-only volume files, metadata in the filer's LevelDB): verifies SigV4 against the
    one identity it takes from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY at start."""

    name = "seaweedfs"
    keys = ("AKIASEAWEEDBENCH0001", "seaweed/bench+secret=1")

    def __init__(self, exe: Path, data: Path, log: Path):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench_remote: weed (SeaweedFS) not found at {exe} (scripts/install-deps.sh installs it)")
        data.mkdir(parents=True, exist_ok=True)
        self._work = data.parent
        self._log = open(log, "wb")
        self.proc, self.port = start_seaweedfs(exe, data, self._log, self.keys)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:  # any HTTP answer (403 for an unsigned listing) means the gateway is up
                urllib.request.urlopen(self.endpoint + "/", timeout=1).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit(f"bench_remote: SeaweedFS did not start (log: {log})")

    def make_bucket(self, name: str) -> None:
        env = tool_env(self._work / "seaweedfs-client", self.endpoint, self.keys)
        run([DEFAULT_CAIRN, "store", "mb", f"s3://{name}", "--endpoint-url", self.endpoint], None, env)


def start_seaweedfs(exe: Path, data: Path, log, keys: tuple):
    """`weed server` with the S3 gateway, every listener on its own free port of 127.0.0.1 (the
    Iceberg and Lance endpoints off). Returns (process, S3 port)."""
    ports = {k: free_port() for k in ("master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc",
                                      "s3", "s3.grpc")}
    argv = [str(exe), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
            f"-master.port={ports['master']}", f"-master.port.grpc={ports['master.grpc']}",
            f"-volume.port={ports['volume']}", f"-volume.port.grpc={ports['volume.grpc']}",
            # many buckets (each a collection of several volumes) and 1 GiB objects: small
            # volumes, and room for many of them (volume files grow as written)
            "-master.volumeSizeLimitMB=256", "-volume.max=1000",
            "-filer", f"-filer.port={ports['filer']}", f"-filer.port.grpc={ports['filer.grpc']}",
            "-s3", f"-s3.port={ports['s3']}", f"-s3.port.grpc={ports['s3.grpc']}", "-s3.port.iceberg=0",
            "-s3.port.lance=0"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": keys[0], "AWS_SECRET_ACCESS_KEY": keys[1]})
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env, cwd=data)
    return proc, ports["s3"]


def tool_env(base: Path, endpoint: str, keys: tuple = MotoServer.keys) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DVC_", "AWS_", "CAIRN_"))}
    for k, sub in [("DVC_SITE_CACHE_DIR", "site"), ("DVC_GLOBAL_CONFIG_DIR", "global"),
                   ("DVC_SYSTEM_CONFIG_DIR", "system")]:
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[k] = str(base / sub)
        env[k.replace("DVC_", "CAIRN_")] = str(base / sub)
    env.update({"DVC_NO_ANALYTICS": "1", "AWS_ACCESS_KEY_ID": keys[0], "AWS_SECRET_ACCESS_KEY": keys[1],
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                "HOME": str(base / "home")})
    (base / "home").mkdir(exist_ok=True)
    return env


def run(argv, cwd, env, timeout=None) -> subprocess.CompletedProcess:
    p = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({p.returncode}) in {cwd}:\n{p.stdout}{p.stderr}")
    return p


def timed(argv, cwd, env, timeout=None) -> float:
    t0 = time.perf_counter()
    run(argv, cwd, env, timeout)
    return time.perf_counter() - t0


def link_tree(src: Path, dst: Path) -> None:
    """dst mirrors src with hard links (the tools only read their inputs)."""
    for dirpath, _, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for f in files:
            os.link(Path(dirpath) / f, dst / rel / f)


def tree_md5s(root: Path) -> dict:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            out[p.relative_to(root).as_posix()] = hashlib.md5(p.read_bytes()).hexdigest()
    return out


# ----------------------------------------------------------------------------- one tool, one data set


def dvc_tool_run(tool: str, binary: Path, work: Path, data: Path, remote_url: str, server, jobs: int,
                 timeout: int) -> dict:
    """init, add (untimed), push, then pull into an empty cache and workspace (timed)."""
    repo = work / "repo"
    endpoint = server.endpoint if server else None
    env = tool_env(work / "env", endpoint or "", server.keys if server else MotoServer.keys)
    repo.mkdir(parents=True)
    run(["git", "init", "-q"], repo, env)
    run([binary, "init", "-q"], repo, env)
    link_tree(data, repo / "data")
    run([binary, "add", "-q", "data"], repo, env, timeout)
    run([binary, "remote", "add", "-d", "store", remote_url], repo, env)
    if endpoint:
        run([binary, "remote", "modify", "store", "endpointurl", endpoint], repo, env)
    jobs_args = ["-j", str(jobs)] if jobs else []
    push = timed([binary, "push", "-q", *jobs_args], repo, env, timeout)
    rmtree(repo / "data")
    rmtree(repo / ".dvc" / "cache")
    rmtree(repo / ".dvc" / "tmp")  # remote indexes (cairn) and state (dvc): as in a fresh clone
    rmtree(Path(env["DVC_SITE_CACHE_DIR"]))
    Path(env["DVC_SITE_CACHE_DIR"]).mkdir()
    pull = timed([binary, "pull", "-q", *jobs_args], repo, env, timeout)
    if tree_md5s(repo / "data") != tree_md5s(data):
        raise RuntimeError(f"{tool}: pulled data differs from the original")
    return {"push": push, "pull": pull}


def aws_run(aws: Path, work: Path, data: Path, bucket: str, server, timeout: int) -> dict:
    endpoint = server.endpoint
    env = tool_env(work / "env", endpoint, server.keys)
    work.mkdir(parents=True, exist_ok=True)
    url = f"s3://{bucket}/data"
    push = timed([aws, "s3", "sync", "--only-show-errors", "--endpoint-url", endpoint, data, url], work, env, timeout)
    pull = timed([aws, "s3", "sync", "--only-show-errors", "--endpoint-url", endpoint, url, work / "down"], work, env,
                 timeout)
    if tree_md5s(work / "down") != tree_md5s(data):
        raise RuntimeError("aws: downloaded data differs from the original")
    return {"push": push, "pull": pull}


BARE_LOOP = r"""
import os, sys, time, concurrent.futures, botocore.session, botocore.config
endpoint, bucket, root, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = botocore.session.get_session()
cfg = botocore.config.Config(max_pool_connections=max(10, threads))
c = s.create_client("s3", endpoint_url=endpoint, region_name="us-east-1", config=cfg)
files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]
def put(p):
    with open(p, "rb") as f:
        c.put_object(Bucket=bucket, Key="bare/" + os.path.relpath(p, root), Body=f.read())
t0 = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(threads) as ex:
    list(ex.map(put, files))
print(time.perf_counter() - t0)
"""


def bare_botocore(aws: Path, work: Path, data: Path, server, bucket: str, threads: int) -> float:
    """PUT every file with a bare botocore client (no hashing, no listing): the server's own cost."""
    python = aws.parent / "python"
    env = tool_env(work, server.endpoint, server.keys)
    p = run([python, "-c", BARE_LOOP, server.endpoint, bucket, data, threads], work, env)
    return float(p.stdout.strip())


# ----------------------------------------------------------------------------- main


def fmt(x) -> str:
    return "-" if x is None else f"{x:.2f}"


def ratio(a, b) -> str:
    return "-" if a is None or b is None or b <= 0 else f"{a / b:.1f}x"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (CI): 200 files, 4 MiB, 2000 no-op objects")
    ap.add_argument("--files", type=int, default=10000, help="small files of 4-16 KiB (default 10000)")
    ap.add_argument("--big-mb", type=int, default=1024, help="size of the one big file in MiB (default 1024; 0: none)")
    ap.add_argument("--noop-objects", type=int, default=100000,
                    help="objects for the no-op push (cairn, local remote; default 100000; 0: skip)")
    ap.add_argument("--noop-dvc", action="store_true", help="also time DVC's no-op push (slow to set up)")
    ap.add_argument("--tools", default="cairn,dvc,aws", help="comma-separated subset of cairn,dvc,aws")
    ap.add_argument("--backends", default="s3,local", help="comma-separated subset of s3,local")
    ap.add_argument("--server", default="all",
                    help="S3 server(s) for the s3 backend: a comma-separated subset of moto,s3rver,seaweedfs, "
                         "or all (default; each gets its own rows); 'both' is moto,s3rver")
    ap.add_argument("--jobs", type=int, default=0, help="-j for push/pull (default: each tool's own)")
    ap.add_argument("--cairn", type=Path, default=DEFAULT_CAIRN)
    ap.add_argument("--dvc", type=Path, default=DEFAULT_DVC)
    ap.add_argument("--aws", type=Path, default=DEFAULT_AWS)
    ap.add_argument("--s3rver", type=Path, default=Path(os.environ.get("CAIRN_S3RVER") or DEFAULT_S3RVER))
    ap.add_argument("--weed", type=Path, default=Path(os.environ.get("CAIRN_WEED") or DEFAULT_WEED),
                    help="SeaweedFS's weed executable (default: the pinned one from scripts/install-deps.sh)")
    ap.add_argument("--workdir", type=Path, help="where data and repos go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--timeout", type=int, default=3600, help="per command, seconds")
    a = ap.parse_args()
    if a.smoke:
        a.files, a.big_mb, a.noop_objects = 200, 4, 2000
    server_names = {"all": list(SERVERS), "both": ["moto", "s3rver"]}.get(a.server, a.server.split(","))
    for name in server_names:
        if name not in SERVERS:
            sys.exit(f"bench_remote: unknown --server {name!r} (choose from {', '.join(SERVERS)}, all)")
    tools = [t for t in a.tools.split(",") if t]
    backends = [b for b in a.backends.split(",") if b]
    for t, path in (("cairn", a.cairn), ("dvc", a.dvc), ("aws", a.aws)):
        if t in tools and not os.access(path, os.X_OK):
            sys.exit(f"bench_remote: {t} not found at {path} (scripts/install-deps.sh installs the pinned tools)")

    work = a.workdir or Path(tempfile.mkdtemp(prefix="cairn-bench-remote-"))
    work.mkdir(parents=True, exist_ok=True)
    servers = []
    results: dict = {"params": {"files": a.files, "big_mb": a.big_mb, "noop_objects": a.noop_objects,
                                "cpus": os.cpu_count(), "loadavg": os.getloadavg()[0], "server": ",".join(server_names)},
                     "rows": []}
    try:
        if "s3" in backends:
            if "moto" in server_names:
                servers.append(MotoServer(work / "moto.log"))
            if "s3rver" in server_names:
                servers.append(S3rverServer(a.s3rver, work / "s3rver-data", work / "s3rver.log"))
            if "seaweedfs" in server_names:
                servers.append(SeaweedfsServer(a.weed, work / "seaweedfs-data", work / "seaweedfs.log"))
        targets = [("s3", srv) for srv in servers] + ([("local", None)] if "local" in backends else [])
        datasets = {}
        small = work / "src-small"
        gen_small_files(small, a.files, seed=1)
        datasets[f"{a.files} files of 4-16 KiB"] = small
        if a.big_mb:
            big = work / "src-big"
            gen_big_file(big / "big.bin", a.big_mb, seed=2)
            datasets[f"1 file of {a.big_mb} MiB"] = big

        n = 0
        for label, data in datasets.items():
            for backend, srv in targets:
                row = {"data": label, "backend": f"S3 ({srv.name})" if srv else "local folder"}
                for tool in tools:
                    n += 1
                    tw = work / f"run-{n}-{tool}"
                    if tool == "aws":
                        if backend != "s3":
                            continue
                        bucket = f"bench-aws-{n}"
                        srv.make_bucket(bucket)
                        row[tool] = aws_run(a.aws, tw, data, bucket, srv, a.timeout)
                    else:
                        if backend == "s3":
                            bucket = f"bench-{tool}-{n}"
                            srv.make_bucket(bucket)
                            url = f"s3://{bucket}/store"
                        else:
                            url = str(tw / "remote")
                        binary = a.cairn if tool == "cairn" else a.dvc
                        row[tool] = dvc_tool_run(tool, binary, tw, data, url, srv, a.jobs, a.timeout)
                    if not a.keep:
                        rmtree(tw)
                    print(f"  {label} / {row['backend']} / {tool}: {row[tool]}", file=sys.stderr, flush=True)
                if backend == "s3" and "aws" in tools and data == small:
                    bare = f"bench-bare-{n}"
                    srv.make_bucket(bare)
                    for threads in (1, 10):
                        row[f"botocore_{threads}"] = bare_botocore(a.aws, work, data, srv, bare, threads)
                results["rows"].append(row)

        if a.noop_objects and "cairn" in tools:
            results["noop"] = noop_push(a, work)
    finally:
        for srv in servers:
            srv.stop()
        if not a.keep:
            rmtree(work)
        elif a.workdir is None:
            print(f"kept {work}", file=sys.stderr)

    print_table(results)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def noop_push(a, work: Path) -> dict:
    """N tiny objects pushed to a local remote once; then the no-op push is timed (best of 3)."""
    out = {}
    data = work / "src-noop"
    gen_tiny_files(data, a.noop_objects)
    for tool in ["cairn"] + (["dvc"] if a.noop_dvc else []):
        binary = a.cairn if tool == "cairn" else a.dvc
        tw = work / f"noop-{tool}"
        repo = tw / "repo"
        env = tool_env(tw / "env", "")
        repo.mkdir(parents=True)
        run(["git", "init", "-q"], repo, env)
        run([binary, "init", "-q"], repo, env)
        link_tree(data, repo / "data")
        run([binary, "add", "-q", "data"], repo, env, a.timeout)
        run([binary, "remote", "add", "-d", "store", tw / "remote"], repo, env)
        run([binary, "push", "-q"], repo, env, a.timeout)
        times = [timed([binary, "push"], repo, env, a.timeout) for _ in range(3)]
        out[tool] = min(times)
        if not a.keep:
            rmtree(tw)
    return out


def print_table(results: dict) -> None:
    p = results["params"]
    print(f"\nremote benchmark: {p['files']} small files, big file {p['big_mb']} MiB, "
          f"{p['cpus']} CPUs, load average {p['loadavg']:.1f} at start; seconds (lower is better)\n")
    print(f"| data | remote | op | cairn | dvc | aws s3 sync | dvc/cairn | aws/cairn |")
    print(f"|---|---|---|---:|---:|---:|---:|---:|")
    for row in results["rows"]:
        for op in ("push", "pull"):
            c = row.get("cairn", {}).get(op)
            d = row.get("dvc", {}).get(op)
            w = row.get("aws", {}).get(op)
            print(f"| {row['data']} | {row['backend']} | {op} | {fmt(c)} | {fmt(d)} | {fmt(w)} | {ratio(d, c)} | "
                  f"{ratio(w, c)} |")
    for row in results["rows"]:
        if "botocore_1" in row:
            print(f"\n{row['backend']} server's own cost ({row['data']}): bare botocore PUT loop {row['botocore_1']:.2f} s on 1 "
                  f"thread, {row['botocore_10']:.2f} s on 10 threads (no hashing, no listing, no verification)")
    if "noop" in results:
        print(f"\nno-op push of {p['noop_objects']} objects (local remote, best of 3): " +
              ", ".join(f"{t} {s:.2f} s" for t, s in results["noop"].items()))


if __name__ == "__main__":
    sys.exit(main())
