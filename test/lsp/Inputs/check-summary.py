"""mlirscope/summary returns what `mlirscope inspect --summary --json` prints.

    python check-summary.py SERVER CLI EXAMPLES TMP

Compares, as parsed JSON, the server's summary with the CLI's on the same
file: a bytecode view (mlir/convertFromBytecode), from-disk models
(mlirscope/openFile, text and bytecode), synced text documents (the buffer
as the editor has it, not the file on disk), one chunk of a split file, and
checks the errors for a URI the server does not hold and a bad chunk.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, file_uri, bytecode_uri  # noqa

server, cli, examples, tmp = sys.argv[1:5]
os.makedirs(tmp, exist_ok=True)


def cli_summary(path, *args):
    out = subprocess.run([cli, "inspect", "--summary", "--json", *args, path],
                         check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out)


def same(what, got, path, *args):
    want = cli_summary(path, *args)
    if got != want:
        fail("%s: the server's summary differs from the CLI's:\n%s\n%s" %
             (what, json.dumps(got, sort_keys=True),
              json.dumps(want, sort_keys=True)))
    print("%s: same as the CLI (%d resources, %d ops)" %
          (what, got["resources"]["count"], got["ops"]["total"]))


bc = os.path.join(tmp, "tiny.mlirbc")
text = os.path.join(tmp, "tiny.mlir")
split = os.path.join(tmp, "split.mlir")
shutil.copy(os.path.join(examples, "tiny.mlirbc"), bc)
shutil.copy(os.path.join(examples, "tiny.mlir"), text)
shutil.copy(os.path.join(examples, "split.mlir"), split)

c = Client([server, "-log=error"])
c.result("mlir/convertFromBytecode", {"uri": bytecode_uri(bc)})
same("bytecode view", c.result("mlirscope/summary", {"uri": bytecode_uri(bc)}),
     bc)
c.result("mlirscope/openFile", {"path": text})
same("disk, text", c.result("mlirscope/summary", {"uri": file_uri(text)}),
     text)
disk_bc = os.path.join(tmp, "disk.mlirbc")
shutil.copy(bc, disk_bc)
c.result("mlirscope/openFile", {"path": disk_bc})
same("disk, bytecode",
     c.result("mlirscope/summary", {"uri": file_uri(disk_bc)}), disk_bc)

# A synced document: the editor's buffer, which is not the file on disk.
edited = os.path.join(tmp, "edited.mlir")
with open(text) as f:
    original = f.read()
with open(edited, "w") as f:
    f.write(original)
buffer = original.replace("layer1.weight", "layer1.renamed")
check(buffer != original, "the edit changed nothing")
c.open_text(file_uri(edited), buffer)
got = c.result("mlirscope/summary", {"uri": file_uri(edited)})
check(got != cli_summary(edited),
      "the summary of the buffer equals that of the file on disk")
with open(edited, "w") as f:
    f.write(buffer)
same("text document (buffer)", got, edited)
keys = sorted(r["key"] for r in got["resources"]["all"])
print("buffer keys: " + " ".join(keys))

# A split file, whole and one chunk.
with open(split) as f:
    c.open_text(file_uri(split), f.read())
same("split file", c.result("mlirscope/summary", {"uri": file_uri(split)}),
     split)
same("split file, chunk 2",
     c.result("mlirscope/summary", {"uri": file_uri(split), "chunk": 2}),
     split, "--chunk", "2")

error = c.error("mlirscope/summary", {"uri": file_uri(os.path.join(tmp, "x"))})
print("unknown uri: %d %s" % (error["code"], error["message"]))
error = c.error("mlirscope/summary", {"uri": file_uri(split), "chunk": 0})
print("chunk 0: %d %s" % (error["code"], error["message"]))
# After didClose the model held for a bytecode view is gone too.
c.notify("textDocument/didOpen", {"textDocument": {
    "uri": bytecode_uri(bc), "languageId": "mlir", "version": 1,
    "text": "module {\n}\n"}})
c.notify("textDocument/didClose", {"textDocument": {"uri": bytecode_uri(bc)}})
error = c.error("mlirscope/summary", {"uri": bytecode_uri(bc)})
print("closed view: %d %s" % (error["code"], error["message"]))
c.shutdown()
print("done")
