#!/usr/bin/env python3
"""Per-file coverage from libFuzzer's -print_coverage=1 output (stdin).

Usage: TARGET -runs=0 -print_coverage=1 CORPUS... 2>&1 | coverage-report.py ROOT

libFuzzer's `cov:` counts edges over every instrumented function linked in,
most of which a target cannot reach (the bytecode target links the editor,
the rewriter...). This sums COVERED_FUNC / UNCOVERED_FUNC lines per source
file under ROOT and prints the files the target reached: edges covered of
the edges in that file's functions, and functions entered.
"""
import collections
import re
import sys

root = sys.argv[1].rstrip("/") + "/"
line_re = re.compile(r"^(UN)?COVERED_FUNC: hits: \d+ edges: (\d+)/(\d+) .* (\S+):\d+$")
files = collections.defaultdict(lambda: [0, 0, 0, 0])
for line in sys.stdin:
    m = line_re.match(line.strip())
    if not m or not m.group(4).startswith(root):
        continue
    path = m.group(4)[len(root):]
    if path.startswith("test/"):
        continue  # the harness itself
    f = files[path]
    f[0] += int(m.group(2))
    f[1] += int(m.group(3))
    f[2] += 0 if m.group(1) else 1
    f[3] += 1
reached = sorted(((p, v) for p, v in files.items() if v[2]),
                 key=lambda pv: -pv[1][1])
for path, (cov, total, funcs, allfuncs) in reached:
    print(f"    {path}: {cov}/{total} edges ({100.0 * cov / max(total, 1):.0f}%), "
          f"{funcs}/{allfuncs} functions")
