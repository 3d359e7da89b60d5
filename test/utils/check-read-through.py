#!/usr/bin/env python3
"""Reading bytecode through a source that is not memory gives what the mapped
file gives, and reads only the IR sections.

usage: check-read-through.py MLIRSCOPE GENMODEL TMPDIR DIR...

Every bytecode file under the DIRs (found by its magic), and models generated
for every bytecode version 0-6, a 1,000-layer transformer and a 100 GiB
sparse model: `inspect --summary --json`, `--ops` and `--weights` through
`--read-through=counting` (CountingSource.h: no memory(), reads counted as a
remote source would pay for them) print what they print from the mapped file,
and a summary fetches at most the IR sections and 1 MiB; the 100 GiB model in
at most 3 round trips. rewrite, strip and convert through it write the same
bytes as from the mapped file. Prints one line per check; exits 1 on any
failure.
"""
import os
import re
import subprocess
import sys

mlirscope, genmodel, tmp = sys.argv[1:4]
dirs = sys.argv[4:]
os.makedirs(tmp, exist_ok=True)
failures = 0
COUNTS = re.compile(r"read-through: .*: calls=(\d+) requested=(\d+) "
                    r"fetched=(\d+) round-trips=(\d+)")


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def run(args):
    p = subprocess.run([mlirscope] + args, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def counted(args):
    code, out, err = run(args + ["--read-through=counting"])
    m = COUNTS.search(err)
    counts = tuple(int(x) for x in m.groups()) if m else None
    # The counts line is the test's; the rest of stderr must match.
    err = COUNTS.sub("", err).strip()
    return code, out, err, counts


def same_output(path, args):
    a = run(args + [path])
    b = counted(args + [path])
    if b[3] is None:
        fail("%s: %s: no read-through counts" % (path, " ".join(args)))
        return None
    if (a[0], a[1], a[2].strip()) != b[:3]:
        fail("%s: %s differs through a source that is not memory" %
             (path, " ".join(args)))
        return None
    return b[3]


def summary_bound(path, label, max_trips=None):
    counts = same_output(path, ["inspect", "--summary", "--json"])
    if counts is None:
        return
    for args in (["inspect", "--ops"], ["inspect", "--weights"]):
        same_output(path, args)
    import json
    s = json.loads(run(["inspect", "--summary", "--json", path])[1])
    calls, requested, fetched, trips = counts
    bound = s["ir_bytes"] + (1 << 20)
    if fetched > bound:
        fail("%s: fetched %d bytes for %d of IR" % (label, fetched, s["ir_bytes"]))
    if max_trips is not None and trips > max_trips:
        fail("%s: %d round trips, at most %d wanted" % (label, trips, max_trips))
    print("%s: same summary, ops and weights; IR %d B of %d B, fetched %d B "
          "in %d round trips (%d calls)" % (label, s["ir_bytes"],
                                           s["file_bytes"], fetched, trips,
                                           calls))


def is_bytecode(path):
    with open(path, "rb") as f:
        return f.read(4) == b"ML\xefR"


def same_file(args, out, label):
    a, b = out + ".mapped", out + ".counted"
    ra = run(args + ["-o", a])
    rb = counted(args + ["-o", b])
    if ra[0] != 0 or rb[0] != 0:
        fail("%s: exit %d / %d: %s %s" % (label, ra[0], rb[0], ra[2], rb[2]))
        return
    with open(a, "rb") as fa, open(b, "rb") as fb:
        if fa.read() != fb.read():
            fail("%s: output differs through a source that is not memory" % label)
            return
    print("%s: same bytes" % label)


corpus = 0
for d in dirs:
    for root, _, files in os.walk(d):
        for f in sorted(files):
            p = os.path.join(root, f)
            if is_bytecode(p):
                corpus += 1
                if summary_bound(p, os.path.relpath(p, d)) is None:
                    pass
print("corpus: %d bytecode files" % corpus)

for v in range(7):
    m = os.path.join(tmp, "v%d.mlirbc" % v)
    subprocess.run([genmodel, "-o", m, "--layers", "3", "--shape", "64x64",
                    "--emit-bytecode-version", str(v)], check=True)
    summary_bound(m, "genmodel v%d" % v)
    same_file(["rewrite", m], m + ".rewrite", "rewrite v%d" % v)
    same_file(["strip", m], m + ".strip", "strip v%d" % v)
    # Weights put back from a model read through the counting source too.
    same_file(["attach", m + ".strip.mapped", "--weights-from", m],
              m + ".attach", "attach v%d" % v)
    same_file(["convert", m], m + ".mlir", "convert v%d to text" % v)
    same_file(["convert", m, "--emit-bytecode-version", str(v)],
              m + ".conv.mlirbc", "convert v%d to bytecode" % v)

t = os.path.join(tmp, "transformer.mlirbc")
subprocess.run([genmodel, "-o", t, "--model", "transformer", "--layers",
                "1000", "--sparse"], check=True)
summary_bound(t, "transformer 1000 layers", max_trips=4)

big = os.path.join(tmp, "model-100G-sparse.mlirbc")
subprocess.run([genmodel, "-o", big, "--layers", "100", "--shape",
                "16384x16384", "--sparse"], check=True)
summary_bound(big, "100 GiB sparse", max_trips=3)
os.unlink(big)
print("failures: %d" % failures)
sys.exit(1 if failures else 0)
