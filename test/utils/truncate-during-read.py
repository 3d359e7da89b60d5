#!/usr/bin/env python3
"""Truncates a model while a CLI command reads it through its mapping.

Usage: truncate-during-read.py MLIRSCOPE GENMODEL WORKDIR

Writes an 8 GiB sparse model (one f32 blob whose bytes are holes, so it costs
no disk) and, for each command below, starts it, truncates the model into its
blob a moment after the command has begun reading, and checks:
  - the command exits 2 with one line on stderr that names the model, the
    offset of the fault and what was expected, and prints nothing on stdout;
  - no command dies of SIGBUS;
  - a save leaves its output as it was before (absent, or the old bytes) and
    no temporary file beside it.
  - the command ends within a few seconds of the truncation: it stops at the
    first fault (or early end of a kernel copy) instead of reading on, one
    fault per page, through the rest of the blob.
Commands: `stats` (reads every element), `strip -o` (checksums every blob,
then saves), `diff` (reads both blobs), `extract` (copies the blob to .npy),
`convert` (bytecode to text: the blob as hex), `replace -o` (the new blob
from a .npy, the one truncated). Prints one line per command.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

tool, genmodel, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
model = os.path.join(work, "big.mlirbc")
KEEP = 64 << 20  # the truncated model keeps the IR and 64 MiB of the blob
SOON = 10  # seconds from the truncation to the command's end


def fail(msg):
    raise SystemExit("truncate-during-read.py: " + msg)


def make_model():
    if os.path.exists(model):
        os.remove(model)
    subprocess.run([genmodel, "-o", model, "--shape", "65536x32768",
                    "--sparse"], check=True, stdout=subprocess.DEVNULL)


def wait_until_mapped(proc, path, limit=60):
    """Returns once `proc` maps `path` (its /proc maps name it), it ended,
    or `limit` seconds passed."""
    real = os.path.realpath(path)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/maps") as maps:
                if real in maps.read():
                    return
        except OSError:
            pass
        time.sleep(0.005)


def run(name, args, output=None, victim=None, prepare=None):
    make_model()
    if prepare:
        prepare()
    victim = victim or model
    old = b"old contents\n"
    if output:
        with open(output, "wb") as f:
            f.write(old)
    proc = subprocess.Popen([tool, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    # Truncate once the command has mapped the file: a fixed delay from the
    # start raced a slow start (a sanitizer build on a busy machine opened
    # the file after the truncation and failed indexing it instead). From
    # the mapping on, indexing takes milliseconds and reading 8 GiB seconds.
    wait_until_mapped(proc, victim)
    time.sleep(0.1)
    if proc.poll() is not None:
        fail(f"{name}: finished before the truncation "
             f"(exit {proc.returncode}): {proc.stderr.read()!r}")
    os.truncate(victim, KEEP)
    truncated = time.monotonic()
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"{name}: still running 120 s after the truncation")
    # Reading on after the fault takes minutes for 8 GiB (a signal per page);
    # stopping at it, the time to the next progress report.
    took = time.monotonic() - truncated
    if took > SOON:
        fail(f"{name}: ended {took:.1f} s after the truncation")
    if proc.returncode < 0:
        fail(f"{name}: died of signal {signal.Signals(-proc.returncode).name}")
    # Progress lines ("stats KEY: 40% (...)") are not errors.
    lines = [l for l in err.decode().splitlines()
             if not re.match(r"^[^:]+: \d+% \(", l)]
    if proc.returncode != 2 or len(lines) != 1:
        fail(f"{name}: exit {proc.returncode}, stderr {lines}")
    if out:
        fail(f"{name}: printed {out[:200]!r} although its input changed")
    if output:
        with open(output, "rb") as f:
            if f.read() != old:
                fail(f"{name}: the output file changed")
        d = os.path.dirname(output) or "."
        stray = [n for n in os.listdir(d) if ".mlirscope-tmp-" in n]
        if stray:
            fail(f"{name}: temporary files left: {stray}")
    print(f"{name}: exit 2: {lines[0].replace(work, 'DIR')}")


def blob_of(path):
    summary = json.loads(subprocess.run(
        [tool, "inspect", "--summary", "--json", path], check=True,
        capture_output=True).stdout)
    return summary["resources"]["all"][0]


run("stats", ["stats", model, "--threads", "1"])
run("strip", ["strip", model, "-o", os.path.join(work, "small.mlirbc")],
    output=os.path.join(work, "small.mlirbc"))
other = os.path.join(work, "other.mlirbc")
subprocess.run([genmodel, "-o", other, "--shape", "65536x32768", "--sparse"],
               check=True, stdout=subprocess.DEVNULL)
# diff skips ranges that are holes on both sides: give the other model one
# data byte every 4 MiB of its blob (8 MiB of disk), so every range is read.
blob = blob_of(other)
with open(other, "r+b") as f:
    for at in range(0, blob["bytes"], 4 << 20):
        f.seek(blob["offset"] + at)
        f.write(b"\x01")
run("diff", ["diff", model, other])

make_model()
key = blob_of(model)["key"]
run("extract", ["extract", model, key, "-o", os.path.join(work, "x.npy")],
    output=os.path.join(work, "x.npy"))
run("convert", ["convert", model, "-o", os.path.join(work, "big.mlir")],
    output=os.path.join(work, "big.mlir"))
# The new blob's .npy (f32, the model's shape) is the file truncated: the
# model's own blob is not read. Holes are skipped, not copied: one data byte
# every 128 KiB (256 MiB of disk) keeps the copy running past the sleep.
npy = os.path.join(work, "new.npy")


def make_npy():
    header = ("{'descr': '<f4', 'fortran_order': False, "
              "'shape': (65536, 32768), }")
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(npy, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little"))
        f.write(header.encode())
        data = f.tell()
        f.truncate(data + (65536 * 32768 * 4))
        for at in range(0, 65536 * 32768 * 4, 128 << 10):
            f.seek(data + at)
            f.write(b"\x01")


run("replace", ["replace", model, key, npy, "-o",
                os.path.join(work, "replaced.mlirbc")],
    output=os.path.join(work, "replaced.mlirbc"), victim=npy,
    prepare=make_npy)
