#!/usr/bin/env python3
"""Two builds of mlirscope side by side: the same commands, warm cache,
alternating runs, median wall time and peak RSS of each. For checking that a
change (a refactor, a new layer) costs nothing:

    bench/compare-builds.py OLD_BUILD NEW_BUILD [--runs 11]

Models come from the other benchmarks' folder ($BENCH_DIR,
/tmp/mlirscope-bench: bench/inspect-summary.sh and bench/graph.sh make them);
a missing one is left out with a note. Printed, not a test.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("BENCH_DIR", "/tmp/mlirscope-bench")


def run(cmd):
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    wall = time.perf_counter() - start
    return wall, int(p.stderr.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    tools = {w: os.path.join(d, "bin", "mlirscope")
             for w, d in (("old", args.old), ("new", args.new))}
    t1000 = f"{BENCH}/transformer-1000-sparse.mlirbc"
    cases = [
        ("inspect --summary model-256M.mlirbc",
         ["inspect", "--summary", f"{BENCH}/model-256M.mlirbc"]),
        ("inspect --summary model-100G-sparse.mlirbc",
         ["inspect", "--summary", f"{BENCH}/model-100G-sparse.mlirbc"]),
        ("inspect --summary transformer-1000-sparse (189k ops)",
         ["inspect", "--summary", t1000]),
        ("inspect --summary --json transformer-1000-sparse",
         ["inspect", "--summary", "--json", t1000]),
        ("graph transformer-1000-sparse (collapsed view)",
         ["graph", t1000, "--format", "json", "-o", "/dev/null"]),
        ("inspect --summary examples/tiny.mlir (text, MLIR plugin)",
         ["inspect", "--summary", f"{REPO}/examples/tiny.mlir"]),
        ("stats model-4G.mlirbc (64 weights, 4 GiB)",
         ["stats", f"{BENCH}/model-4G.mlirbc", "--bins", "64"]),
    ]
    print(f"{'command (median of %d, alternating, warm)' % args.runs:58s} "
          f"{'old s':>8s} {'new s':>8s} {'old MB':>8s} {'new MB':>8s}")
    for label, cmd in cases:
        missing = [a for a in cmd if a.startswith("/") and not os.path.exists(a)]
        if missing:
            print(f"{label:58s} (no {missing[0]})")
            continue
        walls = {"old": [], "new": []}
        rss = {"old": 0, "new": 0}
        for who in walls:
            run([tools[who]] + cmd)  # warm the page cache
        for i in range(args.runs):
            for who in (("old", "new") if i % 2 == 0 else ("new", "old")):
                w, r = run([tools[who]] + cmd)
                walls[who].append(w)
                rss[who] = max(rss[who], r)
        print(f"{label:58s} {statistics.median(walls['old']):8.3f} "
              f"{statistics.median(walls['new']):8.3f} "
              f"{rss['old'] / 1024:8.1f} {rss['new'] / 1024:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
