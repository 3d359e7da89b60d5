#!/usr/bin/env bash
# mlirscope-view on big models, headless (its own Xvfb, Mesa's software GL):
#   1. a 100 GB sparse 1,000-layer transformer: time from process start to the
#      first frame showing its (collapsed) graph, peak RSS, frame CPU time;
#      then one layer opened: the re-layout time and the frame after it;
#   2. a 100-layer transformer opened completely (~10k ops drawn, zoomed out):
#      frame CPU time;
#   3. a 16384 x 16384 f32 weight (1 GiB): time to the first pooled heatmap,
#      frame CPU time while the value table scrolls far into it.
# Printed, not a test. Netron and Model Explorer cannot be run here; see the
# viewer issue for what they publish.
: "${REPEAT:=1}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_built mlirscope-genmodel
VIEW=${VIEW:-$build/bin/mlirscope-view}
[ -x "$VIEW" ] || die "no $VIEW (build with MLIRSCOPE_BUILD_VIEWER=ON)"
PY=${PYTHON:-/usr/bin/python3}
run() { "$PY" "$repo/test/viewer/run-headless.py" "$VIEW" --size 1600x1000 "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen viewer-1000l-sparse.mlirbc 90000000000 --model transformer --layers 1000 \
  --hidden 2048 --intermediate 5632 --heads 32 --vocab 32000 --seq 128 \
  --dtype bf16 --sparse || exit 1
big=$BENCH_DIR/viewer-1000l-sparse.mlirbc
note "1. $(basename "$big") ($(human "$(stat -c %s "$big")"))"
run "$big" --bench-frames 30
# Open one layer of the folded run, then time frames.
cat > "$work/expand.script" <<SCRIPT
open $big
graph
graph-click layer_0
dump
bench 30
quit
SCRIPT
run --script "$work/expand.script" | grep -E '^(graph|bench)'

gen viewer-100l.mlirbc 1 --model transformer --layers 100 || exit 1
note "2. viewer-100l.mlirbc, every group open"
cat > "$work/all.script" <<SCRIPT
open $BENCH_DIR/viewer-100l.mlirbc
graph
expand-all
fit
frames 3
dump
bench 30
quit
SCRIPT
run --script "$work/all.script" | grep -E '^(graph|bench)'

gen viewer-1gib.mlirbc 1073741824 --model weights --layers 1 --shape 16384x16384 || exit 1
note "3. a 16384 x 16384 f32 weight"
cat > "$work/heat.script" <<SCRIPT
open $BENCH_DIR/viewer-1gib.mlirbc
resource layer0.weight
view heatmap
dump
view values
goto 9000,9000
bench 30
goto 16000,16000
bench 30
quit
SCRIPT
run --script "$work/heat.script" | grep -E '^(heatmap|bench|stats)'
