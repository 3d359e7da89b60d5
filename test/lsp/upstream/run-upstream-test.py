#!/usr/bin/env python3
"""Runs one of upstream's mlir-lsp-server lit tests with mlirscope-lsp.

Usage: run-upstream-test.py TEST MLIRSCOPE_LSP [--superset-of MLIR_LSP_SERVER]

Each RUN line of TEST (one file of ../shared/corpus/mlir-lsp-server-tests) is
run with MLIRSCOPE_LSP in place of `mlir-lsp-server` and TEST in place of
`%s`; FileCheck comes from PATH. The files are read where they are, never
copied into the repository.

With --superset-of, the RUN lines are not run: upstream's initialize reply
lists its capabilities exactly, and mlirscope-lsp offers more (folding
ranges, inlay hints). Instead both servers answer TEST's messages and the
capabilities of MLIRSCOPE_LSP must be a superset of those of
MLIR_LSP_SERVER: every key upstream sets, with a value that is at least as
much (true where upstream says true, every list item upstream lists, a sync
kind at least upstream's: Incremental over Full).

A missing corpus is an error (one line), not a skipped test.
"""
import json
import os
import re
import shutil
import subprocess
import sys


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def run_lines(text):
    """The RUN lines of a lit test, with `\\` continuations joined."""
    lines, current = [], ""
    for line in text.splitlines():
        m = re.match(r"^\s*//\s*RUN:(.*)$", line)
        if not m:
            continue
        part = m.group(1).strip()
        if part.endswith("\\"):
            current += part[:-1] + " "
            continue
        lines.append(current + part)
        current = ""
    return lines


def replies(server, test):
    """The JSON-RPC messages `server -lit-test` writes for TEST."""
    with open(test, "rb") as f:
        out = subprocess.run([server, "-lit-test"], stdin=f,
                             capture_output=True, timeout=120).stdout
    messages = []
    for m in re.finditer(rb"Content-Length: (\d+)\r?\n\r?\n", out):
        n = int(m.group(1))
        messages.append(json.loads(out[m.end():m.end() + n]))
    return messages


def capabilities(server, test):
    for message in replies(server, test):
        if message.get("id") == 0 and "result" in message:
            return message["result"]["capabilities"]
    fail(f"{server}: no reply to initialize")


def missing(ours, theirs, path):
    """What THEIRS offers that OURS does not, as `path: why` lines."""
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            # A provider upstream describes with options, ours with `true`.
            return [] if ours is True else [f"{path}: {ours!r} is not an object"]
        out = []
        for key, value in theirs.items():
            if key not in ours:
                if value is not False:
                    out.append(f"{path}.{key}: missing")
                continue
            out += missing(ours[key], value, f"{path}.{key}")
        return out
    if isinstance(theirs, list):
        if not isinstance(ours, list):
            return [f"{path}: {ours!r} is not a list"]
        return [f"{path}: lacks {item!r}" for item in theirs if item not in ours]
    if isinstance(theirs, bool):
        # false offers nothing; an object offers at least what true does.
        if theirs and not (ours is True or isinstance(ours, dict)):
            return [f"{path}: {ours!r}, upstream true"]
        return []
    if path.endswith(".textDocumentSync.change") and isinstance(ours, int):
        # Sync kinds: None 0, Full 1, Incremental 2; a server that takes
        # ranged changes takes whole texts too.
        return [] if ours >= theirs else [f"{path}: {ours!r}, upstream {theirs!r}"]
    return [] if ours == theirs else [f"{path}: {ours!r}, upstream {theirs!r}"]


def main():
    args = sys.argv[1:]
    superset = None
    if "--superset-of" in args:
        i = args.index("--superset-of")
        superset = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        fail(__doc__.splitlines()[2])
    test, ours = args
    if not os.path.isfile(test):
        fail(f"{test} not found: the corpus (../shared/corpus beside the "
             f"repository) is missing")

    if superset:
        theirs = capabilities(superset, test)
        mine = capabilities(ours, test)
        gaps = missing(mine, theirs, "capabilities")
        for gap in gaps:
            print(gap)
        if gaps:
            sys.exit(1)
        print(f"capabilities: a superset of upstream's "
              f"({len(theirs)} providers upstream, {len(mine)} ours)")
        return

    with open(test) as f:
        lines = run_lines(f.read())
    if not lines:
        fail(f"{test}: no RUN line")
    filecheck = shutil.which("FileCheck")
    if not filecheck:
        fail("FileCheck is not in PATH")
    for line in lines:
        if "mlir-lsp-server" not in line:
            fail(f"{test}: a RUN line without mlir-lsp-server: {line}")
        command = (line.replace("mlir-lsp-server", ours)
                   .replace("FileCheck", filecheck)
                   .replace("%s", test))
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", command])
        if proc.returncode != 0:
            fail(f"{os.path.basename(test)}: `{command}` exited with "
                 f"{proc.returncode}")
    print(f"{os.path.basename(test)}: {len(lines)} RUN line(s) passed")


if __name__ == "__main__":
    main()
