#!/usr/bin/env python3
"""Checks that two `mlirscope inspect --json` summaries describe the same IR.

Usage: compare-summaries.py A.json B.json

Compares op counts by name, total ops, the dense_resource references and the
referenced dialect resources (key, dtype, shape, bytes). Used to cross-check
the bytecode indexer against MLIR's own parse of the text the bytecode was
written from, and bytecode versions against each other.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def referenced(summary):
    out = {}
    for r in summary["resources"]["all"]:
        if r["dialect_group"] and r["references"] > 0:
            out[r["key"]] = (r.get("dtype"), r.get("shape"), r["bytes"],
                             r["references"])
    return out


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    problems = []
    if a["ops"]["by_name"] != b["ops"]["by_name"]:
        problems.append(f"op counts differ:\n  {a['ops']['by_name']}\n  "
                        f"{b['ops']['by_name']}")
    if a["ops"]["total"] != b["ops"]["total"]:
        problems.append(f"op totals differ: {a['ops']['total']} vs "
                        f"{b['ops']['total']}")
    if a["references"] != b["references"]:
        problems.append(f"reference counts differ: {a['references']} vs "
                        f"{b['references']}")
    ra, rb = referenced(a), referenced(b)
    if ra != rb:
        problems.append(f"referenced resources differ:\n  {ra}\n  {rb}")
    if sorted(a["resources"]["missing"]) != sorted(b["resources"]["missing"]):
        problems.append("missing resources differ")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"same IR: {a['ops']['total']} ops, {len(ra)} referenced resources")


main()
