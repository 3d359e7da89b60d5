#!/usr/bin/env python3
"""Op details from bytecode against MLIR's own reading of the same bytecode.

For each bytecode version 0-6: mlir-opt writes the model as bytecode, and
prints that bytecode back as text (locations inline); mlirscope's details of
the bytecode (its own decoders) must equal its details of the text (printed
by MLIR itself when it parses): op names, locations, scopes, operand and
result types, attributes, successors. Properties a dialect encodes natively
(not as attributes) are the one promised difference: such an op shows
`<properties>` and its other attributes must be among MLIR's.

Usage: compare-op-details.py MLIRSCOPE MLIR_OPT INPUT.mlir WORKDIR
"""
import json
import os
import subprocess
import sys

tool, mlir_opt, src, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {proc.returncode}: {proc.stderr[:500]}")
    return proc.stdout


def details(path):
    return [json.loads(line) for line in
            run([tool, "inspect", "--ops", "--json", path]).splitlines()]


for version in range(7):
    bc = os.path.join(work, f"v{version}.mlirbc")
    text = os.path.join(work, f"v{version}.mlir")
    run([mlir_opt, "--allow-unregistered-dialect", "--emit-bytecode",
         f"--emit-bytecode-version={version}", src, "-o", bc])
    run([mlir_opt, "--allow-unregistered-dialect", "--mlir-print-debuginfo",
         "--mlir-print-local-scope", bc, "-o", text])
    ours, mlirs = details(bc), details(text)
    if len(ours) != len(mlirs):
        sys.exit(f"v{version}: {len(ours)} ops from bytecode, {len(mlirs)} from MLIR")
    opaque = 0
    for a, b in zip(ours, mlirs):
        where = f"v{version} op {a['op']} {a['name']}"
        # The module MLIR prints back as text starts at line 1 of that text;
        # every other location was carried through the bytecode.
        if a["depth"] == 0 and b["location"].startswith(json.dumps(text)):
            b["location"] = a["location"]
        for key in ("name", "location", "scope", "operand_types",
                    "result_types", "successors", "symbol"):
            if a.get(key) != b.get(key):
                sys.exit(f"{where}: {key} {a.get(key)!r} from bytecode, "
                         f"{b.get(key)!r} from MLIR")
        attrs = [tuple(x) for x in a["attributes"]]
        theirs = [tuple(x) for x in b["attributes"]]
        if any(name == "<properties>" for name, _ in attrs):
            opaque += 1
            rest = [x for x in attrs if x[0] != "<properties>"]
            if any(x not in theirs for x in rest):
                sys.exit(f"{where}: attributes {rest} not among MLIR's {theirs}")
        elif sorted(attrs) != sorted(theirs):
            sys.exit(f"{where}: attributes {attrs} from bytecode, {theirs} from MLIR")
    print(f"v{version}: {len(ours)} ops agree ({opaque} with opaque properties)")
