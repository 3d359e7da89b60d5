#!/usr/bin/env python3
"""Checks the inline weights mlirscope finds in StableHLO's test data against
the files themselves.

Usage: check-stablehlo-testdata.py CORPUS_DIR MLIRSCOPE

Each `.mlir` file is read here on its own: every `dense<...> : tensor<...>`
outside comments is one inline weight, whose type gives dtype, shape and
bytes (elements x element size), stored as hex (`"0x..."`: raw little-endian
bytes, one element's worth for a splat) or as a literal. The file's
`inspect --summary --json --min-inline-bytes 0` must list the same weights in
file order with those dtypes, shapes, bytes, encodings and splat flags, and
the same totals by dtype. The hex of every weight (and the value of every
literal splat) is decoded with numpy and `stats --json` of the same weights
must agree on min, max and mean (over finite values; complex over
magnitudes).
Fails if the directory holds no `.mlir` files.
"""
import glob
import json
import math
import os
import re
import subprocess
import sys

import numpy as np

corpus, tool = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(corpus, "*.mlir")))
if not files:
    sys.exit(f"no .mlir files in {corpus}")

# Element type: (numpy dtype of its stored bytes, element bytes).
ELEMENTS = {
    "i1": ("u1", 1), "i8": ("i1", 1), "ui8": ("u1", 1), "i16": ("<i2", 2),
    "i32": ("<i4", 4), "i64": ("<i8", 8), "ui64": ("<u8", 8),
    "f16": ("<f2", 2), "bf16": ("<u2", 2), "f32": ("<f4", 4),
    "f64": ("<f8", 8), "complex<f32>": ("<c8", 8),
    "complex<f64>": ("<c16", 16),
}


def run(*args):
    proc = subprocess.run([tool, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"mlirscope {' '.join(args)}: exit {proc.returncode}: "
                 f"{proc.stderr.strip()}")
    return json.loads(proc.stdout)


def closing(text, start, open_char="<", close_char=">"):
    """The index just past the bracket closing the one opened before `start`,
    skipping quoted strings."""
    depth, i = 1, start
    while depth:
        c = text[i]
        if c == '"':
            i = text.index('"', i + 1)
        elif c == open_char:
            depth += 1
        elif c == close_char:
            depth -= 1
        i += 1
    return i


def parse_weights(path):
    """The file's dense elements attributes, in file order."""
    text = open(path, encoding="utf-8").read()
    # Comments blanked out, offsets kept.
    text = re.sub(r"//[^\n]*", lambda m: " " * len(m.group()), text)
    out = []
    for m in re.finditer(r"dense<", text):
        body_start = m.end()
        body_end = closing(text, body_start) - 1
        body = text[body_start:body_end]
        t = re.match(r"\s*:\s*tensor<", text[body_end + 1:])
        if not t:
            sys.exit(f"{path}: offset {m.start()}: no tensor type after dense<>")
        type_start = body_end + 1 + t.end()
        type_text = text[type_start:closing(text, type_start) - 1]
        t = re.fullmatch(r"((?:\d+x)*)(.+)", type_text)
        dims, element = t.group(1).split("x"), t.group(2)
        shape = [int(d) for d in dims if d]
        if element not in ELEMENTS:
            sys.exit(f"{path}: offset {m.start()}: element type {element}")
        size = ELEMENTS[element][1]
        elements = math.prod(shape)
        w = {"dtype": element, "shape": shape, "bytes": elements * size,
             "offset": body_start}
        if body.startswith('"0x'):
            digits = body[3:-1]
            w.update(encoding="hex", hex=digits, offset=body_start + 3,
                     splat=len(digits) // 2 == size and elements != 1)
        else:
            w.update(encoding="literal", literal=body.strip(),
                     splat=not body.lstrip().startswith("[") and elements != 1)
        out.append(w)
    return out


def decode(w):
    """The elements of a hex weight as numpy values (bf16 widened to f32)."""
    raw = bytes.fromhex(w["hex"])
    values = np.frombuffer(raw, dtype=ELEMENTS[w["dtype"]][0])
    if w["dtype"] == "bf16":
        values = (values.astype(np.uint32) << 16).view(np.float32)
    if w["dtype"].startswith("complex"):
        values = np.abs(values.astype(np.complex128))
    return values.astype(np.float64)


def decode_literal(w):
    """The elements of a scalar literal (`true`, `0`, `1.5e+00`, or hex bits
    `0xFF800000` of the element type), repeated over the shape; None for a
    list (the corpus has none)."""
    text = w["literal"]
    if text.startswith("["):
        return None
    if text in ("true", "false"):
        value = float(text == "true")
    elif text.lower().startswith("0x"):
        bits = int(text, 16).to_bytes(ELEMENTS[w["dtype"]][1], "little")
        value = float(decode({"hex": bits.hex(), "dtype": w["dtype"]})[0])
    else:
        value = float(text)
    return np.full(math.prod(w["shape"]), value)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


checked_weights = checked_stats = 0
dtypes = set()
for path in files:
    name = os.path.basename(path)
    mine = parse_weights(path)
    s = run("inspect", "--summary", "--json", "--min-inline-bytes", "0",
            "--top", "1000000", path)
    theirs = sorted((w for w in s["weights"]["largest"]
                     if w["kind"] == "inline"), key=lambda w: w["offset"])
    if len(mine) != len(theirs) or s["weights"]["small_inline"]["count"]:
        sys.exit(f"{name}: {len(mine)} dense attributes in the file, "
                 f"mlirscope lists {len(theirs)} inline weights")
    for a, b in zip(mine, theirs):
        got = {k: b[k] for k in ("dtype", "shape", "bytes", "offset",
                                 "encoding", "splat")}
        want = {k: a[k] for k in got}
        if got != want:
            sys.exit(f"{name}: {b['name']}: mlirscope says {got}, the file "
                     f"{want}")
    by_dtype = {}
    for w in mine:
        t = by_dtype.setdefault(w["dtype"], {"weights": 0, "bytes": 0,
                                             "elements": 0})
        t["weights"] += 1
        t["bytes"] += w["bytes"]
        t["elements"] += math.prod(w["shape"])
    if by_dtype != s["weights"]["by_dtype"]:
        sys.exit(f"{name}: by dtype {s['weights']['by_dtype']}, the file "
                 f"{by_dtype}")
    checked_weights += len(mine)
    dtypes.update(by_dtype)

    named = [(a, b["name"]) for a, b in zip(mine, theirs)]
    stats = run("stats", "--json", path, *(n for _, n in named))
    for (w, weight_name), st in zip(named, stats):
        if w["encoding"] == "hex":
            values = decode(w)
            if w["splat"]:
                values = np.repeat(values, math.prod(w["shape"]))
        else:
            values = decode_literal(w)
            if values is None:
                continue
        finite = values[np.isfinite(values)]
        want = (finite.min(), finite.max(), finite.mean()) if finite.size \
            else (None, None, None)
        got = (st["min"], st["max"], st["mean"])
        if st["name"] != weight_name or st["elements"] != values.size or \
                any((g is None) != (e is None) or
                    (g is not None and not close(g, e))
                    for g, e in zip(got, want)):
            sys.exit(f"{name}: {weight_name}: stats min/max/mean {got}, "
                     f"numpy {want}")
        checked_stats += 1

print(f"checked {len(files)} files: {checked_weights} inline weights "
      f"({', '.join(sorted(dtypes))}), stats of {checked_stats} against numpy")
