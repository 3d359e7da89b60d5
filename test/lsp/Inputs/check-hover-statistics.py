"""`hoverStatistics`: off, blob hovers never read blob bytes.

    python check-hover-statistics.py SERVER GENMODEL TMP [SERVER-ARGS...]

Starts the server with initializationOptions {hoverStatistics: false},
hovers a blob of a text document (type, size, offset; no statistics), opens
a generated model's bytecode view, truncates the model on disk and hovers
its blob again (still answered: nothing of the file was read), then turns
statistics on with workspace/didChangeConfiguration: the same hover now
reads the blob and reports the truncation, and a tensorPreview of the blob
past the new end of the file is a one-line error.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, file_uri, bytecode_uri  # noqa

server, genmodel, tmp = sys.argv[1:4]
server_args = sys.argv[4:]
os.makedirs(tmp, exist_ok=True)


def position(text, key):
    at = text.index("dense_resource<" + key) + len("dense_resource<") + 1
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def hover(c, uri, text, key):
    reply = c.result("textDocument/hover", {"textDocument": {"uri": uri},
                                            "position": position(text, key)})
    return reply["contents"]["value"]


def describe(what, md):
    has_stats = "| min |" in md
    print("%s: %s; statistics: %s; changed on disk: %s" % (
        what, ", ".join(line[2:] for line in md.splitlines()
                        if line.startswith("- dtype") or
                        line.startswith("- bytes") or
                        line.startswith("- file offset")),
        "yes" if has_stats else "no",
        "yes" if "changed on disk" in md else "no"))
    check("no statistics" not in md, what + ": " + md)


c = Client([server, "-log=error", *server_args], init_options={"hoverStatistics": False})
text = ("func.func @f() -> tensor<4xf32> {\n"
        "  %w = arith.constant dense_resource<w> : tensor<4xf32>\n"
        "  return %w : tensor<4xf32>\n}\n{-#\n  dialect_resources: {\n"
        "    builtin: {\n"
        "      w: \"0x040000000000803F00000000000080BF0000C07F\"\n"
        "    }\n  }\n#-}\n")
doc = file_uri(os.path.join(tmp, "doc.mlir"))
c.open_text(doc, text)
describe("text, off", hover(c, doc, text, "w"))

model = os.path.join(tmp, "model.mlirbc")
subprocess.run([genmodel, "-o", model, "--layers", "2", "--shape", "512x512"],
               check=True)
view_uri = bytecode_uri(model)
view = c.result("mlir/convertFromBytecode", {"uri": view_uri})["output"]
c.open_text(view_uri, view)
describe("model, off", hover(c, view_uri, view, "layer1.weight"))
size = os.path.getsize(model)
os.truncate(model, size // 2)
print("truncated to %d of %d bytes" % (size // 2, size))
describe("truncated, off", hover(c, view_uri, view, "layer1.weight"))

c.notify("workspace/didChangeConfiguration",
         {"settings": {"mlirscope": {"hoverStatistics": True}}})
describe("truncated, on", hover(c, view_uri, view, "layer1.weight"))
describe("text, on", hover(c, doc, text, "w"))
e = c.error("mlirscope/tensorPreview", {"uri": view_uri,
                                        "key": "layer1.weight"})
check("\n" not in e["message"], "a one-line error")
print("preview past the end: %d %s" % (e["code"], e["message"]))
c.shutdown()
print("done")
