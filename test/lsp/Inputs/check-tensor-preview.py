"""mlirscope/tensorPreview against `mlirscope stats` and a recomputation.

    python check-tensor-preview.py SERVER CLI GENMODEL TMP

Generates small models (rank 0, 1, 3, a 300x200 one pooled into few cells,
bf16), asks the server for previews (bytecode views and a synced text
document with NaN and infinities), decodes the base64 heatmap and checks:
the default axes and fixed indices per rank, statistics and histogram equal
to `mlirscope stats --json --bins N`, statistics and every heatmap cell
(mean of its finite elements, NaN/Inf flags) equal to a recomputation from
the blob's bytes in plain Python, and the errors (unknown key, bad axes or
indices, a dtype the server cannot read, a URI it does not hold).
"""
import base64
import json
import math
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, file_uri, bytecode_uri  # noqa

server, cli, genmodel, tmp = sys.argv[1:5]
os.makedirs(tmp, exist_ok=True)


def close(a, b, rel=1e-6):
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def gen(name, shape, dtype="f32", seed=1):
    path = os.path.join(tmp, name + ".mlirbc")
    subprocess.run([genmodel, "-o", path, "--shape", shape, "--dtype", dtype,
                    "--seed", str(seed)], check=True)
    return path


def values_of(path, result):
    """The blob's elements, decoded in Python from the file's bytes."""
    with open(path, "rb") as f:
        f.seek(result["offset"])
        raw = f.read(result["bytes"])
    if result["dtype"] == "f32":
        return list(struct.unpack("<%df" % (len(raw) // 4), raw))
    if result["dtype"] == "bf16":
        bits = struct.unpack("<%dH" % (len(raw) // 2), raw)
        return [struct.unpack("<f", struct.pack("<I", b << 16))[0]
                for b in bits]
    fail("no decoder for " + result["dtype"])


def check_stats(what, result, values):
    finite = [v for v in values if math.isfinite(v)]
    s = result["stats"]
    check(s["count"] == len(values), what + ": count")
    check(s["finite"] == len(finite), what + ": finite")
    check(s["zeros"] == sum(1 for v in values if v == 0), what + ": zeros")
    check(s["nans"] == sum(1 for v in values if math.isnan(v)), what + ": nans")
    check(s["posInfs"] == sum(1 for v in values if v == math.inf),
          what + ": +inf")
    check(s["negInfs"] == sum(1 for v in values if v == -math.inf),
          what + ": -inf")
    if not finite:
        for k in ("min", "max", "mean", "stddev"):
            check(s[k] is None, what + ": %s should be null" % k)
        return
    mean = sum(finite) / len(finite)
    std = math.sqrt(sum((v - mean) ** 2 for v in finite) / len(finite))
    for k, want in (("min", min(finite)), ("max", max(finite)),
                    ("mean", mean), ("stddev", std)):
        check(close(s[k], want), "%s: %s %s, recomputed %s" %
              (what, k, s[k], want))
    h = result["histogram"]
    check(h["lo"] == s["min"] and h["hi"] == s["max"],
          what + ": histogram range")
    check(sum(h["counts"]) == len(finite), what + ": histogram total")


def check_heatmap(what, result, values, max_cells):
    h = result["heatmap"]
    shape = result["shape"]
    rank = len(shape)
    row_axis, col_axis, fixed = h["rowAxis"], h["colAxis"], h["fixed"]
    check(len(fixed) == rank, what + ": fixed per axis")
    rows = shape[row_axis] if row_axis >= 0 else 1
    cols = shape[col_axis] if col_axis >= 0 else 1
    rpc, cpc = h["rowsPerCell"], h["colsPerCell"]
    check(h["height"] == -(-rows // rpc) and h["width"] == -(-cols // cpc),
          what + ": %dx%d cells for %dx%d by %dx%d" %
          (h["height"], h["width"], rows, cols, rpc, cpc))
    check(h["width"] <= max_cells and h["height"] <= max_cells,
          what + ": more than maxCells cells")
    means = struct.unpack("<%df" % (h["width"] * h["height"]),
                          base64.b64decode(h["mean"]))
    flags = base64.b64decode(h["flags"])
    check(len(flags) == h["width"] * h["height"], what + ": flags size")
    stride = [1] * rank
    for i in range(rank - 2, -1, -1):
        stride[i] = stride[i + 1] * shape[i + 1]
    base = sum(fixed[i] * stride[i] for i in range(rank)
               if i not in (row_axis, col_axis))
    rs = stride[row_axis] if row_axis >= 0 else 0
    cs = stride[col_axis] if col_axis >= 0 else 0
    all_finite = []
    for ci in range(h["height"]):
        for cj in range(h["width"]):
            cell = [values[base + i * rs + j * cs]
                    for i in range(ci * rpc, min((ci + 1) * rpc, rows))
                    for j in range(cj * cpc, min((cj + 1) * cpc, cols))]
            finite = [v for v in cell if math.isfinite(v)]
            all_finite += finite
            got = means[ci * h["width"] + cj]
            want = sum(finite) / len(finite) if finite else math.nan
            check(close(got, want, 1e-5), "%s: cell (%d,%d) mean %s, "
                  "recomputed %s" % (what, ci, cj, got, want))
            flag = ((1 if any(math.isnan(v) for v in cell) else 0) |
                    (2 if math.inf in cell else 0) |
                    (4 if -math.inf in cell else 0))
            check(flags[ci * h["width"] + cj] == flag,
                  "%s: cell (%d,%d) flags %d, recomputed %d" %
                  (what, ci, cj, flags[ci * h["width"] + cj], flag))
    if all_finite:
        check(close(h["lo"], min(all_finite)) and
              close(h["hi"], max(all_finite)) and
              close(h["absMax"], max(abs(v) for v in all_finite)),
              what + ": heatmap lo/hi/absMax")
    else:
        check(h["lo"] is None and h["hi"] is None and h["absMax"] is None,
              what + ": heatmap range of nothing finite should be null")


def against_cli(what, path, key, result, bins):
    out = subprocess.run([cli, "stats", "--json", "--bins", str(bins), path,
                          key], check=True, stdout=subprocess.PIPE).stdout
    want = json.loads(out)[0]
    s = result["stats"]
    for mine, theirs in (("count", "elements"), ("finite", "finite"),
                         ("zeros", "zeros"), ("nans", "nan"),
                         ("posInfs", "pos_inf"), ("negInfs", "neg_inf")):
        check(s[mine] == want[theirs], "%s: %s %s, stats says %s" %
              (what, mine, s[mine], want[theirs]))
    for mine, theirs in (("min", "min"), ("max", "max"), ("mean", "mean"),
                         ("stddev", "std")):
        check(close(s[mine], want[theirs], 1e-12), "%s: %s %s, stats says %s"
              % (what, mine, s[mine], want[theirs]))
    check(result["histogram"]["counts"] == want["histogram"],
          what + ": histogram differs from mlirscope stats")
    check(result["shape"] == want["shape"] and
          result["bytes"] == want["bytes"] and
          result["dtype"] == want["dtype"], what + ": shape/bytes/dtype")


c = Client([server, "-log=error"])


def preview(path, key="layer0.weight", **params):
    params.update({"uri": bytecode_uri(path), "key": key})
    return c.result("mlirscope/tensorPreview", params)


def case(what, path, max_cells=256, bins=64, **params):
    if max_cells != 256:
        params["maxCells"] = max_cells
    if bins != 64:
        params["bins"] = bins
    r = preview(path, **params)
    values = values_of(path, r)
    check_stats(what, r, values)
    check_heatmap(what, r, values, max_cells)
    against_cli(what, path, "layer0.weight", r, bins)
    h = r["heatmap"]
    print("%s: %s %s axes (%d, %d) fixed %s, %dx%d cells of %dx%d" %
          (what, r["dtype"], "x".join(map(str, r["shape"])) or "scalar",
           h["rowAxis"], h["colAxis"], h["fixed"], h["height"], h["width"],
           h["rowsPerCell"], h["colsPerCell"]))
    return r


models = {
    "r0": gen("r0", "scalar"),
    "r1": gen("r1", "37"),
    "r3": gen("r3", "3x5x7"),
    "big": gen("big", "300x200", seed=7),
    "bf16": gen("bf16", "8x8", "bf16"),
}
for path in models.values():
    c.result("mlir/convertFromBytecode", {"uri": bytecode_uri(path)})

r = case("rank 0", models["r0"])
check(r["chunk"] is None and r["key"] == "layer0.weight", "key and chunk")
case("rank 1", models["r1"])
case("rank 1, 5 cells", models["r1"], max_cells=5)
case("rank 3", models["r3"])
case("rank 3, fixed", models["r3"], fixed=[2, 0, 0])
case("rank 3, axes 0 and 2", models["r3"], rowAxis=0, colAxis=2,
     fixed=[0, 3, 0])
case("300x200 in 16 cells", models["big"], max_cells=16, bins=10)
case("bf16", models["bf16"])
r = preview(models["r1"], maxCells=100000)
check(r["heatmap"]["width"] == 37, "maxCells is clamped to 2048")
r = preview(models["r1"], maxCells=0)
check(r["heatmap"]["width"] == 1, "maxCells is clamped to 1")
print("maxCells clamped")

# Progress on the client's token, a number here.
r = c.result("mlirscope/tensorPreview", {
    "uri": bytecode_uri(models["big"]), "key": "layer0.weight",
    "workDoneToken": 7})
values = c.progress(7)
check(values and values[0]["kind"] == "begin" and values[-1]["kind"] == "end",
      "progress: begin ... end, got %s" % values)
percents = [v["percentage"] for v in values if v["kind"] == "report"]
check(percents == sorted(percents) and all(0 < p <= 100 for p in percents),
      "progress percentages %s" % percents)
print("progress: begin, %d reports, end" % len(percents))

# A synced text document: NaN and infinities, and an all-NaN tensor.
nan, inf = struct.unpack("<f", bytes.fromhex("0000C07F"))[0], math.inf
special = [1.0, nan, inf, -inf, 0.0, -2.0]
text_path = os.path.join(tmp, "special.mlir")
text = ("func.func @f() -> (tensor<2x3xf32>, tensor<2xf32>, tensor<2xi4>) {\n"
        "  %a = arith.constant dense_resource<special> : tensor<2x3xf32>\n"
        "  %b = arith.constant dense_resource<nans> : tensor<2xf32>\n"
        "  %c = arith.constant dense_resource<nibbles> : tensor<2xi4>\n"
        "  return %a, %b, %c : tensor<2x3xf32>, tensor<2xf32>, tensor<2xi4>\n"
        "}\n{-#\n  dialect_resources: {\n    builtin: {\n"
        "      special: \"0x04000000SPECIAL\",\n"
        "      nans: \"0x040000000000C07F0000C07F\",\n"
        "      nibbles: \"0x010000000102\"\n"
        "    }\n  }\n#-}\n").replace(
            "SPECIAL", struct.pack("<6f", *special).hex().upper())
c.open_text(file_uri(text_path), text)
uri = file_uri(text_path)
r = c.result("mlirscope/tensorPreview", {"uri": uri, "key": "special"})
check_stats("special values", r, special)
check_heatmap("special values", r, special, 256)
check(r["chunk"] == 1, "a text document's chunk is 1")
print("special values: flags %s" % list(base64.b64decode(r["heatmap"]["flags"])))
r = c.result("mlirscope/tensorPreview",
             {"uri": uri, "key": "special", "maxCells": 1})
check_heatmap("special values, one cell", r, special, 1)
print("one cell: flags %d mean %.4f" % (
    base64.b64decode(r["heatmap"]["flags"])[0],
    struct.unpack("<f", base64.b64decode(r["heatmap"]["mean"]))[0]))
r = c.result("mlirscope/tensorPreview", {"uri": uri, "key": "nans"})
check_stats("all NaN", r, [nan, nan])
check_heatmap("all NaN", r, [nan, nan], 256)
check(r["histogram"]["lo"] is None and r["histogram"]["hi"] is None,
      "all NaN: histogram range null")
print("all NaN: min %s max %s" % (r["stats"]["min"], r["stats"]["max"]))

# Errors: one line each.
for what, params in (
        ("unknown key", {"uri": uri, "key": "nope"}),
        ("unknown uri", {"uri": file_uri(os.path.join(tmp, "none.mlir")),
                         "key": "special"}),
        ("rowAxis out of range", {"uri": bytecode_uri(models["r3"]),
                                  "key": "layer0.weight", "rowAxis": 5}),
        ("same axes", {"uri": bytecode_uri(models["r3"]),
                       "key": "layer0.weight", "rowAxis": 1, "colAxis": 1}),
        ("fixed of the wrong rank", {"uri": bytecode_uri(models["r3"]),
                                     "key": "layer0.weight",
                                     "fixed": [0, 0]}),
        ("fixed out of range", {"uri": bytecode_uri(models["r3"]),
                                "key": "layer0.weight", "fixed": [3, 0, 0]}),
        ("unreadable dtype", {"uri": uri, "key": "nibbles"})):
    e = c.error("mlirscope/tensorPreview", params)
    check("\n" not in e["message"], what + ": a one-line message")
    print("%s: %d %s" % (what, e["code"], e["message"]))
c.shutdown()
print("done")
