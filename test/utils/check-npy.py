#!/usr/bin/env python3
"""Checks `mlirscope extract` output against the blob bytes in the model.

Usage:
  check-npy.py npy MLIRSCOPE MODEL KEY X.npy [KEY X.npy ...]
      Each .npy must load with numpy, hold the dtype and shape the IR gives
      KEY (bf16 as uint16 bits, i1 as bool), in C order, and its data must be
      the blob's bytes.
  check-npy.py all-npy MLIRSCOPE MODEL OUTDIR
      Extracts every typed blob of MODEL to OUTDIR/KEY.npy with
      `mlirscope extract` and checks each as above.
  check-npy.py safetensors MLIRSCOPE MODEL X.safetensors
      Parses the file by hand (u64 header length, JSON header, data) and
      checks that it holds exactly the typed, non-complex blobs, each with its
      dtype, shape and bytes, packed back to back.
  check-npy.py data MLIRSCOPE MODEL KEY X.npy
      Only checks that the blob's bytes equal the data of X.npy (after
      `mlirscope replace`).

The blob bytes are read at the offsets `mlirscope inspect --json` reports,
hex-decoded for text files. Prints one line per checked tensor and exits
non-zero at the first mismatch.
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np

NUMPY = {"f32": np.float32, "f64": np.float64, "f16": np.float16,
         "bf16": np.uint16, "i1": np.bool_, "i8": np.int8, "i16": np.int16,
         "i32": np.int32, "i64": np.int64, "ui8": np.uint8,
         "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
         "complex<f32>": np.complex64, "complex<f64>": np.complex128}
SAFETENSORS = {"f32": "F32", "f64": "F64", "f16": "F16", "bf16": "BF16",
               "i1": "BOOL", "i8": "I8", "i16": "I16", "i32": "I32",
               "i64": "I64", "ui8": "U8", "ui16": "U16", "ui32": "U32",
               "ui64": "U64"}


def fail(msg):
    sys.exit(f"check-npy.py: {msg}")


def inspect(tool, model):
    proc = subprocess.run([tool, "inspect", "--json", model],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"inspect {model}: exit {proc.returncode}: {proc.stderr}")
    return json.loads(proc.stdout)


def typed_blobs(summary):
    """Blobs with a supported dtype and a static shape, by key."""
    out = {}
    for r in summary["resources"]["all"]:
        if r["kind"] != "blob" or r.get("dtype") not in NUMPY:
            continue
        if r.get("elements") is None:
            continue
        out[r["key"]] = r
    return out


def blob_bytes(summary, model, r):
    data = open(model, "rb").read()
    if summary["format"] == "text":
        return bytes.fromhex(
            data[r["offset"]:r["offset"] + 2 * r["bytes"]].decode())
    return data[r["offset"]:r["offset"] + r["bytes"]]


def check_npy(summary, model, r, path):
    a = np.load(path, allow_pickle=False)
    want = np.dtype(NUMPY[r["dtype"]])
    if a.dtype != want:
        fail(f"{path}: dtype {a.dtype}, expected {want} for {r['dtype']}")
    if list(a.shape) != r["shape"]:
        fail(f"{path}: shape {a.shape}, expected {r['shape']}")
    if not a.flags["C_CONTIGUOUS"]:
        fail(f"{path}: not in C order")
    got, expected = a.tobytes(), blob_bytes(summary, model, r)
    if got != expected:
        fail(f"{path}: data {got.hex()} differs from the blob's "
             f"{expected.hex()}")
    print(f"{r['key']}: {r['dtype']} {r['shape']} -> {a.dtype} "
          f"{list(a.shape)}, {len(got)} bytes match")


def main():
    mode, tool, model = sys.argv[1:4]
    rest = sys.argv[4:]
    summary = inspect(tool, model)
    blobs = typed_blobs(summary)
    if mode in ("npy", "data"):
        if not rest or len(rest) % 2:
            fail("expected KEY X.npy pairs")
        for key, path in zip(rest[::2], rest[1::2]):
            if key not in blobs:
                fail(f"{key}: no typed blob of that name in {model}")
            if mode == "npy":
                check_npy(summary, model, blobs[key], path)
                continue
            a = np.load(path, allow_pickle=False)
            if a.tobytes() != blob_bytes(summary, model, blobs[key]):
                fail(f"{key}: the blob's bytes are not those of {path}")
            print(f"{key}: blob bytes equal {os.path.basename(path)}")
    elif mode == "all-npy":
        os.makedirs(rest[0], exist_ok=True)
        for key, r in blobs.items():
            path = os.path.join(rest[0], key + ".npy")
            proc = subprocess.run([tool, "extract", model, key, "-o", path],
                                  capture_output=True, text=True)
            if proc.returncode != 0 or proc.stderr:
                fail(f"extract {key}: exit {proc.returncode}: {proc.stderr}")
            check_npy(summary, model, r, path)
        print(f"checked {len(blobs)} npy files")
    elif mode == "safetensors":
        raw = open(rest[0], "rb").read()
        if len(raw) < 8:
            fail("shorter than the 8-byte header length")
        (n,) = struct.unpack("<Q", raw[:8])
        if n % 8 or 8 + n > len(raw):
            fail(f"header length {n} is not a multiple of 8 within the file")
        header = json.loads(raw[8:8 + n].decode("utf-8"))
        data = raw[8 + n:]
        meta = header.pop("__metadata__", {})
        if not all(isinstance(v, str) for v in meta.values()):
            fail("__metadata__ values must be strings")
        # A blob named __metadata__ cannot be stored under its name.
        want = {k for k, r in blobs.items()
                if r["dtype"] in SAFETENSORS and k != "__metadata__"}
        if set(header) != want:
            fail(f"tensors {sorted(header)}, expected {sorted(want)}")
        spans = []
        for key in sorted(header):
            t, r = header[key], blobs[key]
            if t["dtype"] != SAFETENSORS[r["dtype"]]:
                fail(f"{key}: dtype {t['dtype']}, expected "
                     f"{SAFETENSORS[r['dtype']]}")
            if t["shape"] != r["shape"]:
                fail(f"{key}: shape {t['shape']}, expected {r['shape']}")
            begin, end = t["data_offsets"]
            if data[begin:end] != blob_bytes(summary, model, r):
                fail(f"{key}: data [{begin}, {end}) differs from the blob")
            spans.append((begin, end))
            print(f"{key}: {t['dtype']} {t['shape']} [{begin}, {end}) ok")
        # Tensors are packed back to back and cover the whole data buffer.
        spans.sort()
        pos = 0
        for begin, end in spans:
            if begin != pos:
                fail(f"gap or overlap at data offset {pos}")
            pos = end
        if pos != len(data):
            fail(f"data buffer holds {len(data)} bytes, tensors {pos}")
        left_out = sorted(k for k in blobs if k not in want)
        print(f"safetensors: {len(header)} tensors, {len(data)} data bytes; "
              f"left out: {', '.join(left_out) or 'none'}")
    else:
        fail(f"unknown mode {mode}")


main()
