#!/usr/bin/env python3
"""Saves under faults: kill -9 at every stage, kill -9 at random moments, a
full disk and a read-only file system. The user's file must be the old one or
the complete new one afterwards, and valid.

Usage: save-faults.py MLIRSCOPE GENMODEL WORKDIR

Every save goes through AtomicFile (temporary file beside the destination,
fsync, rename, fsync of the directory). For each command that saves and each
failpoint (MLIRSCOPE_FAILPOINT: save-partial after the first bytes are
written, save-synced after the fsync, save-renamed after the rename) the
command is killed with SIGKILL there while OUT holds old bytes; OUT must then
be the old bytes (before the rename) or exactly what an uninterrupted run
writes (after it). The next run without a failpoint must succeed, write the
same bytes and leave no temporary file (the killed run's is removed). Then
`rewrite` of a 48 MiB model is killed after random delays. Last, on a tmpfs
(needs root): a save that does not fit, and saves and an in-place edit on the
tmpfs remounted read-only. Prints one line per check.
"""
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time

tool, genmodel, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
OLD = b"the user's previous file\n"


def fail(msg):
    raise SystemExit("save-faults.py: " + msg)


def gen(path, *args):
    subprocess.run([genmodel, "-o", path, *args], check=True,
                   stdout=subprocess.DEVNULL)


def run(args, failpoint=None):
    env = dict(os.environ)
    env.pop("MLIRSCOPE_FAILPOINT", None)
    if failpoint:
        env["MLIRSCOPE_FAILPOINT"] = failpoint
    return subprocess.run([tool, *args], capture_output=True, env=env)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def temporaries(directory):
    return sorted(n for n in os.listdir(directory)
                  if ".mlirscope-tmp-" in n or n.endswith(".mlirscope-ir"))


def valid(path):
    """The file is a model mlirscope reads (the old bytes are not: skip)."""
    data = read(path)
    if data == OLD:
        return True
    if path.endswith((".npy", ".safetensors")):
        return len(data) > 0
    return run(["inspect", "--summary", path]).returncode == 0


model = os.path.join(work, "model.mlirbc")
gen(model, "--layers", "3", "--shape", "64x64", "--external-group", "ext")
small = os.path.join(work, "small.mlirbc")
if run(["strip", model, "-o", small]).returncode != 0:
    fail("strip of the model failed")
text = os.path.join(work, "model.mlir")
if run(["convert", model, "-o", text]).returncode != 0:
    fail("convert of the model failed")

out = lambda name: os.path.join(work, "out", name)
os.makedirs(os.path.join(work, "out"))
saves = [
    ("rewrite", ["rewrite", model, "-o", out("rewritten.mlirbc")]),
    ("strip", ["strip", model, "-o", out("stripped.mlirbc")]),
    ("attach", ["attach", small, "--weights-from", model, "-o",
                out("attached.mlirbc")]),
    ("convert-to-text", ["convert", model, "-o", out("converted.mlir")]),
    ("convert-to-bytecode", ["convert", text, "-o", out("converted.mlirbc")]),
    ("extract-npy", ["extract", model, "layer1.weight", "-o",
                     out("layer1.npy")]),
    ("extract-all", ["extract", model, "--all", "-o", out("all.safetensors")]),
]

for name, args in saves:
    dest = args[args.index("-o") + 1]
    # What an uninterrupted run writes.
    if os.path.exists(dest):
        os.remove(dest)
    proc = run(args)
    if proc.returncode != 0:
        fail(f"{name}: {proc.stderr.decode()}")
    new = read(dest)
    outcomes = []
    # ":2": commands that save an intermediate file first (convert) reach
    # each point twice; for the others the run finishes.
    for point in ("save-partial", "save-synced", "save-renamed"):
        for hit in ("1", "2"):
            with open(dest, "wb") as f:
                f.write(OLD)
            proc = run(args, f"{point}:{hit}")
            got = read(dest)
            if proc.returncode == 0:
                if got != new:
                    fail(f"{name} ({point}:{hit} not reached): wrong output")
                continue
            if proc.returncode != -signal.SIGKILL:
                fail(f"{name} at {point}:{hit}: exit {proc.returncode}")
            if got not in (OLD, new):
                fail(f"{name} at {point}:{hit}: the destination is neither "
                     f"the old file nor the new one")
            if not valid(dest):
                fail(f"{name} at {point}:{hit}: the destination does not "
                     f"read back")
            outcomes.append("old" if got == OLD else "new")
            # The next save to the same place cleans up after the killed one.
            proc = run(args)
            if proc.returncode != 0 or read(dest) != new:
                fail(f"{name} after {point}:{hit}: the next run failed or "
                     f"differs")
            left = temporaries(os.path.dirname(dest))
            if left:
                fail(f"{name} after {point}:{hit}: temporaries left: {left}")
    print(f"{name}: killed {len(outcomes)} times: {' '.join(outcomes)}; "
          f"next run cleaned up")

# kill -9 at random moments of a longer save.
big = os.path.join(work, "big.mlirbc")
gen(big, "--layers", "3", "--shape", "2048x2048")  # 48 MiB of weights
dest = out("big-copy.mlirbc")
start = time.monotonic()
if run(["rewrite", big, "-o", dest]).returncode != 0:
    fail("rewrite of the big model failed")
took = time.monotonic() - start
new_hash = hashlib.sha256(read(dest)).digest()
rng = random.Random(7)
counts = {"old": 0, "new": 0}
for i in range(20):
    with open(dest, "wb") as f:
        f.write(OLD)
    proc = subprocess.Popen([tool, "rewrite", big, "-o", dest],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, took * 1.2))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    data = read(dest)
    if data == OLD:
        counts["old"] += 1
    elif hashlib.sha256(data).digest() == new_hash:
        counts["new"] += 1
    else:
        fail(f"random kill {i}: the destination is neither old nor new")
if run(["rewrite", big, "-o", dest]).returncode != 0 or temporaries(
        os.path.dirname(dest)):
    fail("the run after the random kills failed or left temporaries")
print(f"rewrite killed at 20 random moments: old {counts['old']}, "
      f"new {counts['new']}, nothing else")

# A full disk and a read-only file system (tmpfs; needs root).
mnt = os.path.join(work, "mnt")
os.makedirs(mnt)
proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt],
                      capture_output=True, text=True)
if proc.returncode != 0:
    fail(f"cannot mount a tmpfs at {mnt} (needs root): {proc.stderr.strip()}")


def one_error(proc, what, needle):
    lines = proc.stderr.decode().splitlines()
    if proc.returncode != 2 or len(lines) != 1 or needle not in lines[0]:
        fail(f"{what}: exit {proc.returncode}, stderr {lines}")
    return lines[0].replace(work, "DIR")


try:
    dest = os.path.join(mnt, "big-copy.mlirbc")
    with open(dest, "wb") as f:
        f.write(OLD)
    line = one_error(run(["rewrite", big, "-o", dest]), "disk full",
                     "No space left on device")
    if read(dest) != OLD or temporaries(mnt):
        fail("disk full: the destination changed or a temporary was left")
    print(f"disk full: {line}; old file kept, no temporary left")

    shutil.copyfile(model, os.path.join(mnt, "model.mlirbc"))
    before = read(os.path.join(mnt, "model.mlirbc"))
    subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
    line = one_error(run(["strip", model, "-o", dest]), "read-only save",
                     "Read-only file system")
    print(f"read-only save: {line}")
    line = one_error(run(["set", os.path.join(mnt, "model.mlirbc"),
                          "layer0.weight", "0", "1.5"]), "read-only edit",
                     "Read-only file system")
    if read(os.path.join(mnt, "model.mlirbc")) != before or read(dest) != OLD:
        fail("read-only: a file changed")
    print(f"read-only edit: {line}; files unchanged")
finally:
    subprocess.run(["umount", mnt], check=True)
print("done")
