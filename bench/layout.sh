#!/usr/bin/env bash
# Benchmark: mlirscope's layered layout (core/include/mlirscope/Layout.h)
# against Graphviz `dot` and dagre (npm @dagrejs/dagre under Node) on the same
# graphs: wall time, peak RSS (/usr/bin/time -v), edge crossings and width of
# each drawing, all measured by the same code (mlirscope-layout-bench
# compare; countDrawingCrossings: each tool's layers are the distinct y of
# its node centers, edges are cut where they meet the layers between their
# ends, bundled cuts count once; width: node boxes and edge points).
#
# Graphs (mlirscope-layout-bench; node 80x24, node gap 20, layer gap 40 in
# every tool):
#   random N        layers of 10-30 nodes, 1-3 in-edges per node, 70% from
#                   the layer above, the rest from 2-4 layers up
#   transformer N   ~100 ops per decoder layer (norms, q/k/v/o projections
#                   with rotary embedding, softmax attention, gated MLP),
#                   residual edges skipping ~50 ops, weights as constant ops,
#                   rotary tables shared by every layer
#   chain N, star N the stress shapes (one path; one node with N-1 users)
#
# Part 1, every tool at 1k, 2k and 5k nodes; part 3, every tool on each
# function of the StableHLO corpus (shared/corpus/stablehlo-testdata, one
# StableHLO version's legalize_to_vhlo test and TensorRT's GPT-2, as
# dataflow graphs of mlirscope's own graph: bench/mlir-func-graphs.py
# --mlirscope; their pretty form is read by core's lexical scan); part 2, ours alone at 10k,
# 100k and 500k ("lay s": in-process layout time, "wall s" and RSS: process,
# graph generation included; each the best of REPEAT (3) runs). Ours reads the same JSON file as dagre and prints its
# in-process layout time ("layout ms", best of 5); dot and dagre run once,
# killed after LAYOUT_TIMEOUT s (">N" in the table; "crashed" when the tool
# died, e.g. dot's segfault and dagre's "Maximum call stack size exceeded" on
# the deep transformer graphs). "x dot" / "x dagre" are
# their time over ours: dot's process wall (its start-up is ~20 ms) and
# dagre's in-process dagre.layout() time (Node's own start-up excluded),
# both over our in-process layout time ("ours wl" is our process wall,
# reading the JSON file included). "cross/dot": our crossings over dot's;
# "wid/dot": our width over dot's. Goals: crossings <= dot's, width <= 1.5x.
#
# Environment:
#   MLIRSCOPE_BUILD_DIR  build directory (build); mlirscope-layout-bench is
#                        built there if missing
#   BENCH_DIR            where the graphs go         (/tmp/mlirscope-bench)
#   LAYOUT_TIMEOUT       per dot/dagre run, s        (300; dot needs ~200 s for
#                        the 1k-op transformer)
#   SIZES                part 1 sizes, "" skips it   (1000 2000 5000)
#   BIG_SIZES            part 2 sizes, "" for none   (10000 100000 500000)
#   CORPUS               StableHLO functions, "" skips part 3
#                        (/work/shared/corpus/stablehlo-testdata)
#   CORPUS_MORE          more text files for part 3 (stablehlo-vhlo 1.12.0,
#                        third-party/T21 GPT-2, beside CORPUS)
#   NODE                 node binary                 (node)
: "${REPEAT:=3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LAYOUT_TIMEOUT=${LAYOUT_TIMEOUT:-300}
SIZES=${SIZES-1000 2000 5000}
BIG_SIZES=${BIG_SIZES-10000 100000 500000}
NODE=${NODE:-node}
CORPUS=${CORPUS-/work/shared/corpus/stablehlo-testdata}
CORPUS_MORE=${CORPUS_MORE-$(dirname "${CORPUS:-.}")/stablehlo-vhlo/stablehlo_legalize_to_vhlo.1_12_0.mlir $(dirname "${CORPUS:-.}")/third-party/T21-trt-gpt2-elided/gpt2.stablehlo.elided.mlir}
BENCH_TOOL=$build/bin/mlirscope-layout-bench
NODE_DIR=$repo/bench/layout-node

# --- Tools -------------------------------------------------------------------
need_time
if [ ! -x "$BENCH_TOOL" ]; then
  [ -f "$build/build.ninja" ] || die "no $BENCH_TOOL (set MLIRSCOPE_BUILD_DIR)"
  note "building mlirscope-layout-bench in $build"
  ninja -C "$build" mlirscope-layout-bench >/dev/null || die "cannot build mlirscope-layout-bench"
fi
if [ -n "$CORPUS" ] && [ ! -x "$build/bin/mlirscope" ]; then
  note "building mlirscope in $build"
  ninja -C "$build" mlirscope >/dev/null || die "cannot build mlirscope"
fi
if ! command -v dot >/dev/null; then
  [ "$(id -u)" = 0 ] || die "Graphviz dot is missing (apt-get install graphviz)"
  note "installing Debian package graphviz"
  { apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 &&
      apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1; }; } ||
    die "could not install graphviz"
fi
command -v "$NODE" >/dev/null || die "node is missing (Node 20; Debian: apt-get install nodejs npm)"
if [ ! -f "$NODE_DIR/node_modules/@dagrejs/dagre/package.json" ]; then
  note "installing dagre (npm ci in bench/layout-node)"
  npm ci --prefix "$NODE_DIR" --no-audit --no-fund >/dev/null 2>&1 || die "npm ci failed"
fi
note "dot: $(dot -V 2>&1 | head -1); dagre $(sed -n 's/.*"version": "\(.*\)".*/\1/p' \
  "$NODE_DIR/node_modules/@dagrejs/dagre/package.json"); node $("$NODE" --version)"
note "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

make_tmp
GRAPHS=$BENCH_DIR/layout
mkdir -p "$GRAPHS" || die "cannot create $GRAPHS"

# key=value from our layout line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" "$2" | head -1; }
# a / b with one decimal, '-' when either is missing; a lower bound stays one.
div() { case "$1 $2" in *crashed*) echo - ;; *) ratio "$1" "$2" ;; esac; }
# crossings a / b with two decimals.
cross_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}
ms_to_s() { awk -v m="$1" 'BEGIN { printf "%.4f", m / 1000 }'; }

# --- Part 1: ours, dot and dagre -----------------------------------------------
printf '\n## Part 1: the same graphs in each tool (times in s, RSS in MB)\n\n'
row='| %-16s | %6s | %6s | %8s | %7s | %6s | %8s | %7s | %8s | %6s | %8s | %7s | %8s | %8s | %6s | %8s | %7s | %8s | %8s | %9s | %7s |\n'
printf "$row" graph nodes edges "ours lay" "ours wl" RSS crossing width "dot wall" RSS crossing \
  width "dagre ly" "dagre wl" RSS crossing width "x dot" "x dagre" "cross/dot" "wid/dot"
printf '|%s|\n' "------------------|--------|--------|----------|---------|--------|----------|---------|----------|--------|----------|---------|----------|----------|--------|----------|---------|----------|----------|-----------|---------"
for shape in random transformer; do
  for n in $SIZES; do
    base=$GRAPHS/$shape-$n
    [ -f "$base.json" ] || "$BENCH_TOOL" gen "$shape" "$n" 1 json "$base.json" || die "gen failed"
    [ -f "$base.dot" ] || "$BENCH_TOOL" gen "$shape" "$n" 1 dot "$base.dot" || die "gen failed"

    # Ours: process wall and RSS, then the in-process time (best of 5).
    TIMEOUT=$LAYOUT_TIMEOUT MEASURE_STDOUT=$tmp/ours measure warm ours \
      "$BENCH_TOOL" layout-json "$base.json"
    o_wall=$r_wall o_rss=$r_rss
    MLIRSCOPE_LAYOUT_REPEAT=5 "$BENCH_TOOL" layout-json "$base.json" >"$tmp/ours"
    o_ms=$(field layout_ms "$tmp/ours")
    nodes=$(field nodes "$tmp/ours") edges=$(field edges "$tmp/ours")

    # dot, once.
    rm -f "$tmp/dot.plain"
    REPEAT=1 TIMEOUT=$LAYOUT_TIMEOUT measure cold dot dot -Tplain "$base.dot" -o "$tmp/dot.plain"
    d_wall=$r_wall d_rss=$r_rss d_plain=-
    [ "$r_status" = ok ] && d_plain=$tmp/dot.plain
    [ "$r_status" = failed ] && d_wall=crashed d_rss=-

    # dagre, once.
    rm -f "$tmp/dagre.json"
    REPEAT=1 TIMEOUT=$LAYOUT_TIMEOUT measure cold dagre "$NODE" "$NODE_DIR/dagre-layout.js" \
      "$base.json" "$tmp/dagre.json"
    g_wall=$r_wall g_rss=$r_rss g_ms=$r_wall g_json=-
    [ "$r_status" = failed ] && g_wall=crashed g_ms=crashed g_rss=-
    if [ "$r_status" = ok ]; then
      g_json=$tmp/dagre.json
      g_ms=$(ms_to_s "$(sed -n 's/^{"ms":\([0-9.]*\),.*/\1/p' "$tmp/dagre.json")")
    fi

    # Crossings and widths of the three drawings, measured alike.
    "$BENCH_TOOL" compare "$base.dot" "$d_plain" "$g_json" >"$tmp/cmp"
    o_cross=$(field crossings "$tmp/cmp") o_width=$(field width "$tmp/cmp")
    d_cross=$(field dot_crossings "$tmp/cmp") d_width=$(field dot_width "$tmp/cmp")
    g_cross=$(field dagre_crossings "$tmp/cmp") g_width=$(field dagre_width "$tmp/cmp")

    o_s=$(ms_to_s "$o_ms")
    printf "$row" \
      "$shape $n" "$nodes" "$edges" "$o_s" "$o_wall" "$o_rss" "$o_cross" "$o_width" \
      "$d_wall" "$d_rss" "${d_cross:--}" "${d_width:--}" "$g_ms" "$g_wall" "$g_rss" \
      "${g_cross:--}" "${g_width:--}" \
      "$(div "$d_wall" "$o_s")" "$(div "$g_ms" "$o_s")" \
      "$( [ -z "$d_cross" ] && echo - || cross_ratio "$o_cross" "$d_cross")" \
      "$( [ -z "$d_width" ] && echo - || cross_ratio "$o_width" "$d_width")"
  done
done

# --- Part 3: the StableHLO corpus's functions ------------------------------------
if [ -n "$CORPUS" ]; then
  printf '\n## Part 3: each function of %s and %s, every tool (sums over the functions)\n\n' "$CORPUS" "$CORPUS_MORE"
  if ! ls "$CORPUS"/*.mlir >/dev/null 2>&1; then
    note "no $CORPUS/*.mlir: part 3 skipped (the corpus is missing)"
  else
    more=()
    for f in $CORPUS_MORE; do [ -f "$f" ] && more+=("$f"); done
    /usr/bin/python3 "$repo/bench/mlir-func-graphs.py" --mlirscope "$build/bin/mlirscope" \
      "$CORPUS"/*.mlir "${more[@]}" >"$tmp/funcs.dot" ||
      die "mlir-func-graphs.py failed"
    "$BENCH_TOOL" json-all "$tmp/funcs.dot" "$tmp/funcs.json"
    # With several graphs dot writes all but the first to stdout, -o or not.
    dot -Tplain "$tmp/funcs.dot" >"$tmp/funcs.plain" 2>/dev/null || die "dot failed on the functions"
    "$NODE" "$NODE_DIR/dagre-layout.js" "$tmp/funcs.json" "$tmp/funcs.dagre.json" ||
      die "dagre failed on the functions"
    "$BENCH_TOOL" compare "$tmp/funcs.dot" "$tmp/funcs.plain" "$tmp/funcs.dagre.json" >"$tmp/cmp"
    printf '| %-9s | %6s | %6s | %8s | %8s | %9s | %8s | %9s | %9s | %11s | %10s |\n' \
      functions nodes edges crossing width "dot cross" "dot wid" "dagre crs" "dagre wid" "more than dot" "widest/dot"
    printf '|%s|\n' "-----------|--------|--------|----------|----------|-----------|----------|-----------|-----------|---------------|------------"
    printf '| %-9s | %6s | %6s | %8s | %8s | %9s | %8s | %9s | %9s | %13s | %10s |\n' \
      "$(field graphs "$tmp/cmp")" "$(field nodes "$tmp/cmp")" "$(field edges "$tmp/cmp")" \
      "$(field crossings "$tmp/cmp")" "$(field width "$tmp/cmp")" \
      "$(field dot_crossings "$tmp/cmp")" "$(field dot_width "$tmp/cmp")" \
      "$(field dagre_crossings "$tmp/cmp")" "$(field dagre_width "$tmp/cmp")" \
      "$(field more_than_dot "$tmp/cmp")" "$(field widest_vs_dot "$tmp/cmp")"
  fi
fi

# --- Part 2: ours alone ---------------------------------------------------------
printf '\n## Part 2: ours alone, graphs generated in-process\n\n'
printf '| %-20s | %7s | %7s | %8s | %7s | %6s | %6s | %9s | %7s | %6s | %-17s |\n' \
  graph nodes edges dummies "lay s" "wall s" "RSS MB" crossings layers sweeps target
printf '|%s|\n' "----------------------|---------|---------|----------|---------|--------|--------|-----------|---------|--------|-------------------"
# After each run (the untimed warm-up writes nothing): keep its line.
keep_ours() {
  [ -f "$tmp/ours" ] && cat "$tmp/ours" >>"$tmp/ours.all"
  rm -f "$tmp/ours"
}
runs=()
for n in $BIG_SIZES; do runs+=("transformer $n" "random $n"); done
runs+=("chain 100000" "star 10001")
for run in "${runs[@]}"; do
  # shellcheck disable=SC2086
  set -- $run
  # Best of REPEAT processes for wall and RSS; the layout time is the best
  # of the lines they printed.
  : >"$tmp/ours.all"
  rm -f "$tmp/ours"
  TIMEOUT=$LAYOUT_TIMEOUT MEASURE_STDOUT=$tmp/ours MEASURE_AFTER=keep_ours \
    measure warm ours "$BENCH_TOOL" layout "$1" "$2" 1
  [ "$r_status" = ok ] || { printf '| %-20s | %s\n' "$run" "$r_status"; continue; }
  lay=$(ms_to_s "$(sed -n 's/^layout_ms=\([0-9.]*\) .*/\1/p' "$tmp/ours.all" | sort -g | head -1)")
  tail -1 "$tmp/ours.all" >"$tmp/ours"
  target=
  if [ "$1" = transformer ]; then
    case $2 in
      100000) target=$(awk -v t="$lay" 'BEGIN { print (t <= 0.5 ? "<= 0.5 s: ok" : "<= 0.5 s: MISSED") }') ;;
      500000) target=$(awk -v t="$lay" 'BEGIN { print (t <= 3 ? "<= 3 s: ok" : "<= 3 s: MISSED") }') ;;
    esac
  fi
  printf '| %-20s | %7s | %7s | %8s | %7s | %6s | %6s | %9s | %7s | %6s | %-17s |\n' \
    "$run" "$(field nodes "$tmp/ours")" "$(field edges "$tmp/ours")" \
    "$(field dummies "$tmp/ours")" "$lay" "$r_wall" "$r_rss" \
    "$(field crossings "$tmp/ours")" "$(field layers "$tmp/ours")" \
    "$(field sweeps "$tmp/ours")" "$target"
done
