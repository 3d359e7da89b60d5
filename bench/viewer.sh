#!/usr/bin/env bash
# mlirscope-view on big models, headless (its own Xvfb, Mesa's software GL):
#   1. a 100 GB sparse 1,000-layer transformer: time from process start to the
#      first frame showing its (collapsed) graph, peak RSS, frame CPU time;
#      then one layer opened: the re-layout time and the frame after it;
#   2. a 100-layer and a 250-layer transformer opened completely (~20k and
#      ~50k boxes drawn, zoomed out): frame CPU time;
#   3. a 16384 x 16384 f32 weight (1 GiB): time to the first pooled heatmap,
#      frame CPU time while the value table scrolls far into it;
#   4. the views of 1 and 2 laid out by Graphviz dot and dagre: time,
#      crossings and width.
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

gen viewer-250l.mlirbc 1 --model transformer --layers 250 || exit 1
note "2b. viewer-250l.mlirbc, every group open (~50k boxes)"
sed "s|viewer-100l.mlirbc|viewer-250l.mlirbc|" "$work/all.script" > "$work/all250.script"
run --script "$work/all250.script" | grep -E '^(graph|bench)'

gen viewer-1gib.mlirbc 1073741824 --model weights --layers 1 --shape 16384x16384 || exit 1
note "3. a 16384 x 16384 f32 weight"
cat > "$work/heat.script" <<SCRIPT
open $BENCH_DIR/viewer-1gib.mlirbc
tensor layer0.weight
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

# 4. The viewer's layouts against Graphviz dot and dagre: each view above,
# every group in it as the graph core's layout gets (its visible children,
# sized, and the edges between them), given to dot as one digraph per group
# and to dagre (bench/layout-node) likewise. Crossings and widths of all
# three drawings are measured by the same code (mlirscope-layout-bench
# compare: countDrawingCrossings; width of node boxes and edge points,
# summed over the groups); "worse" counts the groups where core's layout
# crosses more than dot's, "wid/dot" is the widest group's ratio. Time is
# dot's process wall for all the groups of a view against core's in-process
# layout time summed over them (the viewer's own measure).
# Goals: crossings <= dot's in every group, width <= 1.5x dot's.
LAYOUT_BENCH=$build/bin/mlirscope-layout-bench
NODE_DIR=$repo/bench/layout-node
if ! command -v dot >/dev/null; then
  note "4. skipped: Graphviz dot is missing (apt-get install graphviz)"
elif [ ! -x "$LAYOUT_BENCH" ]; then
  note "4. skipped: no $LAYOUT_BENCH (ninja -C $build mlirscope-layout-bench)"
else
  have_dagre=1
  if ! command -v "${NODE:-node}" >/dev/null ||
     { [ ! -f "$NODE_DIR/node_modules/@dagrejs/dagre/package.json" ] &&
       ! npm ci --prefix "$NODE_DIR" --no-audit --no-fund >/dev/null 2>&1; }; then
    note "4. dagre left out: no node, or npm ci in bench/layout-node failed"
    have_dagre=0
  fi
  note "4. the viewer's layouts, Graphviz dot ($(dot -V 2>&1 | head -1)) and dagre"
  row='| %-30s | %6s | %6s | %6s | %8s | %7s | %8s | %8s | %7s | %8s | %7s | %8s | %5s | %7s |\n'
  printf "$row" view groups nodes edges "core ms" "core X" "core W" "dot s" "dot X" "dot W" \
    "dagre X" "dagre W" worse "wid/dot"
  printf '|%s|\n' "--------------------------------|--------|--------|--------|----------|---------|----------|----------|---------|----------|---------|----------|-------|---------"
  view_vs_dot() { # NAME SCRIPT-LINES...
    local name=$1
    shift
    printf '%s\n' "$@" "layout-graphs $work/view.dot" quit > "$work/dot.script"
    local line
    line=$(run --script "$work/dot.script" | sed -n 's/^layout graphs: //p')
    [ -n "$line" ] || { note "$name: the viewer wrote no graphs"; return; }
    local groups nodes edges ours_ms ours_x
    read -r groups nodes edges ours_ms ours_x < <(echo "$line" |
      sed 's/\([0-9.]*\) groups, \([0-9]*\) nodes, \([0-9]*\) edges; core.s layout \([0-9.]*\) ms, \([0-9]*\) crossings/\1 \2 \3 \4 \5/')
    local t0 t1 dot_s plain=- dagre=-
    t0=$(date +%s.%N)
    # With several graphs dot writes all but the first to stdout, -o or not.
    if timeout "${LAYOUT_TIMEOUT:-300}" dot -Tplain "$work/view.dot" >"$work/view.plain" 2>/dev/null; then
      t1=$(date +%s.%N)
      dot_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
      plain=$work/view.plain
    else
      dot_s=">${LAYOUT_TIMEOUT:-300}"
    fi
    if [ "$have_dagre" = 1 ]; then
      "$LAYOUT_BENCH" json-all "$work/view.dot" "$work/view.json" &&
        timeout "${LAYOUT_TIMEOUT:-300}" "${NODE:-node}" "$NODE_DIR/dagre-layout.js" \
          "$work/view.json" "$work/view.dagre.json" 2>/dev/null &&
        dagre=$work/view.dagre.json
    fi
    "$LAYOUT_BENCH" compare "$work/view.dot" "$plain" "$dagre" > "$work/cmp"
    f() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$work/cmp"; }
    printf "$row" "$name" "$groups" "$nodes" "$edges" "$ours_ms" "$ours_x" "$(f width)" \
      "$dot_s" "$(f dot_crossings)" "$(f dot_width)" "$(f dagre_crossings)" "$(f dagre_width)" \
      "$(f more_than_dot)" "$(f widest_vs_dot)"
  }
  view_vs_dot "1,000 layers, as opened" "open $big" graph
  view_vs_dot "1,000 layers, layer_0 open" "open $big" graph "graph-click layer_0"
  view_vs_dot "100 layers, every group open" "open $BENCH_DIR/viewer-100l.mlirbc" graph expand-all
fi
