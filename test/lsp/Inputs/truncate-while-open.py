"""Drives mlirscope-lsp while a model it has mapped is truncated on disk.

    python truncate-while-open.py MODEL SERVER [SERVER-ARGS...]

Opens the elided view of MODEL (a bytecode model with layer0.weight and
layer1.weight) under the model's uri, hovers layer0.weight (the source gets
indexed and mapped), truncates MODEL in the middle of layer1.weight's blob,
hovers layer1.weight (bytes past the new end), then renames another model
over MODEL and hovers both again, and checks that the server still answers
and shuts down cleanly. Prints one line per step for FileCheck.
"""
import json
import os
import subprocess
import sys

model = os.path.abspath(sys.argv[1])
proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
next_id = [0]


def send(obj):
    body = json.dumps(obj).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def read():
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def request(method, params):
    next_id[0] += 1
    send({"jsonrpc": "2.0", "id": next_id[0], "method": method,
          "params": params})
    while True:
        msg = read()
        if msg is None:
            print("%s: the server is gone (exit %s)" % (method, proc.wait()))
            sys.exit(1)
        if msg.get("id") == next_id[0] and "method" not in msg:
            return msg


def position(text, needle):
    at = text.index(needle) + len("dense_resource<") + 2
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def hover(uri, text, key):
    msg = request("textDocument/hover", {
        "textDocument": {"uri": uri},
        "position": position(text, "dense_resource<%s>" % key)})
    if "error" in msg:
        return "error: " + msg["error"]["message"]
    value = msg["result"]["contents"]["value"]
    if "changed on disk" in value:
        return "changed: " + value.strip().splitlines()[-1]
    return "stats" if "| min | max |" in value else "no stats"


uri = "file://" + model
request("initialize", {"processId": os.getpid(), "rootUri": None,
                       "capabilities": {}})
text = request("mlir/convertFromBytecode", {"uri": uri})["result"]["output"]
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
    "textDocument": {"uri": uri, "languageId": "mlir", "version": 1,
                     "text": text}}})
print("before: layer0.weight:", hover(uri, text, "layer0.weight"))

summary = json.loads(subprocess.run(
    [os.environ.get("MLIRSCOPE", "mlirscope"), "inspect", "--summary",
     "--json", model], check=True, capture_output=True).stdout)
blob = [r for r in summary["resources"]["all"]
        if r["key"] == "layer1.weight"][0]
os.truncate(model, blob["offset"] + blob["bytes"] // 2)
print("truncated at", blob["offset"] + blob["bytes"] // 2)

print("after: layer1.weight:", hover(uri, text, "layer1.weight"))
print("again: layer0.weight:", hover(uri, text, "layer0.weight"))
symbols = request("textDocument/documentSymbol",
                  {"textDocument": {"uri": uri}})
print("documentSymbol:", "ok" if "result" in symbols else symbols)
# Replaced: another model renamed over the path (what `cp` to a temporary
# and `mv` do; the old mapping keeps the old inode alive).
other = model + ".other"
subprocess.run([os.environ.get("MLIRSCOPE_GENMODEL", "mlirscope-genmodel"),
                "-o", other, "--layers", "2", "--shape", "512x512", "--seed",
                "9"], check=True, stdout=subprocess.DEVNULL)
os.rename(other, model)
print("replaced")
print("after replace: layer0.weight:", hover(uri, text, "layer0.weight"))
print("after replace: layer1.weight:", hover(uri, text, "layer1.weight"))
request("shutdown", None)
send({"jsonrpc": "2.0", "method": "exit"})
proc.stdin.close()
print("exit code:", proc.wait())
