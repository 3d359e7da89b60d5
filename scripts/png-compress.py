#!/usr/bin/env python3
"""Recompresses PNGs written by mlirscope-view (stored deflate, no filter)
in place with zlib level 9 and the Paeth-free 'up' filter, for docs/images."""
import struct
import sys
import zlib


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


for path in sys.argv[1:]:
    data = open(path, "rb").read()
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, _, ctype = struct.unpack(">IIBB", ihdr[:10])
    ch = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * ch
    out, prev = bytearray(), bytes(stride)
    for y in range(height):
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        out.append(2)  # 'up'
        out += bytes((a - b) & 0xFF for a, b in zip(line, prev))
        prev = line
    png = data[:8] + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(out), 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)
    print(f"{path}: {len(data)} -> {len(png)} bytes")
