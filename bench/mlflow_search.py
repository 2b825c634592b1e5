"""The MLflow side of bench/bench_catalog.py; runs inside the MLflow venv.

Contract: logs every record of a JSON-lines file (written by cairn_catalog_bench --export) as
one run of a fresh experiment on a running `mlflow server` (tags username, datatype, ticket,
seed; start_time = the record's creation_time), one REST call per run (--threads at a
time), then times
search_runs with the given filter string (max_results=10, like cairn's limit 10) and prints
one JSON object: ingest runs/s, search p50/p95 in ms and the number of matching runs.
"""
import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--records", required=True, help="JSON lines from cairn_catalog_bench --export")
    ap.add_argument("--filter", required=True, help="MLflow search filter string")
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--threads", type=int, default=4, help="concurrent create_run calls while logging")
    args = ap.parse_args()

    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=args.tracking_uri)
    exp = client.create_experiment(f"cairn-bench-{int(time.time() * 1000)}")
    records = [json.loads(line) for line in open(args.records)]
    def log(r):
        start = datetime.fromisoformat(r["creation_time"].replace("Z", "+00:00"))
        client.create_run(
            exp,
            start_time=int(start.timestamp() * 1000),
            tags={
                "username": r["username"],
                "datatype": r["labels"]["datatype"] or "",
                "ticket": r["labels"]["ticket"] or "",
                "seed": str(r["labels"]["infos"].get("seed", "")),
                "artifact_id": r["artifact_id"],
            },
        )

    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(log, records))
    ingest_s = time.perf_counter() - t0

    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        client.search_runs([exp], filter_string=args.filter, max_results=10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    matches = len(client.search_runs([exp], filter_string=args.filter, max_results=50000))
    print(json.dumps({
        "runs": len(records),
        "ingest": {"seconds": ingest_s, "records_per_s": len(records) / ingest_s},
        "filter": {"p50_ms": statistics.median(times), "p95_ms": times[len(times) * 95 // 100],
                   "matches": matches},
    }))


if __name__ == "__main__":
    main()
