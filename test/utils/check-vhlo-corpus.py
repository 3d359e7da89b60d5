#!/usr/bin/env python3
"""Summarizes every StableHLO VHLO bytecode file of the corpus and checks its
`vhlo.func_v1` ops against the `func.func` ops of its `.mlir` sibling: the
same count and the same names, in the same order (each top-level func.func is
serialized as one vhlo.func_v1, its name a #vhlo.string_v1).

Usage: check-vhlo-corpus.py CORPUS_DIR MLIRSCOPE
Fails if the corpus directory holds no bytecode files.
"""
import glob
import json
import os
import re
import subprocess
import sys

corpus, tool = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(corpus, "*.mlir.bc")))
if not files:
    sys.exit(f"no .mlir.bc files in {corpus}")


def summary(path):
    # Every inline weight listed, however small (the constants of these
    # tests are scalars and small tensors).
    proc = subprocess.run([tool, "inspect", "--summary", "--json", "--top",
                           "1000000", "--min-inline-bytes", "0", path],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{path}: exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def names(summary, op):
    return [s["name"] for s in summary["symbols"] if s["op"] == op]


versions = set()
named = 0
typed = 0
for bc in files:
    s = summary(bc)
    versions.add(s["bytecode_version"])
    funcs = s["ops"]["by_name"].get("vhlo.func_v1", 0)
    src = summary(bc[:-3])
    want = src["ops"]["by_name"].get("func.func", 0)
    if funcs == 0 or funcs != want:
        sys.exit(f"{os.path.basename(bc)}: {funcs} vhlo.func_v1 ops, but "
                 f"{want} func.func in its source")
    got, expected = names(s, "vhlo.func_v1"), names(src, "func.func")
    if got != expected:
        diff = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
                    min(len(got), len(expected)))
        sys.exit(f"{os.path.basename(bc)}: vhlo.func_v1 names differ from the "
                 f"source's func.func names at #{diff}: "
                 f"{got[diff:diff + 1]} vs {expected[diff:diff + 1]} "
                 f"({len(got)} vs {len(expected)} names)")
    named += len(got)
    # Every dense constant type of the source is the type of an inline
    # #vhlo.tensor_v1 in the bytecode (decoded from VHLO's type encodings).
    with open(bc[:-3]) as f:
        code = "\n".join(line.split("//")[0] for line in f)
    dense = set(re.findall(r"dense<[^>]*>\s*:\s*(tensor<[^>]*>)", code))
    inline = {w["type"] for w in s["weights"]["largest"]
              if w["kind"] == "inline"}
    if not dense or dense - inline:
        sys.exit(f"{os.path.basename(bc)}: dense types of the source missing "
                 f"among its inline tensors: {sorted(dense - inline)}")
    typed += len(dense)
print(f"checked {len(files)} files, bytecode versions "
      f"{', '.join(map(str, sorted(versions)))}, {named} function names, "
      f"{typed} constant types")
