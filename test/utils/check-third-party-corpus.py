#!/usr/bin/env python3
"""Checks `mlirscope inspect --summary` on every file of the third-party corpus
(MLIR files written by other projects) against a reference:

- where `mlir-opt` parses the file (with --split-input-file when it has
  `// -----` chunks): per chunk, op counts by name (`--print-op-stats`) and the
  resources MLIR prints back (group, key, kind, size; MLIR prints only the
  blobs something references, and every external entry);
- where it cannot (a dialect MLIR does not link): per chunk, the resource keys
  of all metadata blocks and the number of `dense_resource<` uses outside
  comments and strings, both counted here from the file itself.

Usage: check-third-party-corpus.py CORPUS_DIR MLIRSCOPE MLIR_OPT
Prints one line per file and a total; exits non-zero on the first
disagreement (with both answers).
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

corpus, tool, mlir_opt = sys.argv[1:4]
files = sorted(glob.glob(os.path.join(corpus, "*", "*.mlir")) +
               glob.glob(os.path.join(corpus, "*", "*.mlirbc")))
if not files:
    sys.exit(f"no .mlir or .mlirbc files in {corpus}")


def fail(path, what):
    sys.exit(f"{os.path.relpath(path, corpus)}: {what}")


def ours(path, chunk=None):
    cmd = [tool, "inspect", "--summary", "--json", "--top", "1000000", path]
    if chunk is not None:
        cmd += ["--chunk", str(chunk)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        fail(path, f"mlirscope exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


SPLIT = "// -----"


def split_chunks(text):
    """The chunks mlir-opt --split-input-file makes (ToolUtilities.cpp)."""
    pieces = text.split(SPLIT[:-2])
    chunks, prev = [], None
    for piece in pieces:
        if prev is None:
            prev = piece
            continue
        if piece.startswith("--") and len(piece) > 2 and piece[2] != "0":
            chunks.append(prev)
            prev = piece[2:]
        else:
            prev = prev + SPLIT[:-2] + piece
    chunks.append(prev)
    return chunks


def code_of(line):
    """A line without its `//` comment and without string literal contents."""
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if c == '"':
            j = i + 1
            while j < len(line) and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif line.startswith("//", i):
            break
        else:
            out.append(c)
            i += 1
    return "".join(out)


ENTRY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[\w.$-]+)\s*:\s*("0x[0-9a-fA-F]*"|"|true|false)')


def resources_in_text(text):
    """(group, key, kind, size) of every entry of every `{-# #-}` block."""
    found = {}
    for block in re.findall(r"\{-#(.*?)#-\}", text, re.S):
        group = None
        for line in block.splitlines():
            line = line.split("//")[0] if '"0x' not in line else line
            g = re.match(r'^\s*("(?:[^"\\]|\\.)*"|[\w.$-]+)\s*:\s*\{\s*$', line)
            if g and g.group(1) not in ("dialect_resources", "external_resources"):
                group = g.group(1).strip('"')
                continue
            m = ENTRY.match(line)
            if not m or group is None:
                continue
            key, value = m.group(1).strip('"'), m.group(2)
            if value.startswith('"0x'):
                kind, size = "blob", (len(value) - 2 - 2 - 8) // 2
            elif value in ("true", "false"):
                kind, size = "bool", None
            else:
                kind, size = "string", None
            # A later entry for the same key replaces an earlier one.
            found[(group, key)] = (kind, size)
    return found


def our_resources(summary, chunk, printed_only):
    out = {}
    for r in summary["resources"]["all"]:
        if r.get("chunk", 1) != chunk:
            continue
        if printed_only and r["dialect_group"] and not r["references"]:
            continue
        size = r["bytes"] if r["kind"] == "blob" else None
        out[(r["group"], r["key"])] = (r["kind"], size)
    return out


def mlir_opt_stats(path, split):
    """Per chunk: ({op: count}, printed text), or None if MLIR cannot parse."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.mlir")
        cmd = [mlir_opt, "--allow-unregistered-dialect", "--print-op-stats",
               path, "-o", out]
        if split:
            cmd.insert(1, "--split-input-file")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            return None
        with open(out) as f:
            printed = f.read()
    stats = []
    for block in proc.stderr.split("Operations encountered:")[1:]:
        counts = {}
        for line in block.splitlines():
            m = re.match(r"^\s*([\w.$-]+)\s*,\s*(\d+)\s*$", line)
            if m:
                counts[m.group(1)] = int(m.group(2))
        stats.append(counts)
    texts = split_chunks(printed) if split else [printed]
    if len(stats) != len(texts):
        fail(path, f"mlir-opt printed {len(stats)} op tables for {len(texts)} chunks")
    return list(zip(stats, texts))


checked_mlir = checked_self = 0
for path in files:
    name = os.path.relpath(path, corpus)
    s = ours(path)
    nchunks = len(s["chunks"]) if s["format"] == "text" else 1
    reference = mlir_opt_stats(path, nchunks > 1)
    if reference is not None:
        if len(reference) != nchunks:
            fail(path, f"{nchunks} chunks, mlir-opt made {len(reference)}")
        total_ops = 0
        for i, (stats, printed) in enumerate(reference, start=1):
            mine = ours(path, i) if nchunks > 1 else s
            if mine["ops"]["by_name"] != stats:
                fail(path, f"chunk {i}: op counts {mine['ops']['by_name']}, "
                           f"mlir-opt {stats}")
            want = resources_in_text(printed)
            got = our_resources(s, i, printed_only=True)
            if got != want:
                fail(path, f"chunk {i}: resources {sorted(got.items())}, "
                           f"mlir-opt printed {sorted(want.items())}")
            total_ops += sum(stats.values())
        checked_mlir += 1
        print(f"{name}: agrees with mlir-opt: {nchunks} chunk(s), {total_ops} ops, "
              f"{s['resources']['count']} resources")
        continue

    if s["format"] == "bytecode":
        # Bytecode of a dialect MLIR does not link (StableHLO's VHLO): every
        # function has its name, decoded from VHLO's own encoding.
        funcs = s["ops"]["by_name"].get("vhlo.func_v1", 0)
        named = [x for x in s["symbols"] if x["op"] == "vhlo.func_v1" and x["name"]]
        if not funcs or len(named) != funcs:
            fail(path, f"{len(named)} named vhlo.func_v1 of {funcs}")
        checked_self += 1
        print(f"{name}: MLIR cannot read it: {s['ops']['total']} ops, "
              f"{funcs} vhlo.func_v1 all named ({', '.join(x['name'] for x in named)})")
        continue

    # MLIR cannot parse it: count from the file.
    with open(path, errors="replace") as f:
        text = f.read()
    chunks = split_chunks(text)
    if len(chunks) != nchunks:
        fail(path, f"{nchunks} chunks, the file has {len(chunks)}")
    uses_total = 0
    for i, chunk in enumerate(chunks, start=1):
        ir = re.sub(r"\{-#.*?#-\}", "", chunk, flags=re.S)
        uses = sum(code_of(line).count("dense_resource<") for line in ir.splitlines())
        ch = s["chunks"][i - 1]
        if ch["references"] != uses:
            fail(path, f"chunk {i}: {ch['references']} references, the file has "
                       f"{uses} dense_resource uses outside comments")
        want = resources_in_text(chunk)
        got = our_resources(s, i, printed_only=False)
        if got != want:
            fail(path, f"chunk {i}: resources {sorted(got.items())}, the file's "
                       f"blocks hold {sorted(want.items())}")
        uses_total += uses
    checked_self += 1
    print(f"{name}: agrees with the file (MLIR cannot parse it): {nchunks} "
          f"chunk(s), {uses_total} dense_resource uses, "
          f"{s['resources']['count']} resources, "
          f"{s['elided_references']} elided")

print(f"checked {len(files)} files: {checked_mlir} against mlir-opt, "
      f"{checked_self} against the file itself")
