"""End-to-end tests of the artifact catalog CLI (issue 5): artifact log/get/show/ls/push, find,
lineage, catalog sync, `cairn run`, settings. Roots on a local folder and on S3 (moto); catalogs on
SQLite and on a real PostgreSQL. The real dvc is the oracle that the cairn-only settings file is
invisible to DVC."""
from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import dvc_path
from pg_server import Postgres
from servers import Moto, aws_env, free_port


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = Moto(tmp_path_factory.mktemp("moto-artifacts"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres():
    server = Postgres()
    yield server
    server.stop()


class Art:
    """cairn with artifact settings in the environment."""

    def __init__(self, cairn, tmp: Path, root: str, catalog: str, extra: dict | None = None):
        self.cairn = cairn
        self.tmp = tmp
        self.work = tmp / "work"
        self.work.mkdir(parents=True, exist_ok=True)
        self.env = {
            "CAIRN_ARTIFACTS_ROOT": root,
            "CAIRN_CATALOG_URL": catalog,
            "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
            "XDG_CACHE_HOME": str(tmp / "xdg-cache"),
            "XDG_STATE_HOME": str(tmp / "xdg-state"),
            "XDG_DATA_HOME": str(tmp / "xdg-data"),
            "CAIRN_USER": "tester",
        }
        self.env.update(extra or {})

    def run(self, *args, user=None, ok=True, cwd=None, extra_env=None):
        env = dict(self.env)
        if user:
            env["CAIRN_USER"] = user
        env.update(extra_env or {})
        return self.cairn.run(*args, cwd=cwd or self.work, extra_env=env, ok=ok)

    def log(self, *args, user=None, **kw) -> str:
        out = self.run("artifact", "log", *args, user=user, **kw).stdout.strip()
        assert re.fullmatch(r"artifact_[0-9a-f-]{36}", out), out
        return out

    def json(self, *args, **kw):
        return json.loads(self.run(*args, **kw).stdout)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def make_art(kind_root, kind_catalog, cairn, tmp_path, moto=None, postgres=None) -> Art:
    extra = {}
    if kind_root == "local":
        root = str(tmp_path / "root")
    else:
        bucket = f"art-{free_port()}"
        extra = aws_env(moto.endpoint)
        cairn.run("store", "mb", f"s3://{bucket}", "--endpoint-url", moto.endpoint, cwd=tmp_path, ok=True,
              extra_env=aws_env(moto.endpoint))
        root = f"s3://{bucket}/team/artifacts"
    catalog = f"sqlite://{tmp_path / 'catalog.db'}" if kind_catalog == "sqlite" else postgres.new_database()
    return Art(cairn, tmp_path, root, catalog, extra)


@pytest.fixture
def sqlite_local(cairn, tmp_path):
    return make_art("local", "sqlite", cairn, tmp_path)


@pytest.mark.parametrize("kind_root,kind_catalog", [("local", "sqlite"), ("s3", "sqlite"), ("local", "postgres"),
                                                    ("s3", "postgres")])
def test_notebook_story(kind_root, kind_catalog, cairn, tmp_path, request):
    moto = request.getfixturevalue("moto") if kind_root == "s3" else None
    postgres = request.getfixturevalue("postgres") if kind_catalog == "postgres" else None
    a = make_art(kind_root, kind_catalog, cairn, tmp_path, moto, postgres)
    write(a.work / "docs/train.txt", "train rows\n")
    write(a.work / "docs/test.txt", "test rows\n")
    write(a.work / "other.txt", "noise\n")
    t0 = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    docs = a.log("docs/train.txt", "docs/test.txt", "--name", "docs", "--label", "datatype=annotation_file",
                 "--label", "ticket=AB-123", "--info", "split=v1", "--info", "rows=2", user="user-a")
    a.log("other.txt", "--label", "datatype=annotation_file", user="user-b")
    a.log("other.txt", "--user", "user-a", "--label", "datatype=other")
    t1 = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)

    query = {"username": "user-a", "labels.datatype": "annotation_file",
             "creation_time": {"$gte": t0.isoformat(), "$lt": t1.isoformat()},
             "file_relpaths": {"$regex": r"^docs/.*\.txt$"}, "labels.infos.rows": {"$gt": 1}}
    found = a.json("find", json.dumps(query), "--json")
    assert found["total"] == 1 and [r["artifact_id"] for r in found["artifacts"]] == [docs]
    rec = found["artifacts"][0]
    assert rec["username"] == "user-a" and rec["name"] == "docs" and rec["version"] == 1
    assert rec["labels"]["ticket"] == "AB-123" and rec["labels"]["infos"] == {"split": "v1", "rows": 2}
    assert set(rec["files"]) == {"docs/train.txt", "docs/test.txt"}
    assert rec["environment"]["executable"] == "cairn" and rec["argv"][1:3] == ["artifact", "log"]
    # Human table: newest first, with the total.
    table = a.run("find", '{"labels.datatype": "annotation_file"}', "--limit", "1").stdout
    assert "1 of 2 matching artifacts shown" in table and docs not in table
    csv = a.run("find", json.dumps({"artifact_id": docs}), "--csv").stdout
    assert csv.startswith("ARTIFACT_ID,NAME,VERSION") and docs in csv

    if kind_root == "local":
        day = dt.datetime.now(dt.timezone.utc).strftime("%Y/%m/%d")
        recs = list((Path(a.env["CAIRN_ARTIFACTS_ROOT"]) / "artifacts").glob(f"{day[:4]}/*/*/user-a/*_{docs}.json"))
        assert len(recs) == 1 and json.loads(recs[0].read_text())["artifact_id"] == docs
        assert (Path(a.env["CAIRN_ARTIFACTS_ROOT"]) / "files/md5").is_dir()

    # get by id and by name, into another folder
    a.run("artifact", "get", docs, "-o", str(tmp_path / "got"))
    assert (tmp_path / "got/docs/train.txt").read_text() == "train rows\n"
    a.run("artifact", "get", "docs@latest", "-o", str(tmp_path / "got2"))
    assert (tmp_path / "got2/docs/test.txt").read_text() == "test rows\n"
    shown = a.json("artifact", "show", "docs@1", "--json")
    assert shown["artifact_id"] == docs

    # Inside `cairn run`: what is read becomes based_on of what is logged afterwards.
    cairn_bin = str(a.cairn.binary)
    script = (f"{cairn_bin} artifact get docs -o input && cat input/docs/train.txt > model.bin && "
              f"{cairn_bin} artifact log model.bin --name model")
    r = a.run("run", "--name", "train", "--", "sh", "-c", script, user="user-a")
    model = r.stdout.strip().splitlines()[-1]
    m = a.json("artifact", "show", model, "--json")
    assert m["based_on"] == [docs] and m["run_id"].startswith("run_") and m["name"] == "model"
    assert [x["artifact_id"] for x in a.json("find", json.dumps({"based_on": docs}), "--json")["artifacts"]] == [model]
    # Logging outside a run adds no based_on.
    plain = a.log("model.bin", "--name", "model")
    assert a.json("artifact", "show", plain, "--json")["based_on"] == []
    assert a.json("artifact", "show", "model@latest", "--json")["version"] == 2

    up = a.json("lineage", model, "--up", "--json")
    assert up["edges"] == [{"child": model, "parent": docs, "depth": 1}]
    assert {n["artifact_id"] for n in up["nodes"]} == {model, docs}
    down = a.json("lineage", "docs", "--down", "--json")
    assert down["edges"] == [{"child": model, "parent": docs, "depth": 1}]
    dot = a.run("lineage", "docs", "--down", "--dot").stdout
    assert dot.startswith("digraph") and f'"{docs}" -> "{model}"' in dot
    mermaid = a.run("lineage", model, "--mermaid").stdout
    assert mermaid.startswith("flowchart") and "n1 --> n0" in mermaid
    ls = a.json("artifact", "ls", "--json", "--limit", "0")
    assert ls[0]["artifact_id"] == plain and len(ls) == 5


def test_sync_rebuilds_a_deleted_catalog(sqlite_local, tmp_path):
    a = sqlite_local
    write(a.work / "f.txt", "1")
    ids = [a.log("f.txt", "--name", "ds") for _ in range(3)]
    write(a.work / "g.txt", "2")
    ids.append(a.log("g.txt", "--info", "k=v"))
    (tmp_path / "catalog.db").unlink()
    assert a.json("find", "--json")["total"] == 0
    r = a.json("catalog", "sync", "--json")
    assert r["ingested"] == 4 and r["mode"] == "full" and r["errors"] == []
    assert {x["artifact_id"] for x in a.json("find", "--json")["artifacts"]} == set(ids)
    assert a.json("artifact", "show", "ds@2", "--json")["artifact_id"] == ids[1]
    # Incremental: nothing new, nothing re-read.
    again = a.json("catalog", "sync", "--json")
    assert again["mode"] == "incremental" and again["ingested"] == 0
    # A record of an unknown format version is reported, not guessed.
    day = dt.datetime.now(dt.timezone.utc).strftime("%Y/%m/%d")
    bad = Path(a.env["CAIRN_ARTIFACTS_ROOT"]) / f"artifacts/{day}/x/000000_artifact_00000000-0000-4000-8000-000000000000.json"
    bad.parent.mkdir(parents=True)
    bad.write_text(json.dumps({"format_version": 7, "artifact_id": "artifact_00000000-0000-4000-8000-000000000000"}))
    r = a.run("catalog", "sync", ok=False)
    assert r.returncode == 1 and "format_version 7" in r.stderr and bad.name in r.stderr


def test_offline_log_then_push(cairn, tmp_path, moto):
    bucket = f"off-{free_port()}"
    cairn.run("store", "mb", f"s3://{bucket}", "--endpoint-url", moto.endpoint, cwd=tmp_path, ok=True,
              extra_env=aws_env(moto.endpoint))
    a = Art(cairn, tmp_path, f"s3://{bucket}/root", f"sqlite://{tmp_path / 'c.db'}", aws_env(moto.endpoint))
    dead = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}  # nothing listens there
    write(a.work / "a.txt", "offline A")
    write(a.work / "b.txt", "offline B")
    r = a.run("artifact", "log", "a.txt", "--name", "off", extra_env=dead)
    first = r.stdout.strip()
    assert "unreachable" in r.stderr and "queued" in r.stderr
    # Readable while offline (local cache), and findable (catalog row).
    a.run("artifact", "get", "off", "-o", str(tmp_path / "o1"), extra_env=dead)
    assert (tmp_path / "o1/a.txt").read_text() == "offline A"
    p = a.run("artifact", "push", extra_env=dead, ok=False)
    assert p.returncode == 3
    second = a.run("artifact", "log", "b.txt", extra_env=dead).stdout.strip()
    # The root is back: `artifact push` uploads both, objects then records.
    pushed = a.json("artifact", "push", "--json")
    assert pushed == {"artifacts": 2, "objects": 2, "remaining": 0}
    assert a.json("artifact", "push", "--json")["artifacts"] == 0
    # Nothing lost: a fresh catalog and cache rebuilt from the root alone has both.
    b = Art(cairn, tmp_path / "fresh", a.env["CAIRN_ARTIFACTS_ROOT"], f"sqlite://{tmp_path / 'fresh.db'}",
            aws_env(moto.endpoint))
    assert b.json("catalog", "sync", "--json")["ingested"] == 2
    b.run("artifact", "get", second, "-o", str(tmp_path / "o2"))
    assert (tmp_path / "o2/b.txt").read_text() == "offline B"
    # The next successful log flushes the queue too.
    write(a.work / "c.txt", "offline C")
    third = a.run("artifact", "log", "c.txt", extra_env=dead).stdout.strip()
    write(a.work / "d.txt", "online D")
    r = a.run("artifact", "log", "d.txt")
    assert "uploaded 1 queued artifact" in r.stderr
    assert b.json("catalog", "sync", "--json")["ingested"] == 2
    assert b.json("artifact", "show", third, "--json")["files"]["c.txt"]["size"] == 9
    assert first != second


def s3_art(cairn, tmp_path, moto, sub="") -> Art:
    bucket = f"late-{free_port()}"
    cairn.run("store", "mb", f"s3://{bucket}", "--endpoint-url", moto.endpoint, cwd=tmp_path, ok=True,
              extra_env=aws_env(moto.endpoint))
    return Art(cairn, tmp_path / sub, f"s3://{bucket}/root", f"sqlite://{tmp_path / sub / 'c.db'}",
               aws_env(moto.endpoint))


def root_keys(a: Art) -> list[str]:
    """Every key below the artifact root (relative to it)."""
    r = a.run("store", "ls", "-r", "--json", a.env["CAIRN_ARTIFACTS_ROOT"] + "/", ok=None)
    if r.returncode == 1:
        return []
    assert r.returncode == 0, r.stderr
    return sorted(o["name"] for o in json.loads(r.stdout))


DEAD = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # nothing listens there: the root is unreachable


def test_late_queued_record_reaches_an_incremental_sync(cairn, tmp_path, moto):
    """A record pushed from the offline queue days after it was logged is older than any
    incremental window; its late pointer makes the colleague's incremental sync find it."""
    a = s3_art(cairn, tmp_path, moto)
    colleague = Art(cairn, tmp_path / "colleague", a.env["CAIRN_ARTIFACTS_ROOT"],
                    f"sqlite://{tmp_path / 'c2.db'}", aws_env(moto.endpoint))
    write(a.work / "first.txt", "online")
    first = a.log("first.txt")
    assert colleague.json("catalog", "sync", "--json")["ingested"] == 1  # full, then incremental from here
    write(a.work / "late.txt", "logged offline ten days ago")
    r = a.run("artifact", "log", "late.txt", extra_env=DEAD)
    late = r.stdout.strip()
    assert "queued" in r.stderr
    # Pretend it was logged ten days ago: the queued record carries that creation time.
    queued = [p for p in tmp_path.rglob(f"*_{late}.json") if "queue" in str(p)]
    assert len(queued) == 1, queued
    rec = json.loads(queued[0].read_text())
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)
    rec["creation_time"] = old.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    queued[0].write_text(json.dumps(rec, indent=2) + "\n")
    assert a.json("artifact", "push", "--json")["artifacts"] == 1
    keys = root_keys(a)
    assert any(k.startswith("artifacts/" + old.strftime("%Y/%m/%d")) and late in k for k in keys), keys
    pointers = [k for k in keys if k.startswith("artifacts/late/") and k.endswith(late + ".late")]
    assert len(pointers) == 1, keys
    synced = colleague.json("catalog", "sync", "--json")
    assert synced["mode"] == "incremental" and synced["ingested"] == 1 and synced["errors"] == []
    assert colleague.json("artifact", "show", late, "--json")["creation_time"].startswith(old.strftime("%Y-%m-%d"))
    again = colleague.json("catalog", "sync", "--json")
    assert again["ingested"] == 0 and again["mode"] == "incremental"
    assert first != late


@pytest.mark.parametrize("point", ["artifact.files_uploaded", "artifact.record_written", "artifact.queued",
                                   "artifact.queue_record_pushed"])
def test_killed_log_or_push_loses_nothing(point, cairn, tmp_path, moto):
    """kill -9 at each step of log (files, record, catalog row) and of a queue push: after the
    crash, the rerun or `catalog sync` leaves every logged artifact findable and readable."""
    a = s3_art(cairn, tmp_path, moto)
    write(a.work / "f.txt", "payload " + point)
    crash = {"CAIRN_FAULT": f"crash={point}"}
    expect = set()
    if point == "artifact.queue_record_pushed":
        expect.add(a.run("artifact", "log", "f.txt", extra_env=DEAD).stdout.strip())
        r = a.run("artifact", "push", ok=False, extra_env=crash)
        assert r.returncode in (137, -9), r
        assert a.json("artifact", "push", "--json")["artifacts"] == 1  # the rerun finishes it
    else:
        r = a.run("artifact", "log", "f.txt", ok=False, extra_env={**crash, **(DEAD if point == "artifact.queued" else {})})
        assert r.returncode in (137, -9), r
        assert a.json("find", "--json")["total"] == 0  # killed before the catalog row
        records = [k for k in root_keys(a) if k.startswith("artifacts/") and k.endswith(".json")]
        assert len(records) == (1 if point == "artifact.record_written" else 0), records
        if point == "artifact.record_written":
            # The record made it to the root: sync brings the row back.
            assert a.json("catalog", "sync", "--json")["ingested"] == 1
        if point == "artifact.queued":
            # The queue entry made it: push uploads it and sync lists it.
            assert a.json("artifact", "push", "--json")["artifacts"] == 1
            assert a.json("catalog", "sync", "--json")["ingested"] == 1
        expect.update(x["artifact_id"] for x in a.json("find", "--json", "--limit", "0")["artifacts"])
        assert len(expect) == (0 if point == "artifact.files_uploaded" else 1)
        expect.add(a.log("f.txt"))  # logging again works
    found = {x["artifact_id"] for x in a.json("find", "--json", "--limit", "0")["artifacts"]}
    assert found == expect
    for art_id in expect:
        out = tmp_path / ("o-" + art_id)
        a.run("artifact", "get", art_id, "-o", str(out))
        assert (out / "f.txt").read_text() == "payload " + point
    # A fresh catalog rebuilt from the root alone has the same artifacts.
    fresh = Art(cairn, tmp_path / "fresh", a.env["CAIRN_ARTIFACTS_ROOT"], f"sqlite://{tmp_path / 'fresh.db'}",
                aws_env(moto.endpoint))
    fresh.json("catalog", "sync", "--json")
    assert {x["artifact_id"] for x in fresh.json("find", "--json", "--limit", "0")["artifacts"]} == expect


# 2 x 1,000 through the engine (fork) is tests/unit/catalog_artifacts_concurrency_test.cpp; through
# the CLI, process start-up dominates, so 2 x N with N from the environment (default 100).
N = int(__import__("os").environ.get("CAIRN_E2E_LOG_COUNT", "100"))


@pytest.mark.parametrize("kind_catalog", ["sqlite", "postgres"])
def test_two_processes_log_concurrently(kind_catalog, cairn, tmp_path, request):
    postgres = request.getfixturevalue("postgres") if kind_catalog == "postgres" else None
    a = make_art("local", kind_catalog, cairn, tmp_path, postgres=postgres)
    write(a.work / "x.txt", "same bytes")
    script = (f'i=0; while [ $i -lt {N} ]; do "{a.cairn.binary}" artifact log x.txt --name shared -q '
              f'>/dev/null || exit 1; i=$((i+1)); done')
    env = dict(a.cairn.env)
    env.update(a.env)
    procs = [subprocess.Popen(["sh", "-c", script], cwd=a.work, env=env, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    errs = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert not any("locked" in e for e in errs), errs
    found = a.json("find", '{"name": "shared"}', "--json", "--limit", "0")
    assert found["total"] == 2 * N
    assert sorted(r["version"] for r in found["artifacts"]) == list(range(1, 2 * N + 1))
    # Identical bytes are stored once.
    assert len(list((tmp_path / "root/files/md5").rglob("*"))) == 2  # one prefix dir + one object


def test_bad_queries_are_one_clear_error(sqlite_local):
    a = sqlite_local
    write(a.work / "f.txt", "x")
    a.log("f.txt")
    cases = [
        ('{"username": {"$foo": 1}}', ["username", "$foo"]),
        ('{"username": ', ["JSON"]),
        ('{"labels.infos.k": {"$regex": "(unclosed"}}', ["labels.infos.k", "$regex"]),
        ('{"creation_time": {"$gt": true}}', ["creation_time", "$gt"]),
    ]
    for q, words in cases:
        r = a.run("find", q, ok=False)
        assert r.returncode == 254, r.describe()
        err = r.stderr.strip()
        assert err.startswith("ERROR:") and len(err.splitlines()) == 1, err
        for w in words:
            assert w.lower() in err.lower(), (q, err)
    assert a.run("artifact", "get", "nope@3", ok=False).returncode == 1


def test_sql_in_keys_and_values_is_plain_data(sqlite_local, tmp_path):
    a = sqlite_local
    write(a.work / "f.txt", "x")
    evil = "x'); DROP TABLE artifacts; --"
    aid = a.log("f.txt", "--label", f"project={evil}", "--info", f"{evil}={evil}")
    assert a.json("find", json.dumps({"labels.project": evil}), "--json")["total"] == 1
    assert a.json("find", json.dumps({f"labels.infos.{evil}": evil}), "--json")["total"] == 1
    assert a.json("find", json.dumps({"labels.project": {"$in": ["' OR 1=1 --"]}}), "--json")["total"] == 0
    con = sqlite3.connect(tmp_path / "catalog.db")
    assert con.execute("SELECT count(*) FROM artifacts").fetchone()[0] == 1
    con.close()
    assert a.json("artifact", "show", aid, "--json")["labels"]["project"] == evil


def test_settings_live_in_cairn_config_invisible_to_dvc(cairn, dvc, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    dvc.run("init", "--no-scm", cwd=repo, ok=True)
    before = (repo / ".dvc/config").read_bytes()
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    run = lambda *a, **kw: cairn.run(*a, cwd=repo, extra_env={**env, **kw.pop("extra_env", {})}, **kw)  # noqa: E731
    run("config", "catalog.url", f"sqlite://{tmp_path / 'repo.db'}", ok=True)
    run("config", "artifacts.root", "shared-root", ok=True)
    run("config", "--global", "catalog.url", f"sqlite://{tmp_path / 'user.db'}", ok=True)
    assert (repo / ".dvc/config").read_bytes() == before
    assert "[catalog]" in (repo / ".cairn/config").read_text()
    assert (tmp_path / "xdg/cairn/config").is_file()
    # DVC neither sees nor rejects them.
    assert "catalog" not in dvc.run("config", "-l", cwd=repo, ok=True).stdout
    dvc.run("status", cwd=repo, ok=True)
    assert run("config", "catalog.url", ok=True).stdout.strip() == f"sqlite://{tmp_path / 'repo.db'}"
    write(repo / "f.txt", "x")
    aid = run("artifact", "log", "f.txt", ok=True).stdout.strip()
    assert (tmp_path / "repo.db").is_file() and not (tmp_path / "user.db").exists()
    assert list((repo / "shared-root/artifacts").rglob(f"*_{aid}.json"))
    # The environment wins over both files.
    env_db = tmp_path / "env.db"
    run("artifact", "log", "f.txt", ok=True, extra_env={"CAIRN_CATALOG_URL": f"sqlite://{env_db}"})
    assert env_db.is_file()
    # Outside a repository: the user-level file.
    out = tmp_path / "outside"
    out.mkdir()
    write(out / "g.txt", "y")
    cairn.run("artifact", "log", "g.txt", cwd=out, extra_env=env, ok=True)
    assert (tmp_path / "user.db").is_file()
    assert run("config", "catalog.nope", "x", ok=False).returncode != 0


def test_git_provenance_run_exit_code_and_dvc_remote_root(cairn, dvc, tmp_path, tool_env):
    from conftest import git, git_commit_all, make_git_repo
    repo = make_git_repo(tmp_path / "repo", tool_env)
    dvc.run("init", cwd=repo, ok=True)
    dvc.run("remote", "add", "store", str(tmp_path / "dvc-remote"), cwd=repo, ok=True)
    write(repo / "data.txt", "tracked by dvc\n")
    dvc.run("add", "data.txt", cwd=repo, ok=True)
    write(repo / "notes.md", "v1\n")
    git_commit_all(repo, tool_env)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "CAIRN_ARTIFACTS_ROOT": "store"}  # a DVC remote's name
    run = lambda *a, **kw: cairn.run(*a, cwd=repo, extra_env=env, **kw)  # noqa: E731
    aid = run("artifact", "log", "data.txt", ok=True).stdout.strip()
    rec = json.loads(run("artifact", "show", aid, "--json", ok=True).stdout)
    head = git(repo, "rev-parse", "HEAD", env=tool_env).strip()
    assert rec["git"] == {"commit": head, "branch": "main", "dirty": False}
    assert rec["files"]["data.txt"]["url"].startswith(str(tmp_path / "dvc-remote") + "/files/md5/")
    # The artifact's object is the object `dvc push` would upload: dvc sees it as pushed.
    st = dvc.run("status", "-c", "-r", "store", "--json", cwd=repo, ok=True)
    assert json.loads(st.stdout or "{}") == {}
    write(repo / "notes.md", "v2, not committed\n")
    aid2 = run("artifact", "log", "data.txt", ok=True).stdout.strip()
    assert json.loads(run("artifact", "show", aid2, "--json", ok=True).stdout)["git"]["dirty"] is True
    # `cairn run` exits with the command's exit code and exports the run id.
    r = run("run", "--", "sh", "-c", 'test -n "$CAIRN_RUN_ID" && exit 7', ok=False)
    assert r.returncode == 7
    assert run("run", "--", "/nonexistent/cmd", ok=False).returncode == 127
    # The command is started through the Env: an injected spawn failure is one clear error, 127.
    r = cairn.run("run", "--", "true", cwd=repo, extra_env={**env, "CAIRN_FAULT": "op=spawn,errno=EACCES"}, ok=False)
    assert r.returncode == 127, r.describe()
    assert "cannot run 'true'" in r.stderr and "ermission denied" in r.stderr, r.describe()


def test_log_a_directory_and_depth_limited_lineage(sqlite_local, tmp_path):
    a = sqlite_local
    write(a.work / "ds/a/1.txt", "one")
    write(a.work / "ds/b.txt", "two")
    write(tmp_path / "elsewhere/ext.txt", "three")
    d = a.log("ds", str(tmp_path / "elsewhere/ext.txt"), "--name", "tree")
    rec = a.json("artifact", "show", d, "--json")
    assert sorted(rec["files"]) == ["ds/a/1.txt", "ds/b.txt", "ext.txt"]  # outside cwd: base name
    c1 = a.log("ds/b.txt", "--based-on", "tree@1")
    c2 = a.log("ds/a/1.txt", "--based-on", c1)
    full = a.json("lineage", c2, "--json")
    assert {(e["parent"], e["depth"]) for e in full["edges"]} == {(c1, 1), (d, 2)}
    one = a.json("lineage", c2, "--depth", "1", "--json")
    assert [e["parent"] for e in one["edges"]] == [c1]
    text = a.run("lineage", d, "--down").stdout
    assert c1 in text and c2 in text
    r = a.run("artifact", "log", "ds/b.txt", "--based-on", "tree@9", ok=False)
    assert r.returncode == 1 and "tree@9" in r.stderr
    assert a.run("artifact", "log", "missing.txt", ok=False).returncode == 1
    assert a.run("artifact", "log", "ds/b.txt", "--label", "color=red", ok=False).returncode == 254
