"""Real servers on 127.0.0.1 for the e2e tests: an S3 server (moto_server, a child process)
and a static HTTP server (http.server in a thread of the test process).

Both bind a free loopback port. A server that cannot be started makes the test FAIL
(``pytest.fail``): tests are never skipped. ``CAIRN_MOTO_SERVER`` may name the moto_server
executable (else it is looked up on PATH).
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
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
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
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
