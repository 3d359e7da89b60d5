#!/usr/bin/env python3
"""Finds NaN and Inf weights across a directory of checkpoints.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/find_nonfinite.py DIR [SCHEDULER]

Every .mlirbc / .mlir under DIR is opened where it is scanned (a Dask worker
when SCHEDULER, e.g. tcp://10.0.0.5:8786, names a cluster; else a local
process pool); each floating-point weight's statistics come from one
streaming pass in core, never a copy. Prints one line per weight with NaN or
Inf values and exits 1 when there is any.
"""

import os
import sys

import mlirscope


def nonfinite(model):
    """(weight, nan, +inf, -inf) of every weight of `model` that has any."""
    found = []
    for w in model.weights():
        dtype = w.get("dtype") or ""
        if not (dtype.startswith(("f", "bf", "complex"))):
            continue
        if w["kind"] == "parameter" and not w.get("where"):
            continue  # an unbound parameter: no data here
        s = model.stats(w["name"])
        if s["nan"] or s["pos_inf"] or s["neg_inf"]:
            found.append((w["name"], s["nan"], s["pos_inf"], s["neg_inf"]))
    return found


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[2].strip())
    root = sys.argv[1]
    paths = sorted(os.path.join(d, f) for d, _, files in os.walk(root)
                   for f in files if f.endswith((".mlirbc", ".mlir")))
    client = None
    if len(sys.argv) == 3:
        from distributed import Client
        client = Client(sys.argv[2])
    results = mlirscope.scan(paths, nonfinite, client=client, errors="return")
    bad = 0
    for path, result in zip(paths, results):
        if isinstance(result, Exception):
            print(f"{path}: {result}", file=sys.stderr)
            continue
        for name, nan, pinf, ninf in result:
            bad += 1
            print(f"{path}: {name}: {nan} NaN, {pinf} +Inf, {ninf} -Inf")
    print(f"{len(paths)} models, {bad} weights with NaN/Inf")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
