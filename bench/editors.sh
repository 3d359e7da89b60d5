#!/usr/bin/env bash
# Benchmark: the VS Code extension in code-server (VS Code in a browser,
# headless chromium, driven by playwright through the end-to-end test's
# harness, test/editors/e2e/harness.mjs), on a model of one dense 1 GiB f32
# weight and one of a 4 GiB weight (weight-1G.mlirbc, weight-4G.mlirbc, as
# bench/lsp.sh's diskhover scenario makes them):
#   - hover latency on the weight with its statistics not computed, p50/p95,
#     against the goal (p95 < 100 ms, statistics later): the mouse moved onto
#     the token to the frame that paints the hover's text, in the page's
#     clock; each such hover is followed by one off weights, which cancels
#     the statistics it started, so that the next is uncached again;
#   - the statistics: from the mouse to the frame that paints them in the
#     hover the extension shows again on mlirscope/statisticsReady, the
#     mouse left where it was, a fresh server each round; split, from the
#     extension host's trace of the messages, into hover -> statisticsReady
#     (the server) and statisticsReady -> the re-show's request (the
#     extension), next to what `mlirscope stats` takes alone on the file;
#   - floors: a hover off weights (@forward, from the parse) and a hover of
#     VS Code's built-in CSS extension, measured the same way (what any
#     hover costs in this editor on this machine), and the extension host's
#     round trip to mlirscope-lsp for the weight hovers (the server's part);
#   - cached hovers, open to the IR on screen, mlirscope-lsp's RSS;
#   - the same hovers with the server alone (bench/lsp.sh diskhover, over
#     stdio), in the same run.
# editor.hover.delay (VS Code's wait before it asks for a hover, 300 ms by
# default) is HOVER_DELAY, 0 by default: the figures are the latency of
# the server and the editor; a user waits the delay on top. The load average
# is printed before and after (the figures scale with it). Printed, not a test.
#
# Environment (see bench/lib.sh): BENCH_DIR, MLIRSCOPE_BUILD_DIR, TIMEOUT,
# REGENERATE, and:
#   MLIRSCOPE_LSP    our server        ($MLIRSCOPE_BUILD_DIR/bin/mlirscope-lsp)
#   MLIR_LSP         upstream server   (/usr/lib/llvm-22/bin/mlir-lsp-server)
#   HOVERS           uncached hovers per model (20)
#   STATS_RUNS       rounds of the statistics, a fresh server each (3)
#   HOVER_DELAY      editor.hover.delay in ms (0)
#   SPARSE_100G=1    also a 100 GiB sparse model (100 weights of 1 GiB, holes)
#   SERVER_ALONE=0   leave the server-alone hovers out
#   CONVERT=1        also what mlir/convertFromBytecode returns for each model
#                    from mlirscope-lsp and upstream (under ulimit -v
#                    UPSTREAM_MEM_GB, 12), each from a fresh process over
#                    stdio (minutes: upstream prints every blob)
# Needs test/editors/setup.sh's code-server, Node 24 and chromium. Screenshots
# of each model's last hover are left in $BENCH_DIR/editors-run/screenshots.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MLIRSCOPE_LSP=${MLIRSCOPE_LSP:-$build/bin/mlirscope-lsp}
MLIR_LSP=${MLIR_LSP:-/usr/lib/llvm-22/bin/mlir-lsp-server}
UPSTREAM_MEM_GB=${UPSTREAM_MEM_GB:-12}
HOVERS=${HOVERS:-20}
STATS_RUNS=${STATS_RUNS:-3}
HOVER_DELAY=${HOVER_DELAY:-0}

need_built mlirscope mlirscope-genmodel
[ -x "$MLIRSCOPE_LSP" ] || die "no mlirscope-lsp at $MLIRSCOPE_LSP"
[ -x "$MLIR_LSP" ] || die "no mlir-lsp-server at $MLIR_LSP"
command -v node >/dev/null || die "node is missing (test/editors/setup.sh)"

# Dense: the statistics read every byte (1 GiB and 4 GiB on disk).
gen weight-1G.mlirbc $((1 << 30)) --layers 1 --shape 16384x16384 --dtype f32 &&
  gen weight-4G.mlirbc $((4 << 30)) --layers 1 --shape 32768x32768 --dtype f32 ||
  die "cannot make the 1 GiB and 4 GiB weight models"
files="$BENCH_DIR/weight-1G.mlirbc $BENCH_DIR/weight-4G.mlirbc"
models="$BENCH_DIR/weight-1G.mlirbc:1,$BENCH_DIR/weight-4G.mlirbc:1"
if [ "${SPARSE_100G:-0}" = 1 ]; then
  gen editors-100g-sparse.mlirbc $((100 << 30)) --layers 100 --shape 16384x16384 --sparse ||
    die "cannot make the 100 GiB model"
  models="$models,$BENCH_DIR/editors-100g-sparse.mlirbc:100"
  files="$files $BENCH_DIR/editors-100g-sparse.mlirbc"
fi

make_tmp
note "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
note "packaging the extension"
node "$repo/editors/vscode/scripts/package.mjs" "$tmp/ext.vsix" >/dev/null || die "cannot package the extension"
note "page cache: as left by earlier runs (the statistics read the weights through it)"
node "$repo/bench/editors.mjs" --vsix "$tmp/ext.vsix" --lsp "$MLIRSCOPE_LSP" --cli "$MLIRSCOPE" \
  --upstream "$MLIR_LSP" --upstream-mem-gb "$UPSTREAM_MEM_GB" --out "$BENCH_DIR/editors-run" \
  --models "$models" --hovers "$HOVERS" --stats-runs "$STATS_RUNS" --hover-delay "$HOVER_DELAY" \
  --convert "${CONVERT:-0}" --timeout "$TIMEOUT" || die "the code-server part failed"
note "load average after code-server: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${SERVER_ALONE:-1}" = 1 ]; then
  echo
  echo "The server alone (bench/lsp.sh diskhover: mlirscope-lsp over stdio, the same files, $HOVERS hovers):"
  LSP_SCENARIOS=diskhover LSP_DISK_FILES="$files" HOVER_RUNS="$HOVERS" MLIRSCOPE_LSP="$MLIRSCOPE_LSP" \
    bash "$repo/bench/lsp.sh" | sed -n '/^text models from disk/,$p'
  note "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
