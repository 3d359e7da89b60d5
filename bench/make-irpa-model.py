#!/usr/bin/env python3
"""Writes an IREE-style model whose weights live in a parameter archive.

MODEL.mlir holds `util.global private @pN = #stream.parameter.named<"SCOPE"::"pN">
: tensor<SHAPExf32>` for each parameter; ARCHIVE.irpa holds their data
entries (IREE's format, runtime/src/iree/schemas/parameter_archive.h), the
data left as holes: a 10 GiB archive takes no disk. For benchmarks.
"""
import argparse
import struct

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--params", type=int, default=40)
ap.add_argument("--shape", default="8192x8192")
ap.add_argument("--scope", default="model")
ap.add_argument("model")
ap.add_argument("archive")
args = ap.parse_args()

dims = [int(d) for d in args.shape.split("x")]
nbytes = 4
for d in dims:
    nbytes *= d
names = ["p%d" % i for i in range(args.params)]

# Metadata segment: the names, back to back.
metadata = b"".join(n.encode() for n in names)
# Entries: size, type (2 = data), flags, name {offset, length}, metadata
# {offset, length}, minimum alignment, storage {offset, length}; each entry
# padded to 16 bytes.
entries = b""
name_at = 0
for i, n in enumerate(names):
    e = struct.pack("<QIQQQQQQQQ", 80, 2, 0, name_at, len(n), 0, 0, 64,
                    i * nbytes, nbytes)
    e += b"\0" * (80 - len(e))
    entries += e
    name_at += len(n)
header_size = 88
entry_at = header_size
metadata_at = entry_at + len(entries)
storage_at = (metadata_at + len(metadata) + 4095) // 4096 * 4096
storage_len = nbytes * len(names)
header = b"IRPA" + struct.pack("<HHQQQ", 0, 0, header_size, 0, 0)
header += struct.pack("<Q", len(names))
header += struct.pack("<QQQQQQ", entry_at, len(entries), metadata_at,
                      len(metadata), storage_at, storage_len)
assert len(header) == header_size
with open(args.archive, "wb") as f:
    f.write(header + entries + metadata)
    f.truncate(storage_at + storage_len)  # the data: holes

tensor = "tensor<%sxf32>" % args.shape
with open(args.model, "w") as f:
    f.write("module {\n")
    for n in names:
        f.write('  util.global private @%s = #stream.parameter.named<"%s"::"%s"> : %s\n'
                % (n, args.scope, n, tensor))
    f.write("}\n")
