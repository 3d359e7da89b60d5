#!/usr/bin/env python3
"""Every tool on every hostile file, with memory capped.

Usage: limited-run.py rlimit|asan MLIRSCOPE MLIRSCOPE-LSP WORKDIR MODEL
                      HOSTILE_DIR NPY_DIR

A hostile file claims 2^60 strings, ops, values, dialects, resources or
bytes in a few dozen bytes; a tool that sized anything by such a claim would
allocate without bound. Each command runs with memory capped: `rlimit` sets
RLIMIT_AS to 2 GiB (mapped libraries and thread stacks included); `asan`
(the sanitizer build, which reserves terabytes of address space for its
shadow memory) makes ASan abort any single allocation over 256 MB and the
process at 2 GiB of RSS. A run passes when it ends on its own (no signal, no
hang) with exit 0, 2 or 3 (diff: different), and a failure says so in one
line on stderr. Commands: inspect, inspect --json, stats, extract --all,
rewrite, strip, convert and diff on each hostile model; replace (in place and
-o) of MODEL's blob `w_f32` with each hostile .npy; the language server
opening each hostile model (mlirscope/openFile) and each hostile text as a
document, in one session that must then shut down cleanly.
Prints a line per command and a total.
"""
import json
import os
import re
import resource
import shutil
import subprocess
import sys

mode, tool, lsp, work, model, hostile, npys = sys.argv[1:8]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
LIMIT = 2 << 30
env = dict(os.environ)
if mode == "asan":
    env["ASAN_OPTIONS"] = ":".join(filter(None, [
        env.get("ASAN_OPTIONS", ""), "max_allocation_size_mb=256",
        "allocator_may_return_null=0", "hard_rss_limit_mb=2048"]))


def limit():
    if mode == "rlimit":
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


failures = []


def run(label, args, stdin=None):
    try:
        proc = subprocess.run(args, input=stdin, capture_output=True,
                              env=env, preexec_fn=limit, timeout=120)
    except subprocess.TimeoutExpired:
        failures.append(f"{label}: no answer in 120 s")
        return None
    err = [l for l in proc.stderr.decode(errors="replace").splitlines()
           if not re.match(r"^[^:]+: \d+% \(", l)]
    if proc.returncode < 0:
        failures.append(f"{label}: killed by signal {-proc.returncode}")
    elif proc.returncode not in (0, 2, 3):
        failures.append(f"{label}: exit {proc.returncode}: {err[:3]}")
    elif proc.returncode == 2 and len(err) != 1 and args[0] == tool:
        failures.append(f"{label}: {len(err)} lines on stderr: {err[:3]}")
    return proc


files = sorted(os.path.join(hostile, f) for f in os.listdir(hostile))
out = lambda name: os.path.join(work, name)
commands = {
    "inspect": lambda f: ["inspect", "--summary", f],
    "inspect --json": lambda f: ["inspect", "--json", f],
    "stats": lambda f: ["stats", f],
    "extract --all": lambda f: ["extract", f, "--all", "-o",
                                out("all.safetensors")],
    "rewrite": lambda f: ["rewrite", f, "-o", out("rewritten.mlirbc")],
    "strip": lambda f: ["strip", f, "-o", out("stripped.mlirbc")],
    "convert": lambda f: ["convert", f, "-o",
                          out("converted" + (".mlir" if f.endswith("bc")
                                             else ".mlirbc"))],
    "diff": lambda f: ["diff", f, f],
}
total = 0
for name, make in commands.items():
    before = len(failures)
    codes = {}
    for f in files:
        proc = run(f"{name} {os.path.basename(f)}", [tool, *make(f)])
        total += 1
        if proc is not None:
            codes[proc.returncode] = codes.get(proc.returncode, 0) + 1
    print(f"{name}: {len(files)} files, exit codes "
          f"{dict(sorted(codes.items()))}, "
          f"{len(failures) - before} failures")

# Hostile .npy files into a good model, in place and to a new file.
target = out("model" + os.path.splitext(model)[1])
before = len(failures)
n = 0
for f in sorted(os.listdir(npys)):
    shutil.copyfile(model, target)
    original = open(target, "rb").read()
    for args in (["replace", target, "w_f32", os.path.join(npys, f)],
                 ["replace", target, "w_f32", os.path.join(npys, f), "-o",
                  out("replaced.mlirbc")]):
        run(f"replace {f}", [tool, *args])
        n += 1
    if open(target, "rb").read() != original and not f.startswith("w_f32"):
        failures.append(f"replace {f}: the model changed")
total += n
print(f"replace: {n} runs with {n // 2} .npy files, "
      f"{len(failures) - before} failures")

# One language-server session over all of them.
msgs = [{"jsonrpc": "2.0", "id": 0, "method": "initialize",
         "params": {"capabilities": {}}}]
for i, f in enumerate(files):
    msgs.append({"jsonrpc": "2.0", "id": 100 + i,
                 "method": "mlirscope/openFile", "params": {"path": f}})
    if not f.endswith("bc"):
        text = open(f, "rb").read().decode("utf-8", errors="replace")
        msgs.append({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                     "params": {"textDocument": {
                         "uri": "file://" + f, "languageId": "mlir",
                         "version": 1, "text": text}}})
msgs += [{"jsonrpc": "2.0", "id": 1, "method": "shutdown"},
         {"jsonrpc": "2.0", "method": "exit"}]
stream = b"".join(b"Content-Length: %d\r\n\r\n" % len(b) + b
                  for b in (json.dumps(m).encode() for m in msgs))
before = len(failures)
proc = run("mlirscope-lsp", [lsp], stream)
total += 1
if proc is not None:
    replies = proc.stdout.count(b'"id":')
    if proc.returncode != 0:
        failures.append(f"mlirscope-lsp: exit {proc.returncode}")
    print(f"mlirscope-lsp: {len(files)} files opened, exit "
          f"{proc.returncode}, {len(failures) - before} failures")

for f in failures:
    print("FAIL " + f)
print(f"{total} runs under a {mode} memory limit: "
      f"{total - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
