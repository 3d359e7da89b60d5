#!/usr/bin/env python3
"""The viewer on every StableHLO/VHLO file of the corpus, in one run.

    corpus.py script CORPUS_DIR OUT_DIR MLIRSCOPE
        writes OUT_DIR/corpus.script (per file: open, show the graph, dump,
        screenshot, open every group, dump) and OUT_DIR/expected.json (per
        file: the node count `mlirscope graph --expand all --no-fold` gives);
    corpus.py check OUT_DIR VIEWER_OUTPUT
        checks the viewer's dumps against it: no error line, a non-empty
        graph, every group open gives as many nodes as the CLI, a screenshot
        per file. Prints one line per file and a total.

The files: StableHLO's VHLO bytecode (stablehlo-vhlo/*.mlir.bc), their
StableHLO text sources (MLIR 22 does not link the dialect, so they are read
lexically, ops without edges) and the JAX export in third-party/B22-*.
Fails with one line when the corpus is missing.
"""
import glob
import json
import os
import subprocess
import sys


def corpus_files(corpus):
    vhlo = os.path.join(corpus, "stablehlo-vhlo")
    files = sorted(glob.glob(os.path.join(vhlo, "*.mlir.bc")))
    files += sorted(glob.glob(os.path.join(vhlo, "*.mlir")))
    files += sorted(glob.glob(os.path.join(corpus, "third-party", "B22-*", "*.mlirbc")))
    return files


def cli_nodes(tool, path):
    proc = subprocess.run([tool, "graph", path, "--expand", "all", "--no-fold",
                           "--format", "json", "-o", "-"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{path}: mlirscope graph exit {proc.returncode}: {proc.stderr.strip()}")
    return len(json.loads(proc.stdout)["nodes"])


def write_script(corpus, out, tool):
    files = corpus_files(corpus)
    if not files:
        sys.exit(f"corpus.py: no StableHLO/VHLO files under {corpus} "
                 "(the corpus sits beside the repository in ../shared/corpus)")
    os.makedirs(os.path.join(out, "shots"), exist_ok=True)
    expected = []
    lines = []
    for i, path in enumerate(files):
        shot = os.path.join(out, "shots", "%02d.png" % i)
        expected.append({"file": path, "nodes": cli_nodes(tool, path),
                         "shot": shot})
        lines += ["open " + path, "graph", "fit", "frames 2", "dump",
                  "screenshot " + shot, "expand-all", "dump"]
    lines.append("quit")
    with open(os.path.join(out, "corpus.script"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


def dumps(text):
    """The dumps in order: each a dict of its first `key: value` lines."""
    blocks = []
    for line in text.splitlines():
        key, _, value = line.partition(": ")
        if key == "file":
            blocks.append({"file": value, "errors": []})
        elif key in ("error", "model error", "graph error") or \
                (key == "status" and value.startswith("error")):
            (blocks[-1]["errors"] if blocks else []).append(line)
            if not blocks:
                print("error before any dump: " + line)
        elif key == "graph" and blocks and "graph" not in blocks[-1]:
            blocks[-1]["graph"] = int(value.split()[0])
        elif key == "screenshot" and blocks:
            blocks[-1]["shot"] = value.split()[0]
    return blocks


def check(out, viewer_output):
    expected = json.load(open(os.path.join(out, "expected.json")))
    text = open(viewer_output).read()
    blocks = dumps(text)
    stray = [l for l in text.splitlines() if l.startswith("error: ")]
    bad = 0
    if len(blocks) != 2 * len(expected):
        print(f"expected {2 * len(expected)} dumps, got {len(blocks)}")
        bad += 1
    for i, e in enumerate(expected):
        name = os.path.relpath(e["file"], os.path.dirname(os.path.dirname(e["file"])))
        shown, opened = (blocks[2 * i:2 * i + 2] + [{}, {}])[:2]
        problems = []
        if shown.get("file") != e["file"]:
            problems.append(f"dump is of {shown.get('file')}")
        for b in (shown, opened):
            problems += b.get("errors", [])
        if not shown.get("graph"):
            problems.append("no graph")
        if opened.get("graph") != e["nodes"]:
            problems.append(f"every group open: {opened.get('graph')} nodes, "
                            f"mlirscope graph: {e['nodes']}")
        if shown.get("shot") != e["shot"] or not os.path.getsize(e["shot"]):
            problems.append("no screenshot")
        if problems:
            bad += 1
            print(f"{name}: " + "; ".join(problems))
        else:
            print(f"{name}: {shown['graph']} nodes shown, {e['nodes']} with every group open")
    if stray:
        bad += 1
        print("\n".join(stray))
    print(f"{len(expected)} files, {bad} with problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "script":
        write_script(*sys.argv[2:5])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(*sys.argv[2:4])
    else:
        sys.exit(__doc__)
