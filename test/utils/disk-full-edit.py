#!/usr/bin/env python3
"""Edits and extracts on a full file system: a 64 KiB tmpfs holding a model
with a 48 KiB blob, so the undo journal of a whole-blob replace (48 KiB)
cannot be written, while the one of a single element (a few bytes) can.

Usage: disk-full-edit.py MLIRSCOPE MODEL.mlirbc KEY MOUNTPOINT
MODEL holds KEY, an f32 blob of 48 KiB. Mounts a tmpfs at MOUNTPOINT (needs
root), and always unmounts it again, also when a check fails; a mount left by
an earlier run that was killed is unmounted first.

Checks, printing one line each:
  - `replace` of the whole blob exits 2 with one line naming the journal and
    ENOSPC; the model is byte-for-byte unchanged; no journal is left;
  - `set` of one element succeeds on the same file system, and only that
    element changes;
  - `extract --all` to the full file system exits 2 and leaves no temporary
    file behind.
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

tool, source, key, mnt = sys.argv[1:5]


def fail(msg):
    raise SystemExit(f"disk-full-edit.py: {msg}")


def run(*args):
    return subprocess.run([tool, *args], capture_output=True, text=True)


def listing():
    return sorted(os.listdir(mnt))


def check_error(proc, what, needle):
    lines = proc.stderr.splitlines()
    if proc.returncode != 2:
        fail(f"{what}: exit {proc.returncode}, expected 2: {proc.stderr}")
    if len(lines) != 1 or needle not in lines[0]:
        fail(f"{what}: expected one line with '{needle}', got {lines}")
    if proc.stdout:
        fail(f"{what}: unexpected stdout {proc.stdout!r}")
    print(f"{what}: exit 2: {lines[0].replace(mnt, 'MNT')}")


def checks():
    model = os.path.join(mnt, os.path.basename(source))
    journal = model + ".mlirscope-journal"
    shutil.copyfile(source, model)
    before = open(model, "rb").read()
    summary = json.loads(run("inspect", "--json", model).stdout)
    r = next(r for r in summary["resources"]["all"] if r["key"] == key)
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize
    if free >= r["bytes"]:
        fail(f"{free} bytes free on the tmpfs, the blob has {r['bytes']}")
    print(f"tmpfs: {free < r['bytes'] // 2} (less than half the blob free)")

    # A journal for the whole blob does not fit.
    npy = os.path.join(os.path.dirname(os.path.abspath(source)),
                       "disk-full.npy")
    np.save(npy, np.full(r["shape"], 7.0, np.float32))
    check_error(run("replace", model, key, npy), "replace",
                "mlirscope-journal: cannot write: No space left on device")
    if open(model, "rb").read() != before:
        fail("the model changed although replace failed")
    if os.path.exists(journal) or listing() != [os.path.basename(model)]:
        fail(f"files left on the tmpfs: {listing()}")
    print("replace: model unchanged, no journal left")

    # One element's journal fits: set works on the same file system.
    proc = run("set", model, key, "0", "-2.5")
    if proc.returncode != 0 or proc.stderr:
        fail(f"set: exit {proc.returncode}: {proc.stderr}")
    after = open(model, "rb").read()
    expected = bytearray(before)
    at = r["offset"]
    expected[at:at + 4] = np.float32(-2.5).tobytes()
    if after != bytes(expected):
        fail("set: the model does not hold exactly the one new element")
    if listing() != [os.path.basename(model)]:
        fail(f"set: files left on the tmpfs: {listing()}")
    print("set: one element written, no journal left")

    # extract to the full file system fails cleanly.
    out = os.path.join(mnt, "all.safetensors")
    check_error(run("extract", model, "--all", "-o", out), "extract",
                "No space left on device")
    if listing() != [os.path.basename(model)]:
        fail(f"extract: files left on the tmpfs: {listing()}")
    print("extract: no output or temporary file left")


if os.path.ismount(mnt):
    subprocess.run(["umount", mnt], check=True)
os.makedirs(mnt, exist_ok=True)
proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt],
                      capture_output=True, text=True)
if proc.returncode != 0:
    fail(f"cannot mount a tmpfs at {mnt} (needs root): {proc.stderr.strip()}")
try:
    checks()
finally:
    subprocess.run(["umount", mnt], check=True)
    os.rmdir(mnt)
print("unmounted")
