#!/usr/bin/env bash
# The graph of a model, end to end: index + grouping + the laid-out view that
# `mlirscope graph` (and the viewer) starts from, on the generator's
# decoder-only transformers, with time and peak RSS of each step.
#
#   bench/graph.sh              # 1,000 layers (~189k ops) as a 100 GB sparse
#                               # model, and the flat (--no-scopes) views
#   LAYERS=100 bench/graph.sh   # smaller
#
# The layout engine alone against Graphviz dot and dagre (crossings, time,
# RSS at 1k-500k nodes) is bench/layout.sh.
: "${REPEAT:=3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_time
need_built mlirscope mlirscope-genmodel
make_tmp
LAYERS=${LAYERS:-1000}

model=$BENCH_DIR/transformer-$LAYERS-sparse.mlirbc
# Llama-7B-like widths in bf16, weights as holes: ~103 GB for 1,000 layers.
gen "transformer-$LAYERS-sparse.mlirbc" 1 --model transformer \
  --layers "$LAYERS" --hidden 2048 --intermediate 5632 --heads 32 \
  --vocab 32000 --seq 128 --dtype bf16 --sparse ||
  die "could not generate $model"
ops=$("$MLIRSCOPE" inspect --summary --json "$model" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["ops"]["total"])')
note "$model: $(human "$(stat -c %s "$model")") on disk as holes, $ops ops"

printf '%-58s %5s %9s %9s  %s\n' "view" "cache" "wall s" "RSS MB" "mlirscope's phases"
row() {
  local cache=$1 label=$2; shift 2
  MEASURE_STDOUT=/dev/null
  measure "$cache" "$label" "$MLIRSCOPE" graph "$model" "$@" --format json \
    -o "$tmp/view.json"
  # The phases of one more run (stderr).
  local phases
  phases=$("$MLIRSCOPE" graph "$model" "$@" --format json -o "$tmp/view.json" 2>&1 |
    sed -e 's/^mlirscope graph: //' -e 's/.*crossings; //')
  printf '%-58s %5s %9s %9s  %s\n' "$label" "$cache" "${r_wall:-$r_status}" \
    "${r_rss:--}" "$phases"
}
row cold "whole model, collapsed (index + group + layout)"
row warm "whole model, collapsed"
row warm "function, one level open (layers folded x N)" --func forward --expand 1
row warm "one layer open (its children)" --func forward \
  --group transformer/layer_$((LAYERS / 2)) --expand 1
row warm "one layer, everything inside it open" --func forward \
  --group transformer/layer_$((LAYERS / 2)) --expand all
row warm "no scopes: the function's ops in chunks of 1,000" --no-scopes \
  --func forward
row warm "no scopes: one chunk of 1,000 ops laid out flat" --no-scopes \
  --func forward --group 0-999
note "targets (issue 10): collapsed view of a 1,000-layer 100 GB model < 1 s and"
note "< 300 MB; opening one group of <= 1,000 children <= 50 ms (the layout"
note "phase above; index and grouping are paid once per file by a viewer)"
