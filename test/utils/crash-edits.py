#!/usr/bin/env python3
"""Crashes `mlirscope set` / `mlirscope replace` at every failpoint and checks
that the model always comes back as the old bytes or the new ones.

Usage: crash-edits.py MLIRSCOPE MLIR-OPT WORKDIR ITERATIONS SEED MODEL...

The models are copied to WORKDIR. Each iteration picks a model, one of its
typed blobs, an edit (set one random element to a random value, or replace
the whole blob from a random .npy) and a failpoint (journal-partial,
journal-synced, file-partial, file-synced, or none), and:
  - computes the bytes the file must hold after the edit from the blob's
    offset (`inspect --json`) and the new element bytes (uppercase hex digits
    for text files);
  - runs the edit with MLIRSCOPE_FAILPOINT set: it must die of SIGKILL (or,
    without a failpoint, exit 0 silently);
  - after a crash: a journal is left, bytes outside the edited region are
    untouched, and before the journal is synced the file is untouched;
  - runs `mlirscope inspect --summary`, which must exit 0 and remove the
    journal, and then compares the file with the old and the new bytes.
Counts what the crashes left before recovery (old, new or torn bytes). A
crashed edit must come back as the old bytes (the journal rolls it back), a
finished one as the new bytes; anything else is corrupt. At the end MLIR must
still parse every model. Prints
  N edits: K crashed, X rolled back to old, Y completed new, Z corrupt
and exits 1 if any check failed.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys

import numpy as np

tool, mlir_opt, workdir = sys.argv[1:4]
iterations, seed = int(sys.argv[4]), int(sys.argv[5])
sources = sys.argv[6:]
FAILPOINTS = [None, "journal-partial", "journal-synced", "file-partial",
              "file-synced"]
NUMPY = {"f32": "<f4", "f64": "<f8", "f16": "<f2", "bf16": "<u2", "i1": "?",
         "i8": "i1", "i16": "<i2", "i32": "<i4", "i64": "<i8", "ui8": "u1",
         "complex<f32>": "<c8"}
INT_RANGE = {"i8": (-2**7, 2**7 - 1), "i16": (-2**15, 2**15 - 1),
             "i32": (-2**31, 2**31 - 1), "i64": (-2**63, 2**63 - 1),
             "ui8": (0, 255)}

rng = random.Random(seed)
nprng = np.random.default_rng(seed)
errors = []


def fail(msg):
    errors.append(msg)
    print(f"error: {msg}", file=sys.stderr)


def run(args, env=None):
    return subprocess.run([tool, *args], capture_output=True, env=env)


def messages(stderr):
    """stderr without progress lines (each starts with a carriage return),
    which a slow run may print."""
    return re.sub(r"\r[^\r\n]*", "", stderr.decode()).strip()


class Model:
    def __init__(self, source):
        self.path = os.path.join(workdir, os.path.basename(source))
        shutil.copyfile(source, self.path)
        self.journal = self.path + ".mlirscope-journal"
        proc = run(["inspect", "--json", self.path])
        if proc.returncode:
            sys.exit(f"inspect {self.path}: {proc.stderr.decode()}")
        summary = json.loads(proc.stdout)
        self.text = summary["format"] == "text"
        self.blobs = [r for r in summary["resources"]["all"]
                      if r["kind"] == "blob" and r.get("dtype") in NUMPY
                      and r.get("elements")]
        self.size = os.path.getsize(self.path)
        # Large models are slow to rewrite; pick them less often.
        self.weight = 1 if self.size > (1 << 20) else 4


def encode_value(dtype):
    """A random value of `dtype`: (text for `mlirscope set`, element bytes)."""
    if dtype in INT_RANGE:
        v = rng.randint(*INT_RANGE[dtype])
        return str(v), np.array(v, NUMPY[dtype]).tobytes()
    if dtype == "i1":
        text = rng.choice(["true", "false", "1", "0"])
        return text, bytes([text in ("true", "1")])
    if dtype == "complex<f32>":
        re, im = rng.randint(-64, 64) / 4, rng.randint(-64, 64) / 4
        return f"({re},{im})", np.array(complex(re, im), "<c8").tobytes()
    # Floats: quarters (exact in every float type) and the special values.
    text = rng.choice([str(rng.randint(-256, 256) / 4)] * 6 +
                      ["nan", "inf", "-inf", "-0"])
    v = float(text)
    if dtype == "bf16":
        bits = int(np.array(v, "<f4").view("<u4")) >> 16
        return text, np.array(bits, "<u2").tobytes()
    return text, np.array(v, NUMPY[dtype]).tobytes()


def random_array(r):
    dtype, shape = NUMPY[r["dtype"]], r["shape"]
    if dtype == "?":
        return nprng.integers(0, 2, shape).astype(bool)
    if dtype in ("<f4", "<f8", "<f2", "<c8"):
        return (nprng.integers(-1000, 1000, shape) / 8).astype(dtype)
    info = np.iinfo(dtype)
    return nprng.integers(info.min, info.max, shape, dtype=dtype,
                          endpoint=True)


def file_span(model, r, byte_offset, data):
    """(file offset, bytes) that hold `data` at byte `byte_offset` of blob r."""
    if model.text:
        return r["offset"] + 2 * byte_offset, data.hex().upper().encode()
    return r["offset"] + byte_offset, data


def main():
    os.makedirs(workdir, exist_ok=True)
    models = [Model(s) for s in sources]
    weighted = [m for m in models for _ in range(m.weight)]
    npy = os.path.join(workdir, "edit.npy")
    crashed = old = new = corrupt = 0
    # What a crash left before recovery: the old bytes, the new ones, or a
    # blob that is part new, part old (only blobs over one write chunk).
    left = {"old": 0, "new": 0, "torn": 0}
    by_failpoint = {f: 0 for f in FAILPOINTS}
    base_env = {k: v for k, v in os.environ.items()
                if k != "MLIRSCOPE_FAILPOINT"}
    for i in range(iterations):
        m = rng.choice(weighted)
        r = rng.choice(m.blobs)
        before = open(m.path, "rb").read()
        esize = np.dtype(NUMPY[r["dtype"]]).itemsize
        if rng.random() < 0.5:
            flat = rng.randrange(r["elements"])
            width = 2 * esize if m.text else esize
            while True:
                text, data = encode_value(r["dtype"])
                at, span = file_span(m, r, flat * esize, data)
                if before[at:at + width] != span:
                    break
            if rng.random() < 0.5 and len(r["shape"]) > 1:
                index = ",".join(str(int(c)) for c in
                                 np.unravel_index(flat, r["shape"]))
            else:
                index = str(flat)
            args = ["set", m.path, r["key"], index, text]
        else:
            while True:
                a = random_array(r)
                at, span = file_span(m, r, 0, a.tobytes())
                if before[at:at + len(span)] != span:
                    break
            np.save(npy, a)
            args = ["replace", m.path, r["key"], npy]
        expected = before[:at] + span + before[at + len(span):]
        failpoint = rng.choice(FAILPOINTS)
        by_failpoint[failpoint] += 1
        env = dict(base_env)
        if failpoint:
            env["MLIRSCOPE_FAILPOINT"] = failpoint
        what = f"#{i} {' '.join(args[:4])} at {failpoint}"
        proc = run(args, env)
        if failpoint:
            if proc.returncode != -9:
                fail(f"{what}: exit {proc.returncode}, expected SIGKILL: "
                     f"{proc.stderr.decode()}")
            crashed += 1
            torn = open(m.path, "rb").read()
            if not os.path.exists(m.journal):
                fail(f"{what}: no journal after the crash")
            if len(torn) != len(before) or torn[:at] != before[:at] or \
                    torn[at + len(span):] != before[at + len(span):]:
                fail(f"{what}: bytes outside the edited region changed")
            left["old" if torn == before else
                 "new" if torn == expected else "torn"] += 1
            if failpoint.startswith("journal") and torn != before:
                fail(f"{what}: the file changed before its journal was synced")
        elif proc.returncode != 0 or messages(proc.stderr):
            fail(f"{what}: exit {proc.returncode}: {proc.stderr.decode()}")
        check = run(["inspect", "--summary", m.path])
        if check.returncode != 0:
            fail(f"{what}: inspect exit {check.returncode}: "
                 f"{check.stderr.decode()}")
        if os.path.exists(m.journal):
            fail(f"{what}: inspect left the journal")
        after = open(m.path, "rb").read()
        if after == before:
            old += 1
            if not failpoint:
                fail(f"{what}: the edit finished but the file is the old one")
        elif after == expected:
            new += 1
            if failpoint:
                fail(f"{what}: a crashed edit was not rolled back")
        else:
            corrupt += 1
            fail(f"{what}: the file is neither the old nor the new bytes")
    for m in models:
        proc = subprocess.run([mlir_opt, "--allow-unregistered-dialect",
                               m.path, "-o", os.devnull],
                              capture_output=True, text=True)
        if proc.returncode:
            fail(f"mlir-opt cannot parse {m.path}: {proc.stderr}")
    print("failpoints: " + ", ".join(f"{f or 'none'} {n}"
                                     for f, n in by_failpoint.items()))
    print(f"crashes left {left['old']} old, {left['new']} new, "
          f"{left['torn']} torn files before recovery")
    print(f"mlir-opt parsed {len(models)} models")
    print(f"{iterations} edits: {crashed} crashed, {old} rolled back to old, "
          f"{new} completed new, {corrupt} corrupt")
    if errors:
        sys.exit(f"{len(errors)} checks failed")


main()
