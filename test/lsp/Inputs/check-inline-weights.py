"""Inline weights in the bytecode view, for every bytecode version.

    python check-inline-weights.py SERVER UPSTREAM MLIR_OPT CLI TMP

Makes the model of inline-weights-model.py bytecode of each version
mlir-opt writes (0 to 6); for each, mlir/convertFromBytecode must show its
two large inline weights as placeholders and no hex at all, in a reply
below 2 KB, and mlir/convertToBytecode of that text must give a model that
mlir-opt prints as it prints the original, with the same weights byte for
byte. Upstream's mlir-lsp-server shows the version 6 model too, for the
size its view takes (all the hex).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, file_uri  # noqa

server, upstream, mlir_opt, cli, tmp = sys.argv[1:6]
os.makedirs(tmp, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
text = os.path.join(tmp, "model.mlir")
with open(text, "w") as f:
    subprocess.run([sys.executable, os.path.join(here,
                                                 "inline-weights-model.py")],
                   stdout=f, check=True)


def printed(path):
    return subprocess.run([mlir_opt, path], check=True,
                          stdout=subprocess.PIPE).stdout


c = Client([server, "-log=error"])
for version in range(7):
    model = os.path.join(tmp, "v%d.mlirbc" % version)
    subprocess.run([mlir_opt, "--emit-bytecode",
                    "--emit-bytecode-version=%d" % version, text, "-o", model],
                   check=True)
    reply = c.call("mlir/convertFromBytecode", {"uri": file_uri(model)})
    check("result" in reply, "v%d: %s" % (version, reply.get("error")))
    view = reply["result"]["output"]
    size = len(json.dumps(reply))
    check(view.count('dense_resource<"inline:') == 2,
          "v%d: not two placeholders:\n%s" % (version, view))
    check('"0x' not in view, "v%d: hex in the view:\n%s" % (version, view))
    check(size < 2048, "v%d: a reply of %d bytes" % (version, size))
    out = os.path.join(tmp, "v%d.saved.mlirbc" % version)
    c.result("mlir/convertToBytecode", {"uri": file_uri(model), "text": view,
                                        "output": out})
    check(printed(out) == printed(model),
          "v%d: mlir-opt prints the saved model differently" % version)
    same = subprocess.run([sys.executable, os.path.join(here,
                                                        "same-weights.py"),
                           cli, model, out], stdout=subprocess.PIPE)
    check(same.returncode == 0, "v%d: %s" % (version, same.stdout))
    print("v%d: reply %d bytes, 2 placeholders, saved: printed the same, "
          "%d weights the same" % (version, size,
                                   same.stdout.count(b", same")))

# shape.const_shape wants a DenseIntElementsAttr: MLIR refuses a placeholder
# there, so that weight stays inline; the constant beside it does not.
model = os.path.join(tmp, "shape.mlirbc")
dims = ", ".join(str(i % 7 + 1) for i in range(200))
with open(os.path.join(tmp, "shape.mlir"), "w") as f:
    f.write("func.func @f() -> (tensor<200xindex>, tensor<300xf32>) {\n"
            "  %0 = shape.const_shape [" + dims + "] : tensor<200xindex>\n"
            "  %1 = arith.constant dense<[" +
            ", ".join("%d.5" % i for i in range(300)) + "]> : tensor<300xf32>\n"
            "  return %0, %1 : tensor<200xindex>, tensor<300xf32>\n}\n")
subprocess.run([mlir_opt, "--emit-bytecode", os.path.join(tmp, "shape.mlir"),
                "-o", model], check=True)
view = c.result("mlir/convertFromBytecode", {"uri": file_uri(model)})["output"]
check("shape.const_shape [1, 2, 3" in view, "const_shape:\n" + view)
check(view.count('dense_resource<"inline:') == 1, "placeholders:\n" + view)
out = os.path.join(tmp, "shape.saved.mlirbc")
c.result("mlir/convertToBytecode", {"uri": file_uri(model), "text": view,
                                    "output": out})
check(printed(out) == printed(model), "shape: printed differently")
print("shape.const_shape: inline, the constant a placeholder, saved the same")
c.shutdown()

up = Client([upstream])
reply = up.call("mlir/convertFromBytecode",
                {"uri": file_uri(os.path.join(tmp, "v6.mlirbc"))})
check("result" in reply, "upstream: %s" % reply.get("error"))
up_size = len(json.dumps(reply))
check(up_size > 500000, "upstream's reply: %d bytes" % up_size)
print("upstream mlir-lsp-server: reply %d bytes, with the hex" % up_size)
up.shutdown()
print("done")
