#!/usr/bin/env python3
"""Catalog benchmark: cairn's catalog (SQLite, PostgreSQL) at scale, and MLflow side by side.

Runs build/bench/cairn_catalog_bench (see its header for the synthetic records and what it
times) against a fresh SQLite file and a throwaway PostgreSQL server, then compares one
filter (user + datatype + time range) with MLflow's search_runs on the same 10k records,
served by a real `mlflow server` on 127.0.0.1 with a SQLite backend store. Prints a table;
--json OUT writes every figure. See bench/README.md.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def versions():
    out = {}
    for line in (TOP / "scripts" / "versions.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_driver(binary, url, records, batch, reps, extra=()):
    cmd = [str(binary), "--catalog", url, "--records", str(records), "--batch", str(batch), "--reps", str(reps),
           *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


class Postgres:
    """initdb + pg_ctl in a temporary folder (as user postgres when running as root)."""

    def __init__(self, workdir):
        self.dir = Path(workdir) / "pg"
        self.dir.mkdir()
        self.port = free_port()
        self.prefix = []
        if os.geteuid() == 0:
            # the server runs as postgres: it must be able to reach its folder (mkdtemp is 0700)
            os.chmod(workdir, 0o755)
            shutil.chown(self.dir, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def start(self):
        subprocess.run([*self.prefix, str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U",
                        "cairn", "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-o",
                        f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c shared_buffers=512MB "
                        "-c synchronous_commit=off -c max_wal_size=4GB",
                        "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start"], check=True,
                       capture_output=True)
        return self.createdb("bench")

    def createdb(self, name):
        subprocess.run([*self.prefix, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                        "cairn", name], check=True, capture_output=True)
        return f"postgresql://cairn@127.0.0.1:{self.port}/{name}"

    def pid(self):
        """The postmaster's pid (its children are the backends, WAL writer, checkpointer...)."""
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self, keep=False):
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True)
        if not keep:  # a 1M-record cluster with its WAL is several GB
            shutil.rmtree(self.dir, ignore_errors=True)


def mlflow_side(venv, workdir, records_file, filter_string, reps):
    """Starts `mlflow server` (SQLite backend) on a free port, runs bench/mlflow_search.py."""
    port = free_port()
    # The store on tmpfs when there is one: MLflow commits (fsyncs) once per run, and the
    # comparison is about search, not about the disk.
    shm = Path("/dev/shm")
    store = (Path(tempfile.mkdtemp(prefix="cairn-mlflow-", dir=shm)) if shm.is_dir() else Path(workdir)) / "mlflow.db"
    log = open(Path(workdir) / "mlflow-server.log", "w")
    server = subprocess.Popen(
        [str(venv / "bin" / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{store}",
         "--default-artifact-root", str(Path(workdir) / "mlartifacts"), "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"],
        stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit("mlflow server did not start; see " + str(Path(workdir) / "mlflow-server.log"))
                time.sleep(0.5)
        out = subprocess.run([str(venv / "bin" / "python"), str(TOP / "bench" / "mlflow_search.py"),
                              "--tracking-uri", url, "--records", str(records_file), "--filter", filter_string,
                              "--reps", str(reps)], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def sync_rebuild(bench_bin, cairn, work: Path, n: int) -> dict:
    """The records of n synthetic artifacts as files in a local artifact root (the layout of
    docs/format/artifact-record.md), then `cairn catalog sync` into an empty SQLite catalog,
    timed end to end through the CLI: listing, reading and parsing every record, the bulk put."""
    exported = work / "sync-records.jsonl"
    run_driver(bench_bin, f"sqlite://{work}/sync-source.db", n, n, 1, ["--export", str(exported)])
    root = work / "sync-root"
    for line in exported.read_text().splitlines():
        r = json.loads(line)
        t = datetime.strptime(r["creation_time"][:19], "%Y-%m-%dT%H:%M:%S")
        folder = root / "artifacts" / t.strftime("%Y/%m/%d") / r["username"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{t.strftime('%H%M%S')}_{r['artifact_id']}.json").write_text(json.dumps(r, indent=2) + "\n")
    env = dict(os.environ, CAIRN_ARTIFACTS_ROOT=str(root), CAIRN_CATALOG_URL=f"sqlite://{work}/sync-catalog.db",
               XDG_STATE_HOME=str(work / "sync-state"), XDG_CONFIG_HOME=str(work / "sync-config"))
    t0 = time.perf_counter()
    out = subprocess.run([cairn, "catalog", "sync", "--json"], env=env, cwd=work, check=True,
                         capture_output=True, text=True).stdout
    seconds = time.perf_counter() - t0
    got = json.loads(out)
    if got["ingested"] != n or got["errors"]:
        raise SystemExit(f"sync rebuild: expected {n} records, got {got}")
    return {"records": n, "seconds": seconds, "records_per_s": n / seconds}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000, help="records for the scale runs (default 1M)")
    ap.add_argument("--batch", type=int, default=10_000, help="records per put (default 10,000)")
    ap.add_argument("--bulk", action="store_true",
                    help="also time one put of all records into an empty catalog (the bulk-load path)")
    ap.add_argument("--reps", type=int, default=200, help="repetitions per query (p50/p95 over them)")
    ap.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--mlflow-runs", type=int, default=10_000, help="runs for the MLflow comparison (0: skip)")
    ap.add_argument("--smoke", action="store_true", help="small and quick: 20k records, 300 MLflow runs")
    ap.add_argument("--bench-bin", default=os.environ.get("CAIRN_CATALOG_BENCH",
                                                          str(TOP / "build" / "bench" / "cairn_catalog_bench")))
    ap.add_argument("--mlflow-venv", default=None, help="venv with mlflow (default ~/.cache/cairn/tools-mlflow-V)")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL cluster (data dir) after the run")
    ap.add_argument("--json", dest="json_out", default=None, help="write all figures here")
    ap.add_argument("--sync-records", type=int, default=100_000,
                    help="records for the rebuild of a lost catalog with `cairn catalog sync` from a local root (0: skip)")
    ap.add_argument("--cairn", default=os.environ.get("CAIRN_BIN", str(TOP / "build" / "src" / "cairn" / "cairn")))
    args = ap.parse_args()
    if args.smoke:
        args.records, args.reps, args.mlflow_runs = 20_000, 30, 300
        args.sync_records = min(args.sync_records, 2_000)
    pins = versions()
    venv = Path(args.mlflow_venv or Path.home() / ".cache" / "cairn" / f"tools-mlflow-{pins['MLFLOW_VERSION']}")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="cairn-catbench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {"records": args.records, "batch": args.batch, "date": datetime.now(timezone.utc).isoformat(),
               "load_average": os.getloadavg()}

    for backend in [b for b in args.backends.split(",") if b]:
        if backend == "sqlite":
            url = f"sqlite://{work}/catalog.db"
            results["sqlite"] = run_driver(args.bench_bin, url, args.records, args.batch, args.reps)
            if args.bulk:
                url = f"sqlite://{work}/catalog-bulk.db"
                results["sqlite_bulk"] = run_driver(args.bench_bin, url, args.records, args.records, args.reps)
        elif backend == "postgres":
            pg = Postgres(work)
            try:
                url = pg.start()
                results["postgres"] = run_driver(args.bench_bin, url, args.records, args.batch, args.reps,
                                                 ["--server-pid", str(pg.pid())])
                if args.bulk:
                    results["postgres_bulk"] = run_driver(args.bench_bin, pg.createdb("bench_bulk"), args.records,
                                                          args.records, args.reps, ["--server-pid", str(pg.pid())])
            finally:
                pg.stop(keep=args.keep)
        else:
            raise SystemExit(f"unknown backend {backend}")

    if args.sync_records > 0:
        results["sync_rebuild"] = sync_rebuild(args.bench_bin, args.cairn, work, args.sync_records)

    if args.mlflow_runs > 0:
        # The same filter on both sides, over the same records: user + datatype + time range.
        t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
        span = timedelta(seconds=args.mlflow_runs * 30)  # one record every 30 s
        lo, hi = t0 + span / 4, t0 + span * 3 / 4
        cairn_filter = json.dumps({"username": "user-7", "labels.datatype": "model",
                                   "creation_time": {"$gte": lo.isoformat(), "$lt": hi.isoformat()}})
        ml_filter = (f"tags.username = 'user-7' AND tags.datatype = 'model' AND "
                     f"attributes.start_time >= {int(lo.timestamp() * 1000)} AND "
                     f"attributes.start_time < {int(hi.timestamp() * 1000)}")
        exported = work / "records.jsonl"
        cairn_small = run_driver(args.bench_bin, f"sqlite://{work}/catalog-small.db", args.mlflow_runs,
                                 min(args.batch, args.mlflow_runs), max(100, args.reps),
                                 ["--export", str(exported), "--filter", cairn_filter])
        ml = mlflow_side(venv, work, exported, ml_filter, max(100, args.reps))
        results["compare"] = {"records": args.mlflow_runs, "cairn_filter": cairn_filter, "mlflow_filter": ml_filter,
                              "cairn": {"ingest": cairn_small["ingest"], "filter": cairn_small["filter"]},
                              "mlflow": ml}
        if ml["filter"]["matches"] != cairn_small["filter"]["matches"]:
            print(f"WARNING: match counts differ: cairn {cairn_small['filter']['matches']}, "
                  f"mlflow {ml['filter']['matches']}", file=sys.stderr)

    results["load_average_after"] = os.getloadavg()
    print(f"catalog benchmark: {args.records} records, batches of {args.batch} (work dir {work}); load average "
          f"{results['load_average'][0]:.1f} before, {results['load_average_after'][0]:.1f} after")
    row = "{:<34} {:>14} {:>14} {:>14}"
    for name in ("sqlite", "sqlite_bulk", "postgres", "postgres_bulk"):
        if name not in results:
            continue
        r = results[name]
        ing = r["ingest"]
        server = (f", {ing['records_per_server_cpu_s']:,.0f} per CPU-second of the server, "
                  f"{ing['records_per_total_cpu_s']:,.0f} per CPU-second of both"
                  if "records_per_server_cpu_s" in ing else "")
        print(f"\n[{name}] ingest {ing['records_per_s']:,.0f} records/s wall "
              f"({ing['records_per_cpu_s']:,.0f} per CPU-second of the client{server})")
        print(row.format("query", "p50 ms", "p95 ms", "matches"))
        for q in ("indexed_query", "label_filter_ticket", "label_filter_infos", "label_filter_infos_range",
                  "lineage_depth8"):
            print(row.format(q, f"{r[q]['p50_ms']:.3f}", f"{r[q]['p95_ms']:.3f}", r[q]["matches"]))
    if "compare" in results:
        c = results["compare"]
        print(f"\n[same filter, {c['records']} records] {c['cairn_filter']}")
        print(row.format("", "p50 ms", "p95 ms", "matches"))
        for side in ("cairn", "mlflow"):
            f = c[side]["filter"]
            print(row.format(f"{side} ({'find' if side == 'cairn' else 'search_runs'})", f"{f['p50_ms']:.3f}",
                             f"{f['p95_ms']:.3f}", f["matches"]))
        print(f"ingest: cairn {c['cairn']['ingest']['records_per_s']:,.0f} records/s, "
              f"mlflow {c['mlflow']['ingest']['records_per_s']:,.0f} runs/s (REST, one call per run, 4 at a time)")
        print(f"search ratio mlflow/cairn (p50): {c['mlflow']['filter']['p50_ms'] / c['cairn']['filter']['p50_ms']:.0f}x")
    if "sync_rebuild" in results:
        sr = results["sync_rebuild"]
        print(f"\n[catalog sync into an empty catalog, local root] {sr['records']:,} records in {sr['seconds']:.2f} s "
              f"= {sr['records_per_s']:,.0f} records/s (list, read, parse, bulk put; CLI end to end)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
