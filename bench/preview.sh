#!/usr/bin/env bash
# Benchmark: the tensor preview's first paint in mlirscope-lsp. On the elided
# view of sparse generated models (1 GiB and 4 GiB f32 weights, holes: no
# disk blocks), each weight uncached:
#   quick   mlirscope/tensorPreview with quick: true (metadata, the first
#           16x16 values; what the VS Code extension paints first)
#   full    the same without quick (statistics, histogram, heatmap: one pass
#           over the blob; what the extension paints next)
#   stats   a hover on another uncached weight: the hover's reply, then
#           $/progress begin of its background statistics (created after
#           300 ms) and mlirscope/statisticsReady
# Prints p50/p95 over REPEAT runs (quick on every run; full and stats once
# per weight, on fresh weights), in milliseconds.
#
# Environment: as bench/lib.sh, and
#   LSP        mlirscope-lsp binary   ($build/bin/mlirscope-lsp)
#   PYTHON     /usr/bin/python3
#   REPEAT     quick requests per model (20)
: "${REPEAT:=20}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LSP=${LSP:-$build/bin/mlirscope-lsp}
PYTHON=${PYTHON:-/usr/bin/python3}
need_built mlirscope-genmodel
[ -x "$LSP" ] || die "no mlirscope-lsp at $LSP (set LSP or MLIRSCOPE_BUILD_DIR)"
gen preview-1g.mlirbc $((3 << 30)) --layers 3 --shape 16384x16384 --dtype f32 --sparse || exit 1
gen preview-4g.mlirbc $((12 << 30)) --layers 3 --shape 32768x32768 --dtype f32 --sparse || exit 1
note "server: $LSP"
for model in "$BENCH_DIR"/preview-1g.mlirbc "$BENCH_DIR"/preview-4g.mlirbc; do
  PYTHONPATH=$repo/test/lsp/Inputs "$PYTHON" - "$LSP" "$model" "$REPEAT" <<'PY' || exit 1
import os, statistics, sys, time
from lspclient import Client, bytecode_uri

lsp, model, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = Client([lsp, "-log=error"], capabilities={"window": {"workDoneProgress": True}})
uri = bytecode_uri(model)
view = c.result("mlir/convertFromBytecode", {"uri": uri})["output"]
c.open_text(uri, view)
c.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, 60)

def ms(f):
    t = time.monotonic()
    r = f()
    return (time.monotonic() - t) * 1000, r

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

preview = lambda key, quick: c.result("mlirscope/tensorPreview",
                                      {"uri": uri, "key": key, "quick": quick})
quick = [ms(lambda: preview("layer0.weight", True))[0] for _ in range(repeat)]
full, r = ms(lambda: preview("layer0.weight", False))
assert "stats" in r and "heatmap" in r
at = view.index("dense_resource<layer1.weight") + len("dense_resource<") + 1
pos = {"line": view.count("\n", 0, at), "character": at - (view.rfind("\n", 0, at) + 1)}
mark = len(c.notifications)
t0 = time.monotonic()
c.result("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
hover = (time.monotonic() - t0) * 1000
c.wait_notification("mlirscope/statisticsReady", lambda p: p["name"] == "layer1.weight", 300, after=mark)
ready = (time.monotonic() - t0) * 1000
begins = [n for n in c.notifications[mark:] if n["method"] == "$/progress"
          and n["params"]["value"]["kind"] == "begin"]
name = os.path.basename(model)
print("%s: quick preview p50 %.1f ms p95 %.1f ms (%d runs); full preview %.0f ms; "
      "hover %.1f ms, $/progress begin %s, statisticsReady %.0f ms"
      % (name, pct(quick, 50), pct(quick, 95), repeat, full, hover,
         "yes" if begins else "no", ready))
c.shutdown()
PY
done
