"""mlirscope/exportResource writes what `mlirscope extract` writes.

    python check-export.py SERVER CLI EXAMPLES TMP

Exports blobs of a bytecode view (f32, f16) and of a synced text document
to .npy, compares each file byte for byte with `mlirscope extract`'s, checks
the reply ({path, bytes}) and the progress on the client's token, and that
failed requests (relative path, another format, unknown key, a directory
that does not exist) leave no file behind.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, file_uri, bytecode_uri  # noqa

server, cli, examples, tmp = sys.argv[1:5]
os.makedirs(tmp, exist_ok=True)
out = os.path.join(tmp, "out")
os.makedirs(out, exist_ok=True)


def same_as_extract(what, model, key, got):
    want = os.path.join(tmp, "extract-" + key + ".npy")
    subprocess.run([cli, "extract", model, key, "-o", want], check=True)
    with open(got, "rb") as a, open(want, "rb") as b:
        check(a.read() == b.read(), what + ": differs from mlirscope extract")
    print("%s: %d bytes, same as mlirscope extract" %
          (what, os.path.getsize(got)))


bc = os.path.join(tmp, "tiny.mlirbc")
shutil.copy(os.path.join(examples, "tiny.mlirbc"), bc)
c = Client([server, "-log=error"])
c.result("mlir/convertFromBytecode", {"uri": bytecode_uri(bc)})
for key in ("layer0.weight", "layer0.bias"):
    path = os.path.join(out, key + ".npy")
    r = c.result("mlirscope/exportResource", {
        "uri": bytecode_uri(bc), "key": key, "path": path, "format": "npy",
        "workDoneToken": "export-" + key})
    check(r == {"path": path, "bytes": os.path.getsize(path)},
          "reply %s" % r)
    kinds = [v["kind"] for v in c.progress("export-" + key)]
    check(kinds and kinds[0] == "begin" and kinds[-1] == "end",
          "progress %s" % kinds)
    same_as_extract("bytecode " + key, bc, key, path)

# A synced text document: its hex, decoded.
text = os.path.join(tmp, "tiny.mlir")
shutil.copy(os.path.join(examples, "tiny.mlir"), text)
with open(text) as f:
    c.open_text(file_uri(text), f.read())
path = os.path.join(out, "text.npy")
r = c.result("mlirscope/exportResource", {
    "uri": file_uri(text), "key": "layer1.weight", "path": path})
check(r["bytes"] == os.path.getsize(path), "reply %s" % r)
same_as_extract("text layer1.weight", text, "layer1.weight", path)

before = sorted(os.listdir(out))
for what, params in (
        ("relative path", {"path": "x.npy"}),
        ("another format", {"path": os.path.join(out, "x.safetensors"),
                            "format": "safetensors"}),
        ("unknown key", {"path": os.path.join(out, "x.npy"), "key": "nope"}),
        ("no such directory", {"path": os.path.join(out, "none", "x.npy")})):
    params.setdefault("key", "layer0.weight")
    params["uri"] = bytecode_uri(bc)
    e = c.error("mlirscope/exportResource", params)
    check("\n" not in e["message"], what + ": one line")
    print("%s: %d %s" % (what, e["code"], e["message"]))
check(sorted(os.listdir(out)) == before,
      "failed exports left files: %s" % sorted(set(os.listdir(out)) -
                                               set(before)))
print("nothing left behind")
c.shutdown()
print("done")
