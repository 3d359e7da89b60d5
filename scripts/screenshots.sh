#!/usr/bin/env bash
# Makes the README's screenshots the way the tests drive the programs:
#   - mlirscope-view (docs/images/viewer-*.png): a generated transformer, a
#     --script of UI actions, on its own Xvfb display with Mesa's software
#     OpenGL;
#   - with --vscode, the VS Code extension instead (docs/images/vscode-*.png:
#     the hover, the Model view, the tensor preview, a parameter's hover):
#     the end-to-end test in code-server (test/editors/e2e/e2e.mjs --images),
#     which needs test/editors/setup.sh's packages and the corpus.
#
#   scripts/screenshots.sh [--vscode]   (after scripts/dev.sh example)
#
# MLIRSCOPE_BUILD_DIR picks the build (default ./build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${MLIRSCOPE_BUILD_DIR:-$ROOT/build}"
OUT="$ROOT/docs/images"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

if [ "${1:-}" = --vscode ]; then
  # The corpus (shared/corpus beside the repository, as CMake's
  # MLIRSCOPE_CORPUS_DIR) holds the IREE model whose parameter hover is shown.
  CORPUS="${MLIRSCOPE_CORPUS_DIR:-$ROOT/../shared/corpus}"
  node "$ROOT/editors/vscode/scripts/package.mjs" "$WORK/ext.vsix"
  # The test's pass/fail lines are printed; the pictures are taken on the way.
  node "$ROOT/test/editors/e2e/e2e.mjs" --vsix "$WORK/ext.vsix" \
    --lsp "$BUILD_DIR/bin/mlirscope-lsp" --cli "$BUILD_DIR/bin/mlirscope" \
    --genmodel "$BUILD_DIR/bin/mlirscope-genmodel" --corpus "$CORPUS" --out "$WORK/run" --images "$OUT"
  ls -l "$OUT"/vscode-*.png
  exit 0
fi
# Debian's python3 (python3-numpy is installed by scripts/dev.sh).
PYTHON="${PYTHON:-/usr/bin/python3}"

"$BUILD_DIR/bin/mlirscope-genmodel" -o "$WORK/llama.mlirbc" --model transformer \
  --layers 4 --hidden 256 --intermediate 704 --heads 8 --vocab 1024 --seq 16
# A weight with structure (random weights look like noise) and a few
# non-finite values, to show how the heatmap marks them.
"$PYTHON" - "$WORK/pattern.npy" <<'PY'
import sys
import numpy as np
r, c = np.mgrid[0:256, 0:256]
a = (np.sin(r / 21.0) * np.cos(c / 33.0) + 0.15 * np.sin((r + c) / 5.0)).astype(np.float32)
a[100:108, 40:48] = np.nan
a[180:186, 200:206] = np.inf
np.save(sys.argv[1], a)
PY

cat > "$WORK/shots.script" <<SCRIPT
open llama.mlirbc
search q_proj
graph
graph-click layer_0
graph-click attn
graph-click q_proj
graph-click model.layers.0.self_attn.q_proj.weight
frames 3
screenshot $OUT/viewer-graph.png
weight 0
set 2,3 0.75
select 5,1 7,4
fill 0
goto 3,2
screenshot $OUT/viewer-values.png
undo
undo
replace pattern.npy
view heatmap
screenshot $OUT/viewer-heatmap.png
quit
SCRIPT

cd "$WORK"
"$PYTHON" "$ROOT/test/viewer/run-headless.py" "$BUILD_DIR/bin/mlirscope-view" \
  --size 1500x900 --script "$WORK/shots.script"
"$PYTHON" "$ROOT/scripts/png-compress.py" "$OUT"/viewer-*.png
