#!/usr/bin/env python3
"""Validates `inspect --summary --json` and `inspect --weights --json` against
docs/inspect-schema.json, and checks what the schema cannot say: the file's
bytes split into IR, blobs and inline weights; the weight list agrees with the
summary's count, bytes and totals by kind and dtype.

Usage: check-summary-schema.py SCHEMA MLIRSCOPE ARGS...
Each ARGS is one model with its options, as one shell-quoted string
("model.mlir --parameters a=a.irpa").
"""
import collections
import json
import shlex
import subprocess
import sys

import jsonschema

schema_path, tool, *runs = sys.argv[1:]
with open(schema_path) as f:
    schema = json.load(f)
weight_list_schema = dict(schema["$defs"]["weightList"], **{
    "$defs": schema["$defs"]})
if not runs:
    sys.exit("no models given")


def run(*args):
    proc = subprocess.run([tool, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"mlirscope {' '.join(args)}: exit {proc.returncode}: "
                 f"{proc.stderr.strip()}")
    return json.loads(proc.stdout)


weights_seen = collections.Counter()
for spec in runs:
    args = shlex.split(spec)
    s = run("inspect", "--summary", "--json", "--top", "1000000", *args)
    jsonschema.validate(s, schema)
    listed = run("inspect", "--weights", "--json", *args)
    jsonschema.validate(listed, weight_list_schema)
    name = args[0].rsplit("/", 1)[-1]
    if s["ir_bytes"] + s["blob_bytes"] + s["inline_weight_bytes"] != \
            s["file_bytes"]:
        sys.exit(f"{name}: IR, blob and inline weight bytes do not add up "
                 f"to the file's {s['file_bytes']}")
    w, items = s["weights"], listed["weights"]
    if len(items) != w["count"] or sum(i["bytes"] for i in items) != \
            w["bytes"] or w["largest"] != sorted(
                items, key=lambda i: -i["bytes"]):
        sys.exit(f"{name}: --weights lists {len(items)} weights, the "
                 f"summary counts {w['count']}")
    by_kind = collections.defaultdict(lambda: {"count": 0, "bytes": 0})
    for i in items:
        by_kind[i["kind"]]["count"] += 1
        by_kind[i["kind"]]["bytes"] += i["bytes"]
        weights_seen[i["kind"]] += 1
    if dict(by_kind) != w["by_kind"]:
        sys.exit(f"{name}: by kind {w['by_kind']}, the list {dict(by_kind)}")
    if listed["small_inline"] != w["small_inline"]:
        sys.exit(f"{name}: small inline weights differ")
    if len({i["name"] for i in items}) != len(items):
        sys.exit(f"{name}: weight names repeat")
print(f"{len(runs)} summaries valid, weights: " +
      ", ".join(f"{n} {k}" for k, n in sorted(weights_seen.items())))
