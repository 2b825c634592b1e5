"""End-to-end harness: run the cairn binary and real DVC 3 side by side.

Binaries
--------
* ``CAIRN_BIN``: the cairn executable (default ``build/src/cairn/cairn`` under the repo root).
* ``DVC_BIN``: the DVC 3 oracle (default ``~/.cache/cairn/dvc-3.67.1/bin/dvc``).

A missing binary makes every test that uses it FAIL (``pytest.fail``) with the path that
was tried; tests are never skipped (CI forbids skips).

Isolation
---------
Every test gets its own ``DVC_SITE_CACHE_DIR``, ``DVC_GLOBAL_CONFIG_DIR`` and
``DVC_SYSTEM_CONFIG_DIR`` (plus ``CAIRN_*`` aliases of the same directories), an empty
global git config, ``DVC_NO_ANALYTICS=1`` and a ``HOME`` inside the test's temp dir.

Message comparison
------------------
DVC's messages name the program (``dvc config core.autostage true``). By default the
harness compares cairn output with DVC output after replacing the word ``cairn`` by
``dvc`` and each side's repo root by ``<ROOT>``; set ``CAIRN_E2E_STRICT_NAME=1`` to
require cairn to print ``dvc`` literally.

Markers: ``interop`` (needs both binaries), ``cairn_only`` (needs only cairn),
``dvc_only`` (oracle only), ``corpus`` (uses the big generated corpus).
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CAIRN = REPO_ROOT / "build" / "src" / "cairn" / "cairn"
DEFAULT_DVC = Path("~/.cache/cairn/dvc-3.67.1/bin/dvc").expanduser()
TIMEOUT = int(os.environ.get("CAIRN_E2E_TIMEOUT", "300"))
STRICT_NAME = os.environ.get("CAIRN_E2E_STRICT_NAME") == "1"

EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def pytest_configure(config):
    for name, doc in [
        ("interop", "compares cairn with DVC (needs both binaries)"),
        ("cairn_only", "exercises cairn alone"),
        ("dvc_only", "exercises the DVC oracle alone"),
        ("corpus", "uses the large generated corpus (thousands of files, 20 MB file)"),
    ]:
        config.addinivalue_line("markers", f"{name}: {doc}")


# ----------------------------------------------------------------------------- binaries


def _resolve(env_name: str, default: Path) -> Path:
    raw = os.environ.get(env_name)
    return Path(raw).expanduser() if raw else default


def cairn_path() -> Path:
    return _resolve("CAIRN_BIN", DEFAULT_CAIRN)


def dvc_path() -> Path:
    return _resolve("DVC_BIN", DEFAULT_DVC)


def _check_binary(name: str, env_name: str, path: Path) -> None:
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"{name} binary not found or not executable: {path} "
            f"(set {env_name}=/path/to/{name}; for cairn build it first with "
            f"`cmake -S . -B build && cmake --build build`)",
            pytrace=False,
        )


# ----------------------------------------------------------------------------- tool runner


@dataclass
class Result:
    args: list
    returncode: int
    stdout: str
    stderr: str
    cwd: Path

    @property
    def out(self) -> str:
        return self.stdout

    def describe(self) -> str:
        return (
            f"$ {' '.join(map(str, self.args))}  (cwd={self.cwd})\n"
            f"exit={self.returncode}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


@dataclass
class Tool:
    """One CLI (cairn or dvc) with an isolated environment."""

    name: str  # "cairn" or "dvc"
    binary: Path
    env_name: str
    env: dict

    def check(self) -> None:
        _check_binary(self.name, self.env_name, self.binary)

    def available(self) -> bool:
        return self.binary.is_file() and os.access(self.binary, os.X_OK)

    def run(self, *args, cwd, timeout=TIMEOUT, input=None, extra_env=None, ok=None) -> Result:
        """Run the tool. ``ok=True`` asserts exit 0, ``ok=False`` asserts non-zero."""
        self.check()
        env = dict(self.env)
        if extra_env:
            env.update(extra_env)
        argv = [str(self.binary), *map(str, args)]
        p = subprocess.run(
            argv, cwd=str(cwd), env=env, input=input, capture_output=True,
            timeout=timeout, text=True, encoding="utf-8", errors="surrogateescape",
        )
        r = Result([self.name, *map(str, args)], p.returncode, p.stdout, p.stderr, Path(cwd))
        if ok is True:
            assert r.returncode == 0, f"{self.name} failed unexpectedly:\n{r.describe()}"
        elif ok is False:
            assert r.returncode != 0, f"{self.name} unexpectedly succeeded:\n{r.describe()}"
        return r

    def popen(self, *args, cwd, extra_env=None, **kw) -> subprocess.Popen:
        self.check()
        env = dict(self.env)
        if extra_env:
            env.update(extra_env)
        return subprocess.Popen([str(self.binary), *map(str, args)], cwd=str(cwd), env=env, **kw)


def isolated_env(base: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DVC_", "GIT_"))}
    dirs = {
        "DVC_SITE_CACHE_DIR": base / "site-cache",
        "DVC_GLOBAL_CONFIG_DIR": base / "global-config",
        "DVC_SYSTEM_CONFIG_DIR": base / "system-config",
        "HOME": base / "home",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    env.update({k: str(v) for k, v in dirs.items()})
    # cairn may use its own names for the same knobs.
    env["CAIRN_SITE_CACHE_DIR"] = str(dirs["DVC_SITE_CACHE_DIR"])
    env["CAIRN_GLOBAL_CONFIG_DIR"] = str(dirs["DVC_GLOBAL_CONFIG_DIR"])
    env["CAIRN_SYSTEM_CONFIG_DIR"] = str(dirs["DVC_SYSTEM_CONFIG_DIR"])
    gitcfg = base / "gitconfig"
    gitcfg.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    env.update({
        "DVC_NO_ANALYTICS": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(gitcfg),
        "LC_ALL": "C.UTF-8",
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "TZ": "UTC",
    })
    env.pop("CAIRN_FAULT", None)
    return env


@pytest.fixture
def tool_env(tmp_path) -> dict:
    return isolated_env(tmp_path / "_env")


@pytest.fixture
def cairn(tool_env) -> Tool:
    return Tool("cairn", cairn_path(), "CAIRN_BIN", tool_env)


@pytest.fixture
def dvc(tool_env) -> Tool:
    return Tool("dvc", dvc_path(), "DVC_BIN", tool_env)


def _tools_of(obj):
    if isinstance(obj, Tool):
        yield obj
    elif isinstance(obj, Side):
        yield obj.tool
    elif isinstance(obj, Twin):
        for s in obj.sides:
            yield from _tools_of(s)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """Missing binaries FAIL the test (never skip, never a setup error)."""
    for value in getattr(item, "funcargs", {}).values():
        for tool in _tools_of(value):
            tool.check()


# ----------------------------------------------------------------------------- git helpers


def git(repo: Path, *args, env=None, check=True) -> str:
    p = subprocess.run(["git", *args], cwd=str(repo), env=env, capture_output=True, text=True,
                       timeout=TIMEOUT)
    if check and p.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {repo}:\n{p.stdout}{p.stderr}")
    return p.stdout


def make_git_repo(path: Path, env: dict) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", env=env)
    git(path, "config", "user.email", "e2e@cairn.test", env=env)
    git(path, "config", "user.name", "cairn e2e", env=env)
    git(path, "config", "commit.gpgsign", "false", env=env)
    return path


def git_commit_all(repo: Path, env: dict, msg: str = "commit") -> None:
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "--allow-empty", "-m", msg, env=env)


# ----------------------------------------------------------------------------- corpus

SMALL_CORPUS = dict(n_small=60, big_mb=0)
FULL_CORPUS = dict(n_small=3000, big_mb=20)


def build_corpus(root: Path, *, n_small: int = 3000, big_mb: int = 20, seed: int = 20240601) -> Path:
    """Create ``root/data`` deterministically and return it.

    Contents: nested folders, non-ASCII names (é, 日本, emoji), names with spaces, empty
    files, an empty folder, an executable script, CRLF text files, ``n_small`` small files
    spread over sub-folders and (if ``big_mb``) one ``big_mb`` MiB file.
    """
    rnd = random.Random(seed)
    data = root / "data"

    def w(rel: str, content: bytes, mode: int | None = None) -> None:
        p = data / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)
        if mode is not None:
            p.chmod(mode)

    w("README.txt", b"corpus for cairn e2e tests\n")
    w("nested/a/b/c/deep.txt", b"deep\n")
    w("nested/a/b/sibling.csv", b"x,y\n1,2\n")
    w("nested/a/top.json", b'{"k": 1}\n')
    w("unicode/caf\u00e9.txt", "caf\u00e9\n".encode())
    w("unicode/\u65e5\u672c/\u30c7\u30fc\u30bf.bin", rnd.randbytes(333))
    w("unicode/emoji \U0001F389 party.txt", "\U0001F389\n".encode())
    w("unicode/\u00e9\u00e9/x.txt", b"ee\n")
    w("with space/file name.txt", b"spaces in names\n")
    w("with space/another one .txt", b"trailing-space stem\n")
    for i in range(3):
        w(f"empty_files/empty{i}", b"")
    (data / "empty_dir").mkdir(parents=True, exist_ok=True)
    w("bin/run.sh", b"#!/bin/sh\necho hello\n", 0o755)
    w("crlf/windows.txt", b"line one\r\nline two\r\nline three\r\n")
    w("crlf/mixed.txt", b"unix\nwindows\r\nunix again\n")
    w("crlf/binaryish.dat", b"\x00\x01\r\n\x02" * 50)
    for i in range(n_small):
        sub = f"small/{i // 100:03d}"
        w(f"{sub}/f{i:05d}.bin", rnd.randbytes(rnd.randint(1, 2048)))
    if big_mb:
        big = data / "big" / "big.bin"
        big.parent.mkdir(parents=True, exist_ok=True)
        with open(big, "wb") as f:
            for _ in range(big_mb):
                f.write(rnd.randbytes(1 << 20))
    return data


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, copy_function=shutil.copy2)


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory) -> Path:
    """The full corpus, generated once per session (copied into each test's repo)."""
    base = tmp_path_factory.mktemp("corpus-full")
    build_corpus(base, **FULL_CORPUS)
    return base / "data"


@pytest.fixture(scope="session")
def small_corpus_template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("corpus-small")
    build_corpus(base, **SMALL_CORPUS)
    return base / "data"


# ----------------------------------------------------------------------------- snapshots


def md5_file(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_snapshot(root: Path, *, exclude=(".git", ".dvc/tmp", ".dvc/cache")) -> dict:
    """relpath -> (kind, mode, content-md5 | link target) for everything under root.

    Link targets inside ``root`` are written as ``<ROOT>/...`` so twins compare equal."""
    snap = {}
    roots = str(root)

    def readlink(p):
        target = os.readlink(p)
        return "<ROOT>" + target[len(roots):] if target.startswith(roots + os.sep) else target

    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir
        keep = []
        for d in dirnames:
            rel = os.path.join(rel_dir, d)
            if rel in exclude:
                continue
            full = os.path.join(dirpath, d)
            if os.path.islink(full):
                snap[rel] = ("symlink", None, readlink(full))
                continue
            keep.append(d)
            snap[rel] = ("dir", None, None)
        dirnames[:] = keep
        for fn in filenames:
            rel = os.path.join(rel_dir, fn)
            if rel in exclude:
                continue
            full = os.path.join(dirpath, fn)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                snap[rel] = ("symlink", None, readlink(full))
            else:
                snap[rel] = ("file", stat.S_IMODE(st.st_mode), md5_file(Path(full)))
    return snap


def stat_snapshot(root: Path, rels) -> dict:
    out = {}
    for r in rels:
        st = os.lstat(root / r)
        out[r] = (st.st_mtime_ns, st.st_size, st.st_ino, md5_file(root / r))
    return out


def cache_dir(repo: Path) -> Path:
    return repo / ".dvc" / "cache"


def is_tmp_name(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def cache_objects(cache: Path, *, include_tmp: bool = True) -> dict:
    """Every file in a cache: relpath -> (mode, md5 of bytes).

    ``include_tmp=False`` leaves out DVC-style ``.<random>.tmp`` files (DVC 3.67 leaks
    them into ``files/md5/`` on ``add -o``; their names are random so twins never match)."""
    objs = {}
    if not cache.exists():
        return objs
    for dirpath, _, filenames in os.walk(cache):
        for fn in filenames:
            if not include_tmp and is_tmp_name(fn):
                continue
            full = Path(dirpath) / fn
            rel = full.relative_to(cache).as_posix()
            st = os.lstat(full)
            objs[rel] = (oct(stat.S_IMODE(st.st_mode)), md5_file(full))
    return objs


def verify_cache(cache: Path, *, allow_tmp: bool = False) -> None:
    """Every object re-hashes to its name; no temp files (unless allow_tmp); objects are 0444."""
    problems = []
    for rel, (mode, digest) in cache_objects(cache).items():
        parts = rel.split("/")
        name = Path(rel).name
        if name.endswith(".tmp") or name.startswith("."):
            if not allow_tmp:
                problems.append(f"temporary file left in cache: {rel}")
            continue
        if parts[:2] == ["files", "md5"] and len(parts) == 4:
            oid = parts[2] + parts[3]
        elif len(parts) == 2:
            oid = parts[0] + parts[1]  # legacy layout: content md5 may be dos2unix
            continue
        else:
            problems.append(f"unexpected path in cache: {rel}")
            continue
        oid = oid.removesuffix(".dir")
        if digest != oid:
            problems.append(f"object {rel} has md5 {digest}")
        if mode != "0o444":
            problems.append(f"object {rel} has mode {mode}")
    assert not problems, "cache verification failed:\n" + "\n".join(problems)


# ----------------------------------------------------------------------------- normalisation


def norm(text: str, root: Path | None = None, tool: str = "dvc") -> str:
    if root is not None:
        text = text.replace(str(root), "<ROOT>")
    if tool == "cairn" and not STRICT_NAME:
        text = re.sub(r"\bcairn\b", "dvc", text)
    # DVC prints the files of "git add a b c" in Python set order (hash-randomised), so
    # the order is not part of the contract: sort them.
    # Paths are shlex-quoted by DVC (non-ASCII and spaces get '...').
    text = re.sub(r"(?m)^(\tgit add )(.+)$",
                  lambda m: m.group(1) + " ".join(shlex.quote(x) for x in sorted(shlex.split(m.group(2)))),
                  text)
    return text


# ----------------------------------------------------------------------------- twin repos


@dataclass
class Side:
    tool: Tool
    path: Path
    env: dict
    other: Tool | None = None  # the opposite tool, same isolated env (cross-tool checks)

    @property
    def name(self) -> str:
        return self.tool.name

    def run(self, *args, cwd=None, **kw) -> Result:
        return self.tool.run(*args, cwd=cwd or self.path, **kw)

    def ok(self, *args, **kw) -> Result:
        return self.run(*args, ok=True, **kw)

    def fail(self, *args, **kw) -> Result:
        return self.run(*args, ok=False, **kw)

    def run_other(self, *args, cwd=None, **kw) -> Result:
        """Run the *other* tool in this side's repo (dvc on the cairn repo and vice versa)."""
        return self.other.run(*args, cwd=cwd or self.path, **kw)

    def git(self, *args, check=True) -> str:
        return git(self.path, *args, env=self.env, check=check)

    def commit(self, msg="commit") -> None:
        git_commit_all(self.path, self.env, msg)

    def norm(self, text: str) -> str:
        return norm(text, self.path, self.name)

    def cache(self, include_tmp: bool = False) -> dict:
        return cache_objects(cache_dir(self.path), include_tmp=include_tmp)

    def snapshot(self, **kw) -> dict:
        return tree_snapshot(self.path, **kw)


_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2)


@dataclass
class Twin:
    """Two identical git repos: ``a`` driven by cairn, ``b`` by dvc (the oracle)."""

    a: Side
    b: Side
    sides: list = field(default_factory=list)

    def __post_init__(self):
        self.sides = [self.a, self.b]

    def both(self, *args, **kw) -> tuple[Result, Result]:
        """Run the same command in both repos, concurrently (halves wall time)."""
        fa = _POOL.submit(self.a.run, *args, **kw)
        fb = _POOL.submit(self.b.run, *args, **kw)
        return fa.result(), fb.result()

    def both_ok(self, *args, **kw):
        ra, rb = self.both(*args, **kw)
        assert ra.returncode == 0, f"cairn failed unexpectedly:\n{ra.describe()}"
        assert rb.returncode == 0, f"dvc failed unexpectedly:\n{rb.describe()}"
        return ra, rb

    def each(self, fn) -> None:
        for s in self.sides:
            fn(s.path)

    def assert_same_output(self, ra: Result, rb: Result, *, stderr=False) -> None:
        assert ra.returncode == rb.returncode, f"exit codes differ\n{ra.describe()}\n{rb.describe()}"
        assert self.a.norm(ra.stdout) == self.b.norm(rb.stdout), f"stdout differs\n{ra.describe()}\n{rb.describe()}"
        if stderr:
            assert self.a.norm(ra.stderr) == self.b.norm(rb.stderr), f"stderr differs\n{ra.describe()}\n{rb.describe()}"

    def assert_same_tree(self, **kw) -> None:
        sa, sb = self.a.snapshot(**kw), self.b.snapshot(**kw)
        diff = sorted(set(sa.items()) ^ set(sb.items()))
        assert sa == sb, "workspaces differ (cairn vs dvc):\n" + "\n".join(map(str, diff[:40]))

    def assert_same_cache(self) -> None:
        ca, cb = self.a.cache(), self.b.cache()
        diff = sorted(set(ca.items()) ^ set(cb.items()))
        assert ca == cb, "caches differ (cairn vs dvc):\n" + "\n".join(map(str, diff[:40]))


def _make_side(tool: Tool, base: Path, data_template: Path | None, init: bool, other: Tool | None = None) -> Side:
    repo = make_git_repo(base / "repo", tool.env)
    if data_template is not None:
        copy_tree(data_template, repo / "data")
    if init and tool.available():  # a missing binary fails the test in pytest_runtest_call
        tool.run("init", cwd=repo, ok=True)
    return Side(tool, repo, tool.env, other)


def make_twin(tmp_path: Path, *, corpus: Path | None, init: bool = True, env_a=None, env_b=None) -> Twin:
    ea = env_a or isolated_env(tmp_path / "env-cairn")
    eb = env_b or isolated_env(tmp_path / "env-dvc")
    ca = Tool("cairn", cairn_path(), "CAIRN_BIN", ea)
    cb = Tool("dvc", dvc_path(), "DVC_BIN", eb)
    ca_other = Tool("dvc", dvc_path(), "DVC_BIN", ea)
    cb_other = Tool("cairn", cairn_path(), "CAIRN_BIN", eb)
    fa = _POOL.submit(_make_side, ca, tmp_path / "cairn", corpus, init, ca_other)
    fb = _POOL.submit(_make_side, cb, tmp_path / "dvc", corpus, init, cb_other)
    return Twin(fa.result(), fb.result())


@pytest.fixture
def twin(tmp_path, small_corpus_template) -> Twin:
    """Two initialised repos holding the small corpus under ``data/``."""
    return make_twin(tmp_path, corpus=small_corpus_template)


@pytest.fixture
def twin_full(tmp_path, corpus_template) -> Twin:
    """Two initialised repos holding the full corpus (3000 files + 20 MB) under ``data/``."""
    return make_twin(tmp_path, corpus=corpus_template)


@pytest.fixture
def twin_bare(tmp_path) -> Twin:
    """Two empty git repos, not initialised."""
    return make_twin(tmp_path, corpus=None, init=False)


@pytest.fixture
def repo_cairn(tmp_path, cairn, small_corpus_template) -> Side:
    """One cairn-initialised repo with the small corpus (cairn-only tests)."""
    return _make_side(cairn, tmp_path / "solo", small_corpus_template, True)


@pytest.fixture
def repo_cairn_full(tmp_path, cairn, corpus_template) -> Side:
    """One cairn-initialised repo with the full corpus (cairn-only tests)."""
    return _make_side(cairn, tmp_path / "solo", corpus_template, True,
                      Tool("dvc", dvc_path(), "DVC_BIN", cairn.env))


def load_json(r: Result):
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError as e:  # pragma: no cover - diagnostic
        raise AssertionError(f"output is not JSON ({e}):\n{r.describe()}")
