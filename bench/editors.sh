#!/usr/bin/env bash
# Benchmark: the VS Code extension in code-server (VS Code in a browser,
# headless chromium, driven by playwright through the end-to-end test's
# harness, test/editors/e2e/harness.mjs), on a 4 GiB and a 100 GiB sparse
# .mlirbc (holes read as zeros):
#   - time from Quick Open's Enter to the elided IR on screen;
#   - hover latency on a weight, p50/p95, with statistics not yet computed
#     (each weight's first hover) and cached (the same weights again);
#   - mlirscope-lsp's RSS after opening and its peak after the hovers, against
#     the file's size (a fresh server per model);
#   - what upstream's path would have sent: the characters of
#     `mlir/convertFromBytecode` from mlir-lsp-server on the same file (or how
#     it failed), next to mlirscope-lsp's, each from a fresh process over stdio.
# Printed, not a test.
#
# Environment (see bench/lib.sh): BENCH_DIR, MLIRSCOPE_BUILD_DIR, TIMEOUT,
# REGENERATE, and:
#   MLIRSCOPE_LSP    our server        ($MLIRSCOPE_BUILD_DIR/bin/mlirscope-lsp)
#   MLIR_LSP         upstream server   (/usr/lib/llvm-22/bin/mlir-lsp-server)
#   UPSTREAM_MEM_GB  address-space limit (ulimit -v) for upstream (12)
#   HOVERS           weights hovered per model (20; at most its layers)
#   SKIP_100G=1      leave the 100 GiB model out
# Needs test/editors/setup.sh's code-server, Node 24 and chromium. Screenshots
# of each model's last hover are left in $BENCH_DIR/editors-run/screenshots.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MLIRSCOPE_LSP=${MLIRSCOPE_LSP:-$build/bin/mlirscope-lsp}
MLIR_LSP=${MLIR_LSP:-/usr/lib/llvm-22/bin/mlir-lsp-server}
UPSTREAM_MEM_GB=${UPSTREAM_MEM_GB:-12}
HOVERS=${HOVERS:-20}

need_built mlirscope mlirscope-genmodel
[ -x "$MLIRSCOPE_LSP" ] || die "no mlirscope-lsp at $MLIRSCOPE_LSP"
[ -x "$MLIR_LSP" ] || die "no mlir-lsp-server at $MLIR_LSP"
command -v node >/dev/null || die "node is missing (test/editors/setup.sh)"

# Sparse: 1 GiB weights of holes, a few MiB on disk each model.
gen editors-4g-sparse.mlirbc $((4 << 30)) --layers 4 --shape 16384x16384 --sparse ||
  die "cannot make the 4 GiB model"
models="$BENCH_DIR/editors-4g-sparse.mlirbc:4"
if [ "${SKIP_100G:-0}" != 1 ]; then
  gen editors-100g-sparse.mlirbc $((100 << 30)) --layers 100 --shape 16384x16384 --sparse ||
    die "cannot make the 100 GiB model"
  models="$models,$BENCH_DIR/editors-100g-sparse.mlirbc:100"
fi

make_tmp
note "packaging the extension"
node "$repo/editors/vscode/scripts/package.mjs" "$tmp/ext.vsix" >/dev/null || die "cannot package the extension"
note "page cache: warm (the models are sparse: their blobs are holes)"
node "$repo/bench/editors.mjs" --vsix "$tmp/ext.vsix" --lsp "$MLIRSCOPE_LSP" --cli "$MLIRSCOPE" \
  --upstream "$MLIR_LSP" --upstream-mem-gb "$UPSTREAM_MEM_GB" --out "$BENCH_DIR/editors-run" \
  --models "$models" --hovers "$HOVERS" --timeout "$TIMEOUT"
