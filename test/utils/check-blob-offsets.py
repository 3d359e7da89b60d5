#!/usr/bin/env python3
"""Checks that every blob offset in an `inspect --json` summary of a bytecode
file points at the bytes the text source holds for that key.

Usage: check-blob-offsets.py SUMMARY.json BYTECODE SOURCE.mlir
The source's `key: "0x..."` entries give the expected bytes (after the eight
hex digits of alignment).
"""
import json
import re
import sys

summary = json.load(open(sys.argv[1]))
data = open(sys.argv[2], "rb").read()
source = open(sys.argv[3]).read()
expected = {m.group(1): bytes.fromhex(m.group(2)[8:])
            for m in re.finditer(r'([\w.]+):\s*"0x([0-9A-Fa-f]*)"', source)}
checked = 0
for r in summary["resources"]["all"]:
    if r["kind"] != "blob":
        continue
    got = data[r["offset"]:r["offset"] + r["bytes"]]
    if r["key"] not in expected:
        sys.exit(f"resource {r['key']} is not in the source")
    if got != expected[r["key"]]:
        sys.exit(f"resource {r['key']}: bytes at offset {r['offset']} are "
                 f"{got.hex()}, expected {expected[r['key']].hex()}")
    if r["offset"] % r["alignment"]:
        sys.exit(f"resource {r['key']}: offset {r['offset']} is not aligned "
                 f"to {r['alignment']}")
    checked += 1
print(f"checked {checked} blobs")
