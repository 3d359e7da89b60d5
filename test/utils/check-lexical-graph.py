#!/usr/bin/env python3
"""The graph of MLIR text that MLIR cannot parse comes from the lexical scan.

  check-lexical-graph.py edges MLIRSCOPE FILE...
      Each FILE (text MLIR cannot parse: StableHLO's pretty form) must be
      read lexically (its summary says so) and its `graph --expand all` must
      have edges, each joining two distinct nodes of the graph. Prints one
      line per file and a total.

  check-lexical-graph.py compare MLIRSCOPE MLIR-OPT TMPDIR FORMS FILE...
      Each FILE (text or bytecode MLIR can parse) is printed by mlir-opt in
      TMPDIR in FORMS (`pretty`, `generic`, `as-is`: the file itself, or
      several, comma-separated); each printed
      file is text MLIR can parse: the graph read lexically
      (`--lexical`) must equal the parsed graph: the same nodes (labels and
      ops, in order) and the same edges with the same counts. Scopes are
      off (`--no-scopes`): the lexical scan reads no locations.
"""

import json
import os
import subprocess
import sys


def graph(tool, path, *extra):
    out = subprocess.run(
        [tool, "graph", "--expand", "all", "--format", "json", path, "-o", "-",
         *extra], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def summary_is_lexical(tool, path):
    out = subprocess.run([tool, "inspect", "--summary", "--json", path],
                         check=True, capture_output=True, text=True).stdout
    return "lexical scan" in out


def edges_of(g):
    return sorted((e["from"], e["to"], e["count"]) for e in g["edges"])


def nodes_of(g):
    # A label's first word: the parse adds details (a constant's weight
    # name) that the lexical scan does not read.
    return [(n["label"].split(" ")[0], n["kind"], n.get("op"))
            for n in g["nodes"]]


def main():
    mode, tool, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    if mode == "compare":
        mlir_opt, tmp, forms, inputs = files[0], files[1], files[2], files[3:]
        os.makedirs(tmp, exist_ok=True)
        files = []
        for path in inputs:
            for form in forms.split(","):
                if form == "as-is":
                    files.append(path)
                    continue
                printed = os.path.join(
                    tmp, f"{os.path.basename(path)}.{form}.mlir")
                subprocess.run(
                    [mlir_opt, "--allow-unregistered-dialect", path, "-o",
                     printed] + (["--mlir-print-op-generic"]
                                 if form == "generic" else []),
                    check=True)
                files.append(printed)
    failed = 0
    total_edges = 0
    for path in files:
        name = os.path.basename(path)
        if mode == "edges":
            if not summary_is_lexical(tool, path):
                print(f"FAIL {name}: parsed by MLIR, not read lexically")
                failed += 1
                continue
            g = graph(tool, path)
            n = len(g["nodes"])
            bad = [e for e in g["edges"]
                   if not (0 <= e["from"] < n and 0 <= e["to"] < n)
                   or e["from"] == e["to"] or e["count"] < 1]
            ok = g["edges"] and not bad
            print(f"{'ok' if ok else 'FAIL'} {name}: {n} nodes, "
                  f"{len(g['edges'])} edges, {len(bad)} bad")
            failed += not ok
            total_edges += len(g["edges"])
        else:
            parsed = graph(tool, path, "--no-scopes")
            lexical = graph(tool, path, "--no-scopes", "--lexical")
            same_nodes = nodes_of(parsed) == nodes_of(lexical)
            same_edges = edges_of(parsed) == edges_of(lexical)
            ok = same_nodes and same_edges
            print(f"{'ok' if ok else 'FAIL'} {name}: "
                  f"{len(parsed['nodes'])} nodes, {len(parsed['edges'])} "
                  f"edges parsed; {len(lexical['nodes'])} nodes, "
                  f"{len(lexical['edges'])} edges lexical")
            if not same_nodes:
                for a, b in zip(nodes_of(parsed), nodes_of(lexical)):
                    if a != b:
                        print(f"  first differing node: parsed {a}, "
                              f"lexical {b}")
                        break
            elif not same_edges:
                pe, le = set(edges_of(parsed)), set(edges_of(lexical))
                print(f"  parsed only: {sorted(pe - le)[:5]}; "
                      f"lexical only: {sorted(le - pe)[:5]}")
            failed += not ok
            total_edges += len(parsed["edges"])
    print(f"{mode}: {len(files) - failed} of {len(files)} files ok, "
          f"{total_edges} edges")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
