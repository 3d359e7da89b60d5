#!/usr/bin/env python3
"""Checks that a saved model differs from the original in exactly the
edited elements of one blob, and that they hold the expected values.

    check-edit.py ORIG SAVED DUMP DTYPE FLAT=VALUE...

DUMP is the viewer's output; its last `tensor: KEY TYPE at byte N` line
gives the blob's offset. DTYPE is a numpy dtype ("<f4").
"""
import re
import sys

import numpy as np


def main():
    orig, saved, dump, dtype = sys.argv[1:5]
    expect = {}
    for arg in sys.argv[5:]:
        flat, value = arg.split("=")
        expect[int(flat)] = float(value)
    offsets = re.findall(r"^tensor: \S+ \S+ at byte (\d+)$", open(dump).read(), re.M)
    if not offsets:
        sys.exit("no tensor line in " + dump)
    base = int(offsets[-1])
    a, b = open(orig, "rb").read(), open(saved, "rb").read()
    if len(a) != len(b):
        sys.exit(f"size changed: {len(a)} -> {len(b)}")
    size = np.dtype(dtype).itemsize
    changed = set()
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            if i < base:
                sys.exit(f"byte {i} changed, before the blob at {base}")
            changed.add((i - base) // size)
    extra = changed - set(expect)
    if extra:
        sys.exit(f"elements changed that were not edited: {sorted(extra)[:10]}")
    for flat, value in expect.items():
        got = np.frombuffer(b, dtype=dtype, count=1, offset=base + flat * size)[0]
        want = np.array([value], dtype=dtype)[0]
        if got != want:
            sys.exit(f"element {flat}: {got}, expected {want}")
    print(f"ok: {len(changed)} element(s) changed, all edited")


if __name__ == "__main__":
    main()
