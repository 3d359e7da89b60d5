#!/usr/bin/env python3
"""Checks `mlirscope stats --json` against numpy on the same bytes.

Usage: check-stats.py MLIRSCOPE FILE
Every typed blob's bytes are read at the offsets `inspect --json` reports
(hex-decoded for text files), converted with numpy, and min/max/mean/std and
the zero/NaN/Inf counts compared.
"""
import json
import math
import subprocess
import sys

import numpy as np

tool, path = sys.argv[1], sys.argv[2]


def run(*args):
    proc = subprocess.run([tool, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr}")
    return json.loads(proc.stdout)


summary = run("inspect", "--json", path)
stats = {s["key"]: s for s in run("stats", "--json", "--bins", "16", path)}
data = open(path, "rb").read()
NUMPY = {"f32": "<f4", "f64": "<f8", "f16": "<f2", "i8": "i1", "ui8": "u1",
         "i16": "<i2", "i32": "<i4", "i64": "<i8", "i1": "u1",
         "complex<f32>": "<c8", "complex<f64>": "<c16"}
checked = 0
for r in summary["resources"]["all"]:
    if r["kind"] != "blob" or r.get("dtype") is None:
        continue
    raw = data[r["offset"]:r["offset"] + (2 * r["bytes"] if summary["format"]
                                          == "text" else r["bytes"])]
    if summary["format"] == "text":
        raw = bytes.fromhex(raw.decode())
    if r["dtype"] == "bf16":
        a = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view("<f4")
    else:
        a = np.frombuffer(raw, NUMPY[r["dtype"]])
    tol = 1e-9
    if np.iscomplexobj(a):
        # mlirscope takes magnitudes in double; numpy in the input precision.
        a = np.abs(a.astype(np.complex128))
    a = a.astype(np.float64)
    s = stats[r["key"]]
    finite = a[np.isfinite(a)]
    want = {"elements": a.size, "finite": finite.size,
            "zeros": int(np.count_nonzero(finite == 0)),
            "nan": int(np.isnan(a).sum()),
            "pos_inf": int(np.isposinf(a).sum()),
            "neg_inf": int(np.isneginf(a).sum())}
    for k, v in want.items():
        if s[k] != v:
            sys.exit(f"{r['key']}: {k} = {s[k]}, numpy says {v}")
    if finite.size:
        for k, v in (("min", finite.min()), ("max", finite.max()),
                     ("mean", finite.mean()), ("std", finite.std())):
            if not math.isclose(s[k], v, rel_tol=tol, abs_tol=tol):
                sys.exit(f"{r['key']}: {k} = {s[k]}, numpy says {v}")
        if sum(s["histogram"]) != finite.size:
            sys.exit(f"{r['key']}: histogram holds {sum(s['histogram'])} of "
                     f"{finite.size} finite values")
    checked += 1
print(f"checked {checked} blobs against numpy")
