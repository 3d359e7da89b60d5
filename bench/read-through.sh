#!/usr/bin/env bash
# What indexing bytecode costs a source that is not memory (a model over HTTP
# or S3): `inspect --summary` read through `--read-through=counting`
# (core/include/mlirscope/Support/CountingSource.h: reads, distinct bytes
# fetched and round trips, counted as a remote source with a cache pays them),
# against the goals of a remote summary: at most 3 round trips and at most the
# IR sections + 2 MiB fetched. Also the wall time of the mapped summary, which
# must not change.
#
# Models (generated with mlirscope-genmodel into $BENCH_DIR, reused if present):
#   model-100G-sparse.mlirbc     100 x tensor<16384x16384xf32>, 100 GiB sparse
#   transformer-1000.mlirbc      a 1,000-layer decoder (5 MiB of IR), sparse
#
# Environment: see lib.sh (BENCH_DIR, MLIRSCOPE_BUILD_DIR, MLIRSCOPE, GENMODEL,
# REGENERATE); REPEAT: mapped runs, best kept (5).
: "${REPEAT:=5}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_built mlirscope-genmodel
[ -x "$MLIRSCOPE" ] || die "no mlirscope at $MLIRSCOPE"
gen model-100G-sparse.mlirbc $((100 << 30)) --layers 100 --shape 16384x16384 \
  --dtype f32 --sparse || exit 1
gen transformer-1000.mlirbc 1 --model transformer --layers 1000 --sparse || exit 1

printf '%-26s %10s %12s %12s %7s %6s %10s %s\n' model "IR" fetched \
  requested calls trips "mapped s" goal
for name in model-100G-sparse.mlirbc transformer-1000.mlirbc; do
  f=$BENCH_DIR/$name
  ir=$("$MLIRSCOPE" inspect --summary --json "$f" |
       /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["ir_bytes"])')
  line=$("$MLIRSCOPE" inspect --summary --read-through=counting "$f" 2>&1 >/dev/null |
         grep '^read-through:')
  calls=$(sed -E 's/.*calls=([0-9]+).*/\1/' <<<"$line")
  requested=$(sed -E 's/.*requested=([0-9]+).*/\1/' <<<"$line")
  fetched=$(sed -E 's/.*fetched=([0-9]+).*/\1/' <<<"$line")
  trips=$(sed -E 's/.*round-trips=([0-9]+).*/\1/' <<<"$line")
  best=
  for _ in $(seq "$REPEAT"); do
    t0=$(now_ns)
    "$MLIRSCOPE" inspect --summary "$f" >/dev/null
    t=$(secs_since "$t0")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$t
    fi
  done
  goal=met
  { [ "$trips" -le 3 ] && [ "$fetched" -le $((ir + (2 << 20))) ]; } || goal=missed
  printf '%-26s %10s %12s %12s %7s %6s %10s %s\n' "$name" "$(human "$ir")" \
    "$(human "$fetched")" "$(human "$requested")" "$calls" "$trips" "$best" "$goal"
done
