"""Drives mlirscope-lsp over the corpus's inline and parameter weights.

Usage: check-weights.py MLIRSCOPE_LSP CORPUS_DIR TMP_DIR

- stablehlo-testdata: a hover on an inline hex literal (inside the hex and
  on its type), its values checked against a decode of the hex here; inlay
  hints after the large literals of the fft file, a tensorPreview of one by
  name (its min and max checked against the hex) and its export as .npy
  (its data the hex's bytes).
- iree-parameters/tools-test: parameters_scoped.mlir opened where it is, its
  archives beside it bound by their keys: hover (values a0 = 0,1,2,3, as the
  file's RUN lines expect), go-to-definition to the key in the safetensors
  header (its line and column computed here), a preview by parameter name.
  A copy elsewhere binds through the `parameters` setting, first from
  initializationOptions, then from workspace/didChangeConfiguration.
- irpa (a data and a splat entry) and gguf archives through the setting;
  their definitions are the files' start (binary records).
- Auto-binding: an archive under any name binds to the scope whose keys it
  holds most; one holding keys of two scopes equally is not bound, with a
  warning; a key its scope's archive lacks is a warning.
"""
import json
import os
import re
import shutil
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Client, check, fail, file_uri  # noqa: E402

lsp, corpus, tmp = sys.argv[1:4]


def corpus_file(rel):
    path = os.path.join(corpus, rel)
    if not os.path.exists(path):
        sys.exit("corpus file missing: %s" % path)
    return path


def hover(client, uri, line, character):
    # A weight over 4 MiB (key3) gets its statistics in the background.
    result = client.hover_with_statistics(uri, line, character)
    check(result is not None, "no hover at %d:%d" % (line, character))
    return result


def first_values(markdown):
    m = re.search(r"first: `([^`]*)`", markdown)
    check(m is not None, "no first values in: " + markdown)
    return [float(v) for v in m.group(1).split(", ") if v != "..."]


def table_min_max(markdown):
    m = re.search(r"\| min \| max \| mean \| std \|\n\|---\|---\|---\|---\|\n"
                  r"\| (\S+) \| (\S+) \|", markdown)
    check(m is not None, "no statistics in: " + markdown)
    return float(m.group(1)), float(m.group(2))


def close(a, b, rel=1e-5):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def bf16(hexdigits):
    raw = bytes.fromhex(hexdigits)
    return [struct.unpack("<f", b"\0\0" + raw[i:i + 2])[0]
            for i in range(0, len(raw), 2)]


def f32(hexdigits):
    raw = bytes.fromhex(hexdigits)
    return list(struct.unpack("<%df" % (len(raw) // 4), raw))


client = Client([lsp, "-sync"])

# --- An inline hex literal (bf16).
path = corpus_file("stablehlo-testdata/abs_bfloat16_20_20.mlir")
text = open(path).read()
uri = file_uri(path)
client.open_text(uri, text)
lines = text.split("\n")
line = next(i for i, l in enumerate(lines) if 'dense<"0x' in l)
start = lines[line].index('dense<"0x')
digits = lines[line][start + 9:lines[line].index('"', start + 9)]
expected = bf16(digits)
for where, character in (("in the hex", start + 9 + len(digits) // 2),
                         ("on the type", lines[line].index("tensor<", start) + 3)):
    h = hover(client, uri, line, character)
    md = h["contents"]["value"]
    name = re.search(r"\*\*inline weight\*\* `([^`]*)`", md).group(1)
    offset = int(re.search(r"file offset (\d+)", md).group(1))
    check(text.encode()[offset:offset + 8].decode() == digits[:8],
          "file offset %d is not the hex's" % offset)
    got = first_values(md)
    check(len(got) == 8 and all(close(a, b, 1e-2)
                                for a, b in zip(got, expected)),
          "first values %s, the hex holds %s" % (got, expected[:8]))
    lo, hi = table_min_max(md)
    check(close(lo, min(expected)) and close(hi, max(expected)),
          "min/max %s %s, the hex's %s %s" % (lo, hi, min(expected),
                                              max(expected)))
    r = h["range"]
    check(r["start"] == {"line": line, "character": start},
          "range starts at %s" % r["start"])
    print("bf16 hover %s: %s, %s, %s, first 8 values, min and max as the hex"
          % (where, name,
             re.search(r"dtype: `[^`]*`, shape: `[^`]*`", md).group(0),
             re.search(r"bytes: \d+", md).group(0)))

# --- The fft file: inlay hints after its two large literals, a preview.
path = corpus_file("stablehlo-testdata/fft_float32_14_15_16_17.mlir")
text = open(path).read()
uri = file_uri(path)
client.open_text(uri, text)
lines = text.split("\n")
hints = client.result("textDocument/inlayHint", {
    "textDocument": {"uri": uri},
    "range": {"start": {"line": 0, "character": 0},
              "end": {"line": len(lines), "character": 0}}})
for h in hints:
    p = h["position"]
    before = lines[p["line"]][:p["character"]]
    print("fft hint: %s after the literal's closing '\">': %s"
          % (h["label"], before.endswith('">')))
preview = client.result("mlirscope/tensorPreview", {
    "uri": uri, "key": "@inputs/stablehlo.constant#0", "maxCells": 4})
line = next(i for i, l in enumerate(lines) if 'dense<"0x' in l)
start = lines[line].index('dense<"0x') + 9
values = f32(lines[line][start:lines[line].index('"', start)])
s = preview["stats"]
check(s["count"] == len(values), "count %d of %d" % (s["count"], len(values)))
check(close(s["min"], min(values)) and close(s["max"], max(values)),
      "preview min/max %s %s, the hex's %s %s" % (s["min"], s["max"],
                                                  min(values), max(values)))
print("fft preview: %s %s %s, %d values, min and max as the hex"
      % (preview["kind"], preview["dtype"], preview["shape"], s["count"]))
os.makedirs(tmp, exist_ok=True)
npy = os.path.join(tmp, "inputs.npy")
exported = client.result("mlirscope/exportResource", {
    "uri": uri, "key": "@inputs/stablehlo.constant#0", "path": npy})
raw = open(npy, "rb").read()
header_length = struct.unpack("<H", raw[8:10])[0]
header = raw[10:10 + header_length].decode()
data = raw[10 + header_length:]
check(exported["bytes"] == len(raw), "reply says %d bytes, the file has %d"
      % (exported["bytes"], len(raw)))
check(data == bytes.fromhex(lines[line][start:lines[line].index('"', start)]),
      "the .npy data is not the hex's bytes")
print("fft export: %s, data = the hex's bytes"
      % re.sub(r"\s+", " ", header.strip()))

# --- Parameters, with the archives beside the model.
tools = "iree-parameters/tools-test/"
path = corpus_file(tools + "parameters_scoped.mlir")
archive_a = corpus_file(tools + "parameters_a.safetensors")
archive_b = corpus_file(tools + "parameters_b.safetensors")
text = open(path).read()
uri = file_uri(path)
client.open_text(uri, text)
lines = text.split("\n")


def key_position(key):
    line = next(i for i, l in enumerate(lines) if '"%s">' % key in l)
    return line, lines[line].index('"%s">' % key) + 1


def parameter_hover(client, uri, key):
    line, character = key_position(key)
    md = hover(client, uri, line, character)["contents"]["value"]
    archive = re.search(r"archive: `([^`]*)`", md)
    where = os.path.basename(archive.group(1)) if archive else "no archive"
    first = re.search(r"first: `[^`]*`", md)
    bound = re.search(r"\*\*not bound:\*\* [^(]*", md)
    mismatch = re.search(r"\*\*size mismatch:\*\* [^\n]*", md)
    return "%s: %s, %s%s" % (
        re.search(r"\*\*parameter\*\* `([^`]*)`", md).group(1), where,
        first.group(0) if first else bound.group(0).strip() if bound
        else "no values",
        ", " + mismatch.group(0) if mismatch else "")


for key in ("a0", "a1", "b0", "b1"):
    print("beside: " + parameter_hover(client, uri, key))
status = [n["params"] for n in client.notifications
          if n["method"] == "mlirscope/fileStatus"
          and n["params"]["uri"] == uri and n["params"]["state"] == "indexed"]
print("status: " + status[-1]["detail"])
diagnostics = [n["params"] for n in client.notifications
               if n["method"] == "textDocument/publishDiagnostics"
               and n["params"]["uri"] == uri]
for d in diagnostics[-1]["diagnostics"]:
    if d["source"] == "mlirscope":
        print("warning line %d: %s" % (d["range"]["start"]["line"],
                                        d["message"]))

# The definition: the key's opening quote in the safetensors header, at the
# line and column an editor shows (the header is JSON after 8 length bytes).
line, character = key_position("a0")
locations = client.result("textDocument/definition", {
    "textDocument": {"uri": uri},
    "position": {"line": line, "character": character}})
raw = open(archive_a, "rb").read()
header_length = struct.unpack("<Q", raw[:8])[0]
at = 8 + raw[8:8 + header_length].index(b'"a0"')
prefix = raw[:at].decode("utf-8", "replace")
want = {"line": prefix.count("\n"),
        "character": len(prefix) - (prefix.rfind("\n") + 1)}
check(len(locations) == 1, "definitions: %s" % locations)
loc = locations[0]
check(loc["uri"] == file_uri(archive_a), "definition in %s" % loc["uri"])
check(loc["range"]["start"] == want,
      "definition at %s, the key is at %s" % (loc["range"]["start"], want))
print("definition of a0: %s line %d character %d, the key in its header"
      % (os.path.basename(loc["uri"]), want["line"], want["character"]))

summary = client.result("mlirscope/summary", {"uri": uri})["weights"]
print("summary: %s, archives %s, unbound %s" % (
    json.dumps(summary["by_kind"], sort_keys=True),
    [(a.get("scope"), os.path.basename(a.get("path", "")))
     for a in summary["archives"]], summary["unbound_parameters"]))
preview = client.result("mlirscope/tensorPreview", {"uri": uri, "key": "a::a1"})
print("preview a::a1: %s %s min %s max %s archive %s" % (
    preview["kind"], preview["dtype"], preview["stats"]["min"],
    preview["stats"]["max"], os.path.basename(preview["archive"])))
client.shutdown()

# --- A copy with no archive beside it: the `parameters` setting binds.
os.makedirs(tmp, exist_ok=True)
copy = os.path.join(tmp, "parameters_scoped.mlir")
shutil.copy(path, copy)
uri = file_uri(copy)
client = Client([lsp, "-sync"], init_options={"parameters": ["a=" + archive_a]})
client.open_text(uri, text)
for key in ("a0", "b0"):
    print("initializationOptions: " + parameter_hover(client, uri, key))
client.notify("workspace/didChangeConfiguration", {"settings": {"mlirscope": {
    "parameters": ["a=" + archive_a, "b=" + archive_b]}}})
for key in ("a0", "b0"):
    print("didChangeConfiguration: " + parameter_hover(client, uri, key))
# The same archives again (clients send every setting on each change): the
# document is not indexed again.
def parses():
    return sum(1 for n in client.notifications
               if n["method"] == "mlirscope/fileStatus"
               and n["params"]["uri"] == uri
               and n["params"]["state"] == "indexed")


before = parses()
client.notify("workspace/didChangeConfiguration", {"settings": {"mlirscope": {
    "parameters": ["a=" + archive_a, "b=" + archive_b],
    "hoverStatistics": True}}})
parameter_hover(client, uri, "a0")
print("same setting again: %d parses" % (parses() - before))
# A setting naming an archive that is not there: a warning, the rest bound.
client.notify("workspace/didChangeConfiguration", {"settings": {"mlirscope": {
    "parameters": ["a=" + archive_a, "b=nothere.irpa"]}}})
# (The hover's reply comes after the diagnostics of the new index.)
print("missing archive: " + parameter_hover(client, uri, "a0"))
diagnostics = [n["params"] for n in client.notifications
               if n["method"] == "textDocument/publishDiagnostics"]
warnings = [d["message"] for d in diagnostics[-1]["diagnostics"]
            if d["source"] == "mlirscope"]
print("missing archive: %s" % [w.replace(tmp, "TMP") for w in warnings])
client.shutdown()

# --- irpa (data and splat entries) and gguf archives by the setting; their
# entries are binary records: go-to-definition gives the file's start.
irpa = corpus_file("iree-parameters/irpa/mixed.irpa")
gguf = corpus_file("iree-parameters/gguf/multiple.gguf")
other = os.path.join(tmp, "archives")
os.makedirs(other, exist_ok=True)
model = os.path.join(other, "model.mlir")
text = ('util.global private @k0 = #stream.parameter.named<"m"::"key0"> : '
        'tensor<4xf32>\n'
        'util.global private @k3 = #stream.parameter.named<"m"::"key3"> : '
        'tensor<4096x1024xi64>\n'
        'util.global private @t2 = #flow.parameter.named<"g"::"tensor2"> : '
        'tensor<4x3xf32>\n')
open(model, "w").write(text)
client = Client([lsp, "-sync"],
                init_options={"parameters": ["m=" + irpa, "g=" + gguf]})
uri = file_uri(model)
client.open_text(uri, text)
lines = text.split("\n")
for line, key in ((0, "key0"), (1, "key3"), (2, "tensor2")):
    character = lines[line].index('"%s">' % key) + 1
    md = hover(client, uri, line, character)["contents"]["value"]
    facts = [m.group(0) for m in re.finditer(
        r"(?m)^- bytes: \d+|first: `[^`]*`|splat: [^\n]*|archive type: [^\n]*", md)]
    locations = client.result("textDocument/definition", {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character}})
    check(len(locations) == 1, "definitions: %s" % locations)
    print("%s: %s; definition %s %d:%d" % (
        key, "; ".join(facts), os.path.basename(locations[0]["uri"]),
        locations[0]["range"]["start"]["line"],
        locations[0]["range"]["start"]["character"]))
client.shutdown()

# --- Auto-binding by keys: an archive under any name binds to the scope
# whose keys it holds; one holding as many keys of two scopes is left out.
beside = os.path.join(tmp, "beside")
os.makedirs(beside, exist_ok=True)
shutil.copy(archive_a, os.path.join(beside, "weights.safetensors"))
model = os.path.join(beside, "model.mlir")
text = ('util.global private @x0 = #stream.parameter.named<"x"::"a0"> : '
        'tensor<4xi64>\n'
        'util.global private @x1 = #stream.parameter.named<"x"::"a1"> : '
        'tensor<4xi64>\n'
        'util.global private @y0 = #stream.parameter.named<"y"::"a0"> : '
        'tensor<4xi64>\n'
        'util.global private @x2 = #stream.parameter.named<"x"::"nope"> : '
        'tensor<4xi64>\n')
open(model, "w").write(text)
client = Client([lsp, "-sync"])
uri = file_uri(model)
client.open_text(uri, text)
lines = text.split("\n")
for key in ("a0", "a1"):
    line = 0 if key == "a0" else 1
    md = hover(client, uri, line, lines[line].index('"%s">' % key) + 1)
    md = md["contents"]["value"]
    print("by keys: %s in %s" % (
        re.search(r"\*\*parameter\*\* `([^`]*)`", md).group(1),
        os.path.basename(re.search(r"archive: `([^`]*)`", md).group(1))))
md = hover(client, uri, 2, lines[2].index('"a0">') + 1)["contents"]["value"]
print("by keys: y::a0 %s" % ("not bound" if "**not bound:**" in md
                             else "bound"))
diagnostics = [n["params"] for n in client.notifications
               if n["method"] == "textDocument/publishDiagnostics"]
print("by keys: %s" % [d["message"] for d in diagnostics[-1]["diagnostics"]
                       if d["source"] == "mlirscope"])
# Both scopes hold a0 once: the same archive, ambiguous.
text2 = text.replace('"x"::"a1"', '"z"::"other"')
client.notify("textDocument/didChange", {
    "textDocument": {"uri": uri, "version": 2},
    "contentChanges": [{"text": text2}]})
md = hover(client, uri, 0, lines[0].index('"a0">') + 1)["contents"]["value"]
diagnostics = [n["params"] for n in client.notifications
               if n["method"] == "textDocument/publishDiagnostics"]
warnings = [d["message"] for d in diagnostics[-1]["diagnostics"]
            if d["source"] == "mlirscope"]
print("ambiguous: x::a0 %s; %s" % (
    "not bound" if "**not bound:**" in md else "bound",
    [w.replace(tmp, "TMP") for w in warnings]))
client.shutdown()
print("done")
