#!/usr/bin/env python3
"""Pipeline benchmark: cairn vs DVC 3 on identical generated pipelines.

See bench/README.md ("Pipelines"). Quick check: ``python3 bench/bench_pipeline.py --smoke``.

Rows:
  * parallel: two independent stages each ``sleep S``; ``cairn repro -j 2`` vs ``dvc repro``
    (DVC has no -j: it runs them one after the other) and ``cairn repro -j 1``;
  * status: ``status`` of an N-stage synthetic pipeline (chain of small copy stages, all up to
    date) — cairn vs DVC;
  * overhead: ``repro`` of M trivial ``true`` stages (callback stages are always run), and the
    cost of spawning ``$SHELL -c true`` M times measured separately; per-stage scheduler
    overhead = (repro time - spawn time) / M.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CAIRN = Path(os.environ.get("CAIRN_BIN", REPO_ROOT / "build" / "src" / "cairn" / "cairn"))
DEFAULT_DVC = Path(os.environ.get("DVC_BIN", "~/.cache/cairn/dvc-3.67.1/bin/dvc")).expanduser()


def tool_env(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DVC_", "CAIRN_", "GIT_"))}
    for var in ("DVC_SITE_CACHE_DIR", "DVC_GLOBAL_CONFIG_DIR", "DVC_SYSTEM_CONFIG_DIR"):
        d = work / "_env" / var.lower()
        d.mkdir(parents=True, exist_ok=True)
        env[var] = str(d)
    env["DVC_NO_ANALYTICS"] = "1"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["HOME"] = str(work / "_env")
    return env


def run(argv, cwd, env, check=True) -> float:
    t0 = time.perf_counter()
    p = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if check and p.returncode != 0:
        raise SystemExit(f"{argv} failed ({p.returncode}):\n{p.stderr}")
    return dt


def new_repo(path: Path, dvc: Path, env: dict, dvc_yaml: str) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=path, check=True, env=env)
    run([dvc, "init", "-q"], path, env)
    (path / "dvc.yaml").write_text(dvc_yaml)
    return path


def chain_yaml(n: int) -> str:
    lines = ["stages:"]
    for i in range(n):
        dep = "seed.txt" if i == 0 else f"o{i - 1}.txt"
        lines += [f"  s{i}:", f"    cmd: cp {dep} o{i}.txt", f"    deps: [{dep}]", f"    outs: [o{i}.txt]"]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="small sizes (sleep 0.5, 50 stages, 40 trivial)")
    ap.add_argument("--cairn", type=Path, default=DEFAULT_CAIRN)
    ap.add_argument("--dvc", type=Path, default=DEFAULT_DVC)
    ap.add_argument("--sleep", type=float, default=2.0)
    ap.add_argument("--stages", type=int, default=500, help="stages of the status pipeline")
    ap.add_argument("--trivial", type=int, default=200, help="trivial stages of the overhead run")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if a.smoke:
        a.sleep, a.stages, a.trivial = 0.5, 50, 40
    work = Path(tempfile.mkdtemp(prefix="cairn-bench-pipeline-"))
    env = tool_env(work)
    res: dict = {}
    try:
        # 1. two independent sleeping stages
        two = ("stages:\n"
               f"  one:\n    cmd: sleep {a.sleep} && echo 1 > one.txt\n    outs: [one.txt]\n"
               f"  two:\n    cmd: sleep {a.sleep} && echo 2 > two.txt\n    outs: [two.txt]\n")
        rc = new_repo(work / "par_c", a.dvc, env, two)
        rd = new_repo(work / "par_d", a.dvc, env, two)
        res["parallel_cairn_j2"] = run([a.cairn, "repro", "-j", "2"], rc, env)
        res["parallel_cairn_j1"] = run([a.cairn, "repro", "-f", "-j", "1"], rc, env)
        res["parallel_dvc"] = run([a.dvc, "repro"], rd, env)

        # 2. status of an N-stage pipeline, everything up to date
        rc = new_repo(work / "st_c", a.dvc, env, chain_yaml(a.stages))
        (rc / "seed.txt").write_text("seed\n")
        run([a.cairn, "repro", "-q"], rc, env)
        rd = work / "st_d"
        shutil.copytree(rc, rd, symlinks=True)
        run([a.dvc, "status"], rd, env)  # warm DVC's own state db
        run([a.cairn, "status"], rc, env)
        res["status_cairn"] = min(run([a.cairn, "status"], rc, env) for _ in range(3))
        res["status_dvc"] = min(run([a.dvc, "status"], rd, env) for _ in range(2))
        res["status_stages"] = a.stages

        # 3. scheduler overhead per stage: M always-run `true` stages
        lines = ["stages:"] + [f"  t{i}:\n    cmd: 'true'" for i in range(a.trivial)]
        rc = new_repo(work / "ov_c", a.dvc, env, "\n".join(lines) + "\n")
        total = min(run([a.cairn, "repro", "-q"], rc, env) for _ in range(3))
        shell = os.environ.get("SHELL") or "/bin/sh"
        t0 = time.perf_counter()
        for _ in range(a.trivial):
            subprocess.run([shell, "-c", "true"], check=True)
        spawn = time.perf_counter() - t0
        # the fixed start-up cost of one cairn command (open repo, collect, exit)
        startup = min(run([a.cairn, "status", "-q"], rc, env, check=False) for _ in range(3))
        res["trivial_stages"] = a.trivial
        res["trivial_repro_cairn"] = total
        res["trivial_spawn"] = spawn
        res["trivial_startup"] = startup
        res["overhead_ms_per_stage"] = max(0.0, (total - spawn - startup)) / a.trivial * 1000
        res["per_stage_incl_spawn_ms"] = max(0.0, total - startup) / a.trivial * 1000
        rd = new_repo(work / "ov_d", a.dvc, env, "\n".join(lines) + "\n")
        res["trivial_repro_dvc"] = run([a.dvc, "repro", "-q"], rd, env)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"{'row':44} {'cairn s':>9} {'dvc s':>9} {'dvc/cairn':>9}")
    def row(name, c, d):
        print(f"{name:44} {c:9.3f} {d:9.3f} {d / c if c else 0:9.2f}")
    row(f"2 x sleep {a.sleep} (cairn -j 2 | dvc)", res["parallel_cairn_j2"], res["parallel_dvc"])
    row(f"2 x sleep {a.sleep} (cairn -j 1 | dvc)", res["parallel_cairn_j1"], res["parallel_dvc"])
    row(f"status, {a.stages} stages up to date", res["status_cairn"], res["status_dvc"])
    row(f"repro {a.trivial} trivial stages", res["trivial_repro_cairn"], res["trivial_repro_dvc"])
    print(f"scheduler overhead per stage: {res['overhead_ms_per_stage']:.2f} ms "
          f"(repro {res['trivial_repro_cairn']:.3f} s - {a.trivial} x `$SHELL -c true` {res['trivial_spawn']:.3f} s "
          f"- start-up {res['trivial_startup']:.3f} s) / {a.trivial}; "
          f"per stage including its process: {res['per_stage_incl_spawn_ms']:.2f} ms")
    if a.json:
        a.json.write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
