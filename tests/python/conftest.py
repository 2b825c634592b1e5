"""Fixtures for the tests of the installed `cairn` Python package.

These tests import `cairn` from wherever it is installed (`pip install .`), never from the
source tree: tests/python is not a package and nothing here touches sys.path. Every test
runs in its own temp dir with its own HOME and DVC/git config dirs (hermetic).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main",
       "-c", "commit.gpgsign=false"]


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    for var in ("DVC_GLOBAL_CONFIG_DIR", "DVC_SYSTEM_CONFIG_DIR", "DVC_SITE_CACHE_DIR"):
        d = home / var.lower()
        d.mkdir()
        monkeypatch.setenv(var, str(d))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("DVC_NO_ANALYTICS", "1")
    monkeypatch.delenv("CAIRN_FAULT", raising=False)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_dir(tmp_path: Path) -> Path:
    """An empty git repository."""
    d = tmp_path / "ws"
    d.mkdir()
    git(d, "init", "-q")
    return d


@pytest.fixture
def repo(git_dir: Path):
    """A fresh cairn/DVC repository inside a git repository."""
    import cairn

    return cairn.Repo.init(git_dir)
