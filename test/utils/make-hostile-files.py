#!/usr/bin/env python3
"""Writes small hostile or malformed model files into a directory.

Usage: make-hostile-files.py OUTDIR
Each file targets one check of the indexers; bad-input.test names the error
(and byte offset) each must produce.
"""
import os
import struct
import sys


def varint(v):
    """MLIR's prefix varint."""
    if v < (1 << 7):
        return bytes([(v << 1) | 1])
    for n in range(2, 9):
        if v < (1 << (7 * n)):
            enc = (v << n) | (1 << (n - 1))
            return enc.to_bytes(n, "little")
    return b"\x00" + struct.pack("<Q", v)


def section(sid, data):
    return bytes([sid]) + varint(len(data)) + data


def strings(*names):
    """A string section: count, sizes (last string first), data."""
    body = varint(len(names))
    for s in reversed(names):
        body += varint(len(s) + 1)
    for s in names:
        body += s.encode() + b"\0"
    return section(0, body)


HEADER = b"ML\xefR" + varint(6) + b"test\0"


def minimal(**replace):
    """A valid, empty version-6 file; keyword arguments replace sections."""
    sections = {
        "strings": strings("builtin"),
        # One dialect (string 0, no version), then the op-name count 0.
        "dialects": section(1, varint(1) + varint(0 << 1) + varint(0)),
        "attrtype": section(2, b""),
        "offsets": section(3, varint(0) + varint(0)),
        # The top-level block: no ops, no arguments.
        "ir": section(4, varint(0 << 1)),
        "properties": section(8, b""),
    }
    sections.update(replace)
    return HEADER + b"".join(sections.values())
def with_one_op(ir):
    """minimal() with one op name (builtin.module) and one attribute (the
    location every op uses), around the given IR section."""
    return minimal(
        strings=strings("builtin", "module"),
        dialects=section(1, varint(1) + varint(0) + varint(1) + varint(0) +
                         varint(1) + varint(1)),
        attrtype=section(2, varint(15)),
        offsets=section(3, varint(1) + varint(0) + varint(0) + varint(1) +
                        varint(1 << 1 | 1)),
        ir=ir)


def deep_attributes(levels, fanout=1):
    """builtin.module {a = [[[...]]]}: attribute 0 is the op's location
    (UnknownLoc), 1 the dictionary, 2 the name "a", 3.. the arrays, each
    holding the next `fanout` times."""
    entries = [varint(15), varint(1) + varint(1) + varint(2) + varint(3),
               varint(2) + varint(2)]
    for i in range(levels):
        last = i == levels - 1
        entries.append(varint(0) + (varint(0) if last
                                    else varint(fanout) +
                                    varint(3 + i + 1) * fanout))
    data = b"".join(entries)
    offsets = varint(len(entries)) + varint(0) + varint(0) + \
        varint(len(entries)) + b"".join(varint(len(e) << 1 | 1)
                                        for e in entries)
    return minimal(
        strings=strings("builtin", "module", "a"),
        dialects=section(1, varint(1) + varint(0) + varint(1) + varint(0) +
                         varint(1) + varint(1)),
        attrtype=section(2, data),
        offsets=section(3, offsets),
        # One op: name 0, attributes only, location 0, dictionary 1.
        ir=section(4, varint(1 << 1) + varint(0) + bytes([0x01]) +
                   varint(0) + varint(1)))


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
files = {
    "empty.mlir": b"",
    "binary.mlirbc": b"MLXR\x00\x01\x02garbage",
    "future-version.mlirbc": b"ML\xefR" + varint(7) + b"test\0",
    "no-version.mlirbc": b"ML\xefR",
    "no-producer.mlirbc": b"ML\xefR" + varint(6) + b"test",
    "bad-section-id.mlirbc": HEADER + bytes([12]) + varint(0),
    "section-past-eof.mlirbc": HEADER + bytes([0]) + varint(1000) + b"\x01",
    "minimal.mlirbc": minimal(),
    "huge-string-count.mlirbc": minimal(strings=section(0, varint(1 << 60))),
    "varint-past-section.mlirbc": minimal(strings=section(0, b"\x00\x01\x02")),
    # The top-level block claims 2^40 ops but holds none.
    "huge-op-count.mlirbc": minimal(ir=section(4, varint(1 << 41))),
    # A region claiming 2^50 values: must not allocate them.
    "huge-value-count.mlirbc": with_one_op(
        ir=section(4, varint(1 << 1) + varint(0) + bytes([0x10]) + varint(0) +
                   varint(1 << 1) + varint(1) + varint(1 << 50))),
    # 100,000 ops each nested in the single region of the one before: the
    # reader must not recurse per level (a 700 KB file would need a stack
    # of 100,000 frames).
    "deep-nesting.mlirbc": with_one_op(
        # Top-level block: one op. Each op: name 0, regions only, location
        # 0, one region of one block (no values) holding the next op.
        ir=section(4, varint(1 << 1) +
                   (varint(0) + bytes([0x10]) + varint(0) + varint(1 << 1) +
                    varint(1) + varint(0) + varint(1 << 1)) * 100000 +
                   varint(0) + bytes([0x00]) + varint(0))),
    # An ArrayAttr nested 100,000 deep (each array holds the next), as the
    # one attribute of a module: MLIR's bytecode reader recurses per level.
    "deep-attributes.mlirbc": deep_attributes(100000),
    # 60 arrays each holding the next one twice: 2^60 elements printed in
    # full, unless printing keeps to a budget.
    "doubling-attributes.mlirbc": deep_attributes(60, fanout=2),
    # Counts of 2^60 in each table a reader might size up front.
    "huge-dialect-count.mlirbc": minimal(
        dialects=section(1, varint(1 << 60) + varint(0))),
    "huge-op-name-count.mlirbc": minimal(
        dialects=section(1, varint(1) + varint(0) + varint(1 << 60))),
    "huge-attr-count.mlirbc": minimal(
        offsets=section(3, varint(1 << 60) + varint(1 << 60))),
    "huge-resource-group-count.mlirbc": minimal(
        resource=section(5, b""),
        offsets_r=section(6, varint(1 << 60))),
    "missing-sections.mlirbc": HEADER + strings("builtin"),
    "duplicate-section.mlirbc": HEADER + strings("a") + strings("b"),
    "bad-alignment.mlirbc": HEADER + bytes([0x80]) + varint(1) + varint(3) +
                            b"\x01",
    # A resource offset section claiming 2^60 resources of 2^60 bytes.
    "absurd-resource.mlirbc": HEADER + strings("builtin", "k") +
        section(1, varint(1) + varint(0 << 1) + varint(0)) +
        section(2, b"") + section(3, varint(0) + varint(0)) +
        section(4, varint(0 << 1)) + section(8, b"") +
        section(5, b"") +
        section(6, varint(0) + varint(0) + varint(1 << 60) + varint(1) +
                varint(1 << 60) + b"\x00"),
    "truncated-text.mlir": b'module {}\n{-#\n  dialect_resources: {\n'
                           b'    builtin: {\n      k: "0x0400000000',
    "odd-hex.mlir": b'module {}\n{-# dialect_resources: { builtin: '
                    b'{ k: "0x04000000ABC" } } #-}\n',
}
for name, data in files.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
