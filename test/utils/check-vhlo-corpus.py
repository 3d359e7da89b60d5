#!/usr/bin/env python3
"""Summarizes every StableHLO VHLO bytecode file of the corpus and checks its
`vhlo.func_v1` count against the `func.func` count of its `.mlir` sibling.

Usage: check-vhlo-corpus.py CORPUS_DIR MLIRSCOPE
Fails if the corpus directory holds no bytecode files.
"""
import glob
import json
import os
import subprocess
import sys

corpus, tool = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(corpus, "*.mlir.bc")))
if not files:
    sys.exit(f"no .mlir.bc files in {corpus}")


def summary(path):
    proc = subprocess.run([tool, "inspect", "--summary", "--json", path],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{path}: exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


versions = set()
for bc in files:
    s = summary(bc)
    versions.add(s["bytecode_version"])
    funcs = s["ops"]["by_name"].get("vhlo.func_v1", 0)
    src = summary(bc[:-3])
    want = src["ops"]["by_name"].get("func.func", 0)
    if funcs == 0 or funcs != want:
        sys.exit(f"{os.path.basename(bc)}: {funcs} vhlo.func_v1 ops, but "
                 f"{want} func.func in its source")
print(f"checked {len(files)} files, bytecode versions "
      f"{', '.join(map(str, sorted(versions)))}")
