#!/usr/bin/env python3
"""Opens every text file of a corpus directory in the language server and
hovers on the key of each `dense_resource<...>` outside comments and strings:
every hover must be answered (no error reply, a non-empty result), and the
server must shut down cleanly.

Usage: lsp-hover-corpus.py SERVER CORPUS_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys
import threading

server, corpus = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(corpus, "*", "*.mlir")))
if not files:
    sys.exit(f"no .mlir files in {corpus}")

proc = subprocess.Popen([server, "--debounce-ms=0"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
replies = {}
cond = threading.Condition()


def reader():
    out = proc.stdout
    while True:
        length = None
        while True:
            line = out.readline()
            if not line:
                return
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        body = json.loads(out.read(length))
        if "id" in body and "method" not in body:
            with cond:
                replies[body["id"]] = body
                cond.notify_all()


threading.Thread(target=reader, daemon=True).start()
next_id = 0


def send(method, params, request=True):
    global next_id
    msg = {"jsonrpc": "2.0", "method": method, "params": params}
    if request:
        next_id += 1
        msg["id"] = next_id
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
    if not request:
        return None
    with cond:
        if not cond.wait_for(lambda: msg["id"] in replies, timeout=60):
            sys.exit(f"no reply to {method} {json.dumps(params)[:200]}")
        return replies[msg["id"]]


def code_columns(line, needle):
    """Columns of `needle` in `line` outside strings and `//` comments."""
    cols, i = [], 0
    while i < len(line):
        if line[i] == '"':
            j = i + 1
            while j < len(line) and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            i = j + 1
        elif line.startswith("//", i):
            break
        elif line.startswith(needle, i):
            cols.append(i)
            i += len(needle)
        else:
            i += 1
    return cols


send("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
send("initialized", {}, request=False)
total = 0
for path in files:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    uri = "file://" + os.path.abspath(path)
    send("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "mlir", "version": 1, "text": text}},
        request=False)
    hovers = 0
    for n, line in enumerate(text.split("\n")):
        for col in code_columns(line, "dense_resource<"):
            # ASCII files: columns are UTF-16 code units too.
            pos = {"line": n, "character": col + len("dense_resource<")}
            r = send("textDocument/hover",
                     {"textDocument": {"uri": uri}, "position": pos})
            if "error" in r or not r.get("result") or \
                    not r["result"].get("contents"):
                sys.exit(f"{os.path.relpath(path, corpus)}:{n + 1}:{col + 1}: "
                         f"hover answered {json.dumps(r)[:300]}")
            hovers += 1
    send("textDocument/didClose", {"textDocument": {"uri": uri}},
         request=False)
    print(f"{os.path.relpath(path, corpus)}: {hovers} hovers answered")
    total += hovers

r = send("shutdown", None)
if "error" in r:
    sys.exit(f"shutdown: {r}")
send("exit", None, request=False)
proc.stdin.close()
rc = proc.wait(timeout=60)
if rc != 0:
    sys.exit(f"server exit code {rc}")
print(f"{len(files)} files, {total} hovers answered, clean exit")
