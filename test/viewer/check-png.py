#!/usr/bin/env python3
"""Coarse checks of a screenshot, so a blank or garbled window fails a test.

    check-png.py FILE [--not-blank] [--color NAME=R,G,B@X0,Y0,X1,Y1:MIN]...

--not-blank   the image has text and structure: many distinct colours and
              a luminance spread, not one flat fill.
--color       at least MIN pixels within 40 (per channel) of R,G,B inside
              the region X0..X1, Y0..Y1 given as fractions of the image.
"""
import argparse
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                sys.exit(f"{path}: only 8-bit RGB/RGBA")
            channels = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        if line[0] != 0:
            sys.exit(f"{path}: filtered rows are not supported")
        rows.append(line[1:])
    return width, height, channels, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("png")
    ap.add_argument("--not-blank", action="store_true")
    ap.add_argument("--color", action="append", default=[])
    args = ap.parse_args()
    width, height, ch, rows = read_png(args.png)
    failures = []
    if args.not_blank:
        colors, lum = set(), []
        for y in range(0, height, 2):
            row = rows[y]
            for x in range(0, width, 2):
                p = row[x * ch:x * ch + 3]
                colors.add(bytes(p))
                lum.append(0.3 * p[0] + 0.59 * p[1] + 0.11 * p[2])
        mean = sum(lum) / len(lum)
        spread = (sum((v - mean) ** 2 for v in lum) / len(lum)) ** 0.5
        if len(colors) < 50 or spread < 8:
            failures.append(f"looks blank: {len(colors)} colours, luminance spread {spread:.1f}")
        else:
            print(f"{args.png}: {width}x{height}, {len(colors)} colours, spread {spread:.1f}")
    for spec in args.color:
        name, rest = spec.split("=", 1)
        rgb, rest = rest.split("@", 1)
        region, minimum = rest.split(":")
        r, g, b = (int(v) for v in rgb.split(","))
        x0, y0, x1, y1 = (float(v) for v in region.split(","))
        count = 0
        for y in range(int(y0 * height), int(y1 * height)):
            row = rows[y]
            for x in range(int(x0 * width), int(x1 * width)):
                p = row[x * ch:x * ch + 3]
                if abs(p[0] - r) <= 40 and abs(p[1] - g) <= 40 and abs(p[2] - b) <= 40:
                    count += 1
        if count < int(minimum):
            failures.append(f"{name}: {count} pixels near ({r},{g},{b}) in {region}, expected >= {minimum}")
        else:
            print(f"{name}: {count} pixels")
    for f in failures:
        print(f"{args.png}: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
