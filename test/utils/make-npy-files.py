#!/usr/bin/env python3
"""Writes the .npy files edit.test replaces blobs of Inputs/features.mlir with.

Usage: make-npy-files.py OUTDIR
Good files (numpy's own np.save) for each typed blob, and bad ones: the wrong
dtype, shape or memory order, a bad magic, a header length past the end,
missing or extra data bytes.
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, array):
    np.save(os.path.join(out, name), array, allow_pickle=False)


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


# One per dtype of features.mlir; values differ from the originals.
save("w_f32.npy", np.array([[0.25, -1.0], [1e30, np.nan]], np.float32))
save("w_f16.npy", np.array([-0.5, 65504.0, np.inf], np.float16))
save("w_bf16.npy", np.array([0xC0A0, 0x7F80], np.uint16))  # -5.0, +inf
save("w_i1.npy", np.array([False, True, False, False]))
save("w_i8.npy", np.array([[127, -128, 0], [5, 6, 7]], np.int8))
save("w_i64.npy", np.array([-(2**63), 2**63 - 1], np.int64))
save("w_c64.npy", np.array([0.5 - 1j, -2 + 8j], np.complex64))

# Wrong for w_i8 (i8, 2x3).
save("unsigned.npy", np.zeros((2, 3), np.uint8))
save("transposed.npy", np.zeros((3, 2), np.int8))
save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.int8).reshape(2, 3)))
save("flat.npy", np.zeros(6, np.int8))
# Wrong for w_f32 (f32, 2x2).
save("f64.npy", np.zeros((2, 2), np.float64))
save("big-endian.npy", np.zeros((2, 2), ">f4"))

good = open(os.path.join(out, "w_i8.npy"), "rb").read()
write("bad-magic.npy", b"\x93NUMPZ" + good[6:])
write("not-npy.npy", b"hello, world\n")
write("empty.npy", b"")
# Version 1.0 header claiming 0x7fff bytes of header in a short file.
write("header-past-eof.npy", b"\x93NUMPY\x01\x00\xff\x7f{'descr': '|i1'")
write("truncated-data.npy", good[:-1])
write("extra-data.npy", good + b"\x00")
print(f"wrote npy files to {out}")
