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

from lspclient import Client

model = os.path.abspath(sys.argv[1])
client = Client(sys.argv[2:])


def position(text, needle):
    at = text.index(needle) + len("dense_resource<") + 2
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def hover(uri, text, key):
    msg = client.call("textDocument/hover", {
        "textDocument": {"uri": uri},
        "position": position(text, "dense_resource<%s>" % key)})
    if "error" in msg:
        return "error: " + msg["error"]["message"]
    value = msg["result"]["contents"]["value"]
    if "changed on disk" in value:
        return "changed: " + value.strip().splitlines()[-1]
    return "stats" if "| min | max |" in value else "no stats"


uri = "file://" + model
text = client.result("mlir/convertFromBytecode", {"uri": uri})["output"]
client.open_text(uri, text)
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
symbols = client.call("textDocument/documentSymbol",
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
client.result("shutdown", None)
client.notify("exit", None)
client.proc.stdin.close()
print("exit code:", client.proc.wait(timeout=60))
