"""A throwaway PostgreSQL server for e2e tests (the same approach as
tests/unit/catalog_postgres_server.h): initdb into a temp folder, listen on 127.0.0.1 on a free
port, trust auth for user "cairn"; as root the server runs as the "postgres" system user. A
server that cannot start FAILS the test (never a skip)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from servers import free_port

PG_BIN = Path(os.environ.get("CAIRN_PG_BIN", "/usr/lib/postgresql/15/bin"))


class Postgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="cairn-e2e-pg-"))
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run([str(PG_BIN / "initdb"), "-D", f"{self.dir}/data", "-A", "trust", "-U", "cairn", "--no-sync",
                   "-E", "UTF8"], "initdb")
        self._run([str(PG_BIN / "pg_ctl"), "-D", f"{self.dir}/data", "-o",
                   f"-h 127.0.0.1 -p {self.port} -k {self.dir} -F -c max_connections=50",
                   "-l", f"{self.dir}/server.log", "-w", "-t", "60", "start"], "pg_ctl start")
        self.count = 0

    def _run(self, argv, what):
        p = subprocess.run(self.as_user + argv, capture_output=True, text=True)
        if p.returncode != 0:
            log = self.dir / "server.log"
            pytest.fail(f"PostgreSQL {what} failed: {p.stdout}{p.stderr}"
                        f"{log.read_text() if log.exists() else ''}", pytrace=False)

    def new_database(self) -> str:
        """A fresh database; returns its catalog URL."""
        self.count += 1
        name = f"cat{self.count}"
        p = subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "cairn", name],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        return f"postgresql://cairn@127.0.0.1:{self.port}/{name}"

    def stop(self):
        subprocess.run(self.as_user + [str(PG_BIN / "pg_ctl"), "-D", f"{self.dir}/data", "-m", "immediate", "-w",
                                       "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
