#!/usr/bin/env python3
"""Local benchmark: cairn vs DVC 3 on identical copies of generated data.

See bench/README.md. Quick check: ``python3 bench/bench_local.py --smoke``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CAIRN = REPO_ROOT / "build" / "src" / "cairn" / "cairn"
DEFAULT_DVC = Path("~/.cache/cairn/dvc-3.67.1/bin/dvc").expanduser()
TIME_BIN = "/usr/bin/time"


# ----------------------------------------------------------------------------- data


def gen_small_files(root: Path, n: int, seed: int, min_kib: int = 4, max_kib: int = 16) -> int:
    """n files of 4-16 KiB random bytes, 1000 per sub-folder. Returns total bytes."""
    rnd = random.Random(seed)
    total = 0
    for i in range(n):
        d = root / f"{i // 1000:04d}"
        if i % 1000 == 0:
            d.mkdir(parents=True, exist_ok=True)
        size = rnd.randint(min_kib * 1024, max_kib * 1024)
        with open(d / f"f{i:07d}.bin", "wb") as f:
            f.write(rnd.randbytes(size))
        total += size
    return total


def gen_tiny_files(root: Path, n: int) -> None:
    """n tiny distinct files (for the status memory projection), 1000 per folder."""
    for i in range(n):
        d = root / f"{i // 1000:05d}"
        if i % 1000 == 0:
            d.mkdir(parents=True, exist_ok=True)
        with open(d / f"t{i:08d}", "wb") as f:
            f.write(b"%d\n" % i)


def gen_big_file(path: Path, mib: int, seed: int) -> None:
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    block = rnd.randbytes(1 << 20)
    with open(path, "wb") as f:
        for i in range(mib):
            # cheap but non-repeating content: vary the first 16 bytes of each MiB
            f.write(i.to_bytes(8, "little") + rnd.randbytes(8) + block[16:])


def warm(path: Path) -> None:
    """Read every file once so the page cache is warm."""
    for dirpath, _, files in os.walk(path):
        for fn in files:
            with open(os.path.join(dirpath, fn), "rb") as f:
                while f.read(1 << 20):
                    pass


def rmtree(path: Path) -> None:
    if not path.exists() and not path.is_symlink():
        return
    for dirpath, dirnames, _ in os.walk(path):
        os.chmod(dirpath, 0o755)
    shutil.rmtree(path)


# ----------------------------------------------------------------------------- running


def tool_env(base: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVC_")}
    for k, sub in [("DVC_SITE_CACHE_DIR", "site"), ("DVC_GLOBAL_CONFIG_DIR", "global"),
                   ("DVC_SYSTEM_CONFIG_DIR", "system")]:
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[k] = str(base / sub)
        env[k.replace("DVC_", "CAIRN_")] = str(base / sub)
    env["DVC_NO_ANALYTICS"] = "1"
    env.pop("CAIRN_FAULT", None)
    return env


def run_measured(argv, cwd, env, timeout):
    """Run argv; return (seconds, peak_rss_kib, CompletedProcess-like dict).

    Peak RSS comes from `/usr/bin/time -v` when available, otherwise from os.wait4's
    rusage of that child (both report the child's maximum resident set size)."""
    use_time = os.path.exists(TIME_BIN) and os.access(TIME_BIN, os.X_OK)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [TIME_BIN, "-v", "-o", tf.name, *argv] if use_time else list(argv)
        t0 = time.perf_counter()
        p = subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            raise
        elapsed = time.perf_counter() - t0
        rss = None
        if use_time:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tf.read())
            rss = int(m.group(1)) if m else None
    if not use_time or rss is None:
        # fallback: run again under wait4 to get this child's own rusage
        t0 = time.perf_counter()
        p2 = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p2.pid, 0)
        if not use_time:
            elapsed = time.perf_counter() - t0
        rss = ru.ru_maxrss  # KiB on Linux
    rc = p.returncode
    if rc != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({rc}) in {cwd}:\n"
                           f"{out.decode(errors='replace')}{err.decode(errors='replace')}")
    return elapsed, rss


def run(argv, cwd, env, timeout=None):
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    return p


def openssl_md5_mbps(seconds: int) -> float | None:
    """Single-core MD5 throughput from `openssl speed -evp md5` (16 KiB blocks), MB/s."""
    if not shutil.which("openssl"):
        return None
    p = subprocess.run(["openssl", "speed", "-seconds", str(seconds), "-bytes", "16384", "-evp", "md5"],
                       capture_output=True, text=True)
    for line in p.stdout.splitlines():
        m = re.match(r"^md5\s+([\d.]+)k\s*$", line.strip())
        if m:
            return float(m.group(1)) * 1000 / 1e6  # 'k' = 1000s of bytes per second
    return None


# ----------------------------------------------------------------------------- benchmark


def bench_tool(name, binary, base: Path, args, results, timeout):
    repo = base / name / "repo"
    env = tool_env(base / name / "env")
    repo.mkdir(parents=True)
    run(["git", "init", "-q"], repo, env)
    run(["git", "config", "user.email", "bench@cairn"], repo, env)
    run(["git", "config", "user.name", "bench"], repo, env)
    run([binary, "init", "-q"], repo, env)
    r = results.setdefault(name, {})

    def measure(key, *cmd):
        secs, rss = run_measured([binary, *cmd], repo, env, timeout)
        r[key] = {"seconds": round(secs, 4), "peak_rss_kib": rss}
        print(f"  {name:5s} {key:28s} {secs:9.3f} s  {rss or 0:>9} KiB", flush=True)
        return secs

    print(f"[{name}] generating {args.files} small files ...", flush=True)
    nbytes = gen_small_files(repo / "data", args.files, args.seed)
    r["small_bytes"] = nbytes
    warm(repo / "data")
    measure("add_small", "add", "-q", "data")
    measure("status_unchanged", "status")
    measure("status_unchanged_2", "status")
    # change one file (same size, new bytes)
    victim = repo / "data" / "0000" / "f0000000.bin"
    data = bytearray(victim.read_bytes())
    data[0] ^= 0xFF
    victim.write_bytes(bytes(data))
    measure("status_one_changed", "status")
    data[0] ^= 0xFF
    victim.write_bytes(bytes(data))
    # Empty the workspace by moving the folder out of the repository, not deleting it: on ext4
    # without a journal (this machine's root) the inode allocator skips every inode freed in
    # the last 60-360 s one by one (fs/ext4/ialloc.c recently_deleted), so creating files just
    # after deleting 100k of them costs several times more. Everything is deleted at the end.
    (repo / "data").rename(base / name / "workspace-removed")
    measure("checkout_empty_workspace", "checkout")

    if args.big_mb:
        print(f"[{name}] generating 2 x {args.big_mb} MiB ...", flush=True)
        for i in (1, 2):
            gen_big_file(repo / "big" / f"big{i}.bin", args.big_mb, args.seed + i)
        warm(repo / "big")
        secs = measure("add_two_big_files", "add", "-q", "big")
        r["md5_add_mbps"] = round(2 * args.big_mb * (1 << 20) / secs / 1e6, 1)

    if args.scale_status:
        srepo = base / name / "scale"
        srepo.mkdir(parents=True)
        run(["git", "init", "-q"], srepo, env)
        run([binary, "init", "-q"], srepo, env)
        print(f"[{name}] generating {args.scale_status} tiny files for the memory projection ...", flush=True)
        gen_tiny_files(srepo / "data", args.scale_status)
        secs, rss = run_measured([binary, "add", "-q", "data"], srepo, env, timeout)
        r["scale_add"] = {"seconds": round(secs, 4), "peak_rss_kib": rss}
        secs, rss = run_measured([binary, "status"], srepo, env, timeout)
        # two-point linear model: (args.files, RSS of status on the small-file repo) and
        # (N, RSS here) -> per-file slope, extrapolated to 1M files
        n0, rss0 = args.files, r["status_unchanged"]["peak_rss_kib"] or 0
        n1 = args.scale_status
        slope = max(0.0, (rss - rss0) / (n1 - n0)) if n1 != n0 else rss / n1
        r["scale_status"] = {"seconds": round(secs, 4), "peak_rss_kib": rss, "files": n1,
                             "rss_kib_per_file": round(slope, 4),
                             "projected_rss_mib_at_1M": round((rss + slope * (1_000_000 - n1)) / 1024, 1)}
        print(f"  {name:5s} scale_status ({args.scale_status} files) {secs:9.3f} s  {rss} KiB", flush=True)


ROWS = [
    ("add_small", "add N small files (warm page cache)"),
    ("status_unchanged", "status, unchanged tree (1st)"),
    ("status_unchanged_2", "status, unchanged tree (2nd)"),
    ("status_one_changed", "status after changing 1 file"),
    ("checkout_empty_workspace", "checkout into empty workspace"),
    ("add_two_big_files", "add 2 big files (MD5 + cache)"),
    ("scale_add", "scale: add tiny files"),
    ("scale_status", "scale: status"),
]


def print_table(results, extra):
    names = [n for n in ("cairn", "dvc") if n in results]
    hdr = f"{'measurement':38s}" + "".join(f"{n + ' s':>11s}{n + ' RSS MiB':>15s}" for n in names)
    if len(names) == 2:
        hdr += f"{'dvc/cairn':>11s}"
    print("\n" + hdr)
    print("-" * len(hdr))
    for key, label in ROWS:
        if not any(key in results[n] for n in names):
            continue
        line = f"{label:38s}"
        vals = []
        for n in names:
            v = results[n].get(key)
            if v:
                vals.append(v["seconds"])
                rss = v["peak_rss_kib"]
                line += f"{v['seconds']:11.3f}{(rss or 0) / 1024:15.1f}"
            else:
                vals.append(None)
                line += f"{'-':>11s}{'-':>15s}"
        if len(names) == 2:
            line += f"{vals[1] / vals[0]:11.1f}x" if all(vals) and vals[0] > 0 else f"{'-':>11s}"
        print(line)
    for n in names:
        if "md5_add_mbps" in results[n]:
            print(f"{n}: add of two big files = {results[n]['md5_add_mbps']} MB/s", end="")
            if extra.get("openssl_md5_mbps_x2"):
                print(f"  ({results[n]['md5_add_mbps'] / extra['openssl_md5_mbps_x2'] * 100:.0f}% of "
                      f"openssl single-core x2 = {extra['openssl_md5_mbps_x2']:.0f} MB/s)")
            else:
                print()
        if "scale_status" in results[n]:
            s = results[n]["scale_status"]
            print(f"{n}: status peak RSS projected to 1M files: {s['projected_rss_mib_at_1M']} MiB "
                  f"({s['rss_kib_per_file'] * 1024:.0f} bytes/file)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=100_000, help="number of 4-16 KiB files (default 100000)")
    ap.add_argument("--big-mb", type=int, default=1024, help="size of each of the two big files, MiB (0: skip)")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (finishes in well under a minute)")
    ap.add_argument("--scale-status", type=int, default=0, metavar="N",
                    help="also add + status a tree of N tiny files and project status RSS to 1M files")
    ap.add_argument("--cairn", default=os.environ.get("CAIRN_BIN", str(DEFAULT_CAIRN)))
    ap.add_argument("--dvc", default=os.environ.get("DVC_BIN", str(DEFAULT_DVC)))
    ap.add_argument("--tools", default="cairn,dvc", help="comma list: cairn,dvc")
    ap.add_argument("--workdir", default=None, help="where to generate data (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated repos")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--timeout", type=int, default=6 * 3600, help="per-command timeout, seconds")
    ap.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    args = ap.parse_args(argv)
    if args.smoke:
        args.files = min(args.files, 1000)
        args.big_mb = min(args.big_mb, 16)
        args.scale_status = min(args.scale_status, 2000) if args.scale_status else 0

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bins = {"cairn": os.path.expanduser(args.cairn), "dvc": os.path.expanduser(args.dvc)}
    for t in tools:
        if t not in bins:
            ap.error(f"unknown tool {t}")
        if not (os.path.isfile(bins[t]) and os.access(bins[t], os.X_OK)):
            ap.error(f"{t} binary not found: {bins[t]} (use --{t} PATH or --tools)")

    extra = {"files": args.files, "big_mb": args.big_mb, "smoke": args.smoke, "seed": args.seed,
             "cpus": os.cpu_count(), "time_source": "usr_bin_time_v" if os.path.exists(TIME_BIN) else "wait4"}
    mbps = openssl_md5_mbps(1 if args.smoke else 3)
    if mbps:
        extra["openssl_md5_mbps_single_core"] = round(mbps, 1)
        extra["openssl_md5_mbps_x2"] = round(2 * mbps, 1)
        print(f"openssl speed -evp md5 (16 KiB blocks, 1 core): {mbps:.0f} MB/s; x2 = {2 * mbps:.0f} MB/s")

    results = {}
    base_ctx = tempfile.TemporaryDirectory(prefix="cairn-bench-", dir=args.workdir) if not args.keep else None
    base = Path(base_ctx.name) if base_ctx else Path(tempfile.mkdtemp(prefix="cairn-bench-", dir=args.workdir))
    try:
        for t in tools:
            bench_tool(t, bins[t], base, args, results, args.timeout)
    finally:
        if base_ctx:
            rmtree(base)  # read-only cache folders: rmtree makes them writable first
            base_ctx.cleanup()
        else:
            print(f"kept: {base}")
    print_table(results, extra)
    if args.json:
        Path(args.json).write_text(json.dumps({"params": extra, "results": results}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
