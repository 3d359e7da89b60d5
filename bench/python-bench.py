#!/usr/bin/env python3
"""The measurements of bench/python.sh (which makes the models and says what
is compared). Usage: python-bench.py MLIRSCOPE MODEL NPY FLEET_DIR"""

import glob
import json
import os
import subprocess
import sys
import textwrap
import time

import distributed
import numpy as np

import mlirscope

KEY = "layer0.weight"

# -- time to array, peak RSS: one fresh interpreter per method ---------------
ARRAY = textwrap.dedent("""
    import json, sys, time
    def hwm():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import numpy as np
    method, model, npy, key = sys.argv[1:5]
    if method == "mlirscope":
        import mlirscope
    base = hwm()
    t0 = time.perf_counter()
    if method == "mlirscope":
        m = mlirscope.open(model)
        t1 = time.perf_counter()
        a = m[key]
    elif method == "np.load(mmap)":
        t1 = t0
        a = np.load(npy, mmap_mode="r")
    else:
        t1 = t0
        a = np.fromfile(npy, dtype=np.uint8)
    t2 = time.perf_counter()
    print(json.dumps(dict(open=t1 - t0, array=t2 - t1, nbytes=int(a.nbytes),
                          base=base, peak=hwm())))
""")


def fmt_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024


def main(tool, model, npy, fleet):
    print("# m[key] on a 1 GiB f32 weight (fresh interpreter each; best of 3)")
    print(f"{'method':<22}{'open s':>10}{'to array':>12}{'peak RSS':>12}{'copied':>12}")
    for method in ("mlirscope", "np.load(mmap)", "read into memory"):
        best = None
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", ARRAY, method, model, npy,
                                  KEY], check=True, capture_output=True,
                                 text=True).stdout
            r = json.loads(out)
            if best is None or r["array"] < best["array"]:
                best = r
        print(f"{method:<22}{best['open']:>10.4f}{best['array'] * 1e3:>10.3f}ms"
              f"{fmt_bytes(best['peak']):>12}"
              f"{fmt_bytes(max(0, best['peak'] - best['base'])):>12}")

    # -- statistics -----------------------------------------------------------
    m = mlirscope.open(model)
    a = np.load(npy, mmap_mode="r")
    _ = m.stats(KEY)  # warm the page cache for both
    print("\n# statistics of the 1 GiB weight (warm page cache; best of 3)")

    def best_of(fn, n=3):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
        return min(times), result

    t_core, s = best_of(lambda: m.stats(KEY))

    def numpy_stats():
        finite = np.isfinite(a)
        return dict(min=float(a.min()), max=float(a.max()), mean=float(a.mean()),
                    std=float(a.std()), nan=int(np.isnan(a).sum()),
                    inf=int(a.size - finite.sum()))

    t_np, ns = best_of(numpy_stats)
    gb = a.nbytes / 1e9
    print(f"{'m.stats (core)':<34}{t_core:>8.3f} s{gb / t_core:>8.2f} GB/s")
    print(f"{'numpy on np.memmap (min/max/mean/std/nan/inf)':<34}{t_np:>8.3f} s"
          f"{gb / t_np:>8.2f} GB/s")
    print(f"speed-up {t_np / t_core:.1f}x; agree: min {s['min'] == ns['min']}, "
          f"max {s['max'] == ns['max']}, mean "
          f"{abs(s['mean'] - ns['mean']) <= 1e-5 * max(1, abs(ns['mean']))}")
    m.close()
    del a

    # -- fleet scan -------------------------------------------------------------
    paths = sorted(glob.glob(os.path.join(fleet, "m*.mlirbc")))
    print(f"\n# scan of {len(paths)} small models: summary of each")
    t = time.perf_counter()
    subprocess.run(["bash", "-c", 'for f in "$2"/m*.mlirbc; do "$1" inspect '
                    '--summary --json "$f" > /dev/null || exit 1; done', "-",
                    tool, fleet], check=True)
    t_shell = time.perf_counter() - t
    print(f"{'shell loop over the CLI':<40}{t_shell:>8.2f} s")

    t = time.perf_counter()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        t_start = time.perf_counter() - t
        mlirscope.scan(paths[:20], lambda m: m.summary(), client=client)  # warm
        t = time.perf_counter()
        res = mlirscope.scan(paths, lambda m: m.summary(), client=client)
        t_dask = time.perf_counter() - t
    assert len(res) == len(paths)
    print(f"{'Dask LocalCluster, 2 workers':<40}{t_dask:>8.2f} s  "
          f"(+{t_start:.2f} s cluster start-up)")
    t = time.perf_counter()
    res = mlirscope.scan(paths, lambda m: m.summary())
    t_pool = time.perf_counter() - t
    print(f"{'local process pool (client=None)':<40}{t_pool:>8.2f} s")
    print(f"Dask vs shell loop: {t_shell / t_dask:.1f}x")


# Dask's worker processes import this file again: run only as the script.
if __name__ == "__main__":
    main(*sys.argv[1:5])
