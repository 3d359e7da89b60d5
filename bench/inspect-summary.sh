#!/usr/bin/env bash
# Benchmark: `mlirscope inspect --summary` vs. `mlir-opt` on large bytecode
# models (wall time and peak RSS, measured with /usr/bin/time -v).
#
# Models (generated with mlirscope-genmodel into $BENCH_DIR, reused if present):
#   model-256M.mlirbc         16 x tensor<2048x2048xf32>   256 MiB, dense
#   model-4G.mlirbc           64 x tensor<4096x4096xf32>     4 GiB, dense
#                             (skipped if less than 10 GB free and not present)
#   model-100G-sparse.mlirbc 100 x tensor<16384x16384xf32> 100 GiB, sparse
#                             (holes: ~no disk, reads as zeros)
#
# Commands timed, for each model:
#   mlirscope inspect --summary FILE > /dev/null
#   mlir-opt FILE --mlir-elide-resource-strings-if-larger=64 -o /dev/null
#
# The page cache is dropped before every run when possible (root); otherwise
# each command runs once to warm the cache and the warm numbers are reported.
#
# Environment:
#   BENCH_DIR            where the models go        (/tmp/mlirscope-bench)
#   MLIRSCOPE_BUILD_DIR  build directory, absolute or relative to the repo
#                        root                        (build)
#   MLIRSCOPE            mlirscope binary            ($MLIRSCOPE_BUILD_DIR/bin/mlirscope)
#   GENMODEL             generator binary            ($MLIRSCOPE_BUILD_DIR/bin/mlirscope-genmodel)
#   MLIR_OPT             mlir-opt binary             (/usr/lib/llvm-22/bin/mlir-opt)
#   TIMEOUT              per-command timeout, s      (300)
#   REPEAT               runs per command, best kept (1)
#   REGENERATE=1         regenerate models even if present
#   SKIP_4G=1 / SKIP_100G=1   leave a model out
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- Tools -------------------------------------------------------------------
need_time
need_built mlirscope-genmodel
[ -x "$MLIR_OPT" ] || die "no mlir-opt at $MLIR_OPT"
[ -x "$MLIRSCOPE" ] || note "no mlirscope at $MLIRSCOPE: its rows will say 'failed'"

# --- Models ------------------------------------------------------------------
models=()
model() {  # model NAME EXPECTED_BYTES GENMODEL-ARGS...: gen, then benchmark it
  gen "$@" && models+=("$BENCH_DIR/$1")
}

avail=$(free_bytes)
note "free space in $BENCH_DIR: $(human "$avail")"

model model-256M.mlirbc $((256 << 20)) --layers 16 --shape 2048x2048 --dtype f32
if [ "${SKIP_4G:-0}" = 1 ]; then
  note "skipping the 4 GiB model (SKIP_4G=1)"
elif [ -f "$BENCH_DIR/model-4G.mlirbc" ] && [ "$REGENERATE" != 1 ]; then
  model model-4G.mlirbc $((4 << 30)) --layers 64 --shape 4096x4096 --dtype f32
elif [ "$avail" -lt 10000000000 ]; then
  note "skipping the 4 GiB model: less than 10 GB free in $BENCH_DIR"
else
  model model-4G.mlirbc $((4 << 30)) --layers 64 --shape 4096x4096 --dtype f32
fi
if [ "${SKIP_100G:-0}" = 1 ]; then
  note "skipping the 100 GiB sparse model (SKIP_100G=1)"
else
  model model-100G-sparse.mlirbc $((100 << 30)) --layers 100 --shape 16384x16384 --dtype f32 --sparse
fi
[ ${#models[@]} -gt 0 ] || die "no model to benchmark"

# --- Cache policy --------------------------------------------------------------
if drop_caches; then
  cache=cold
  note "page cache: cold (dropped before every run)"
else
  cache=warm
  note "page cache: warm (cannot drop caches; each command ran once before timing)"
fi

# --- Runs ----------------------------------------------------------------------
make_tmp

# measure TOOL FILE -> sets r_status r_wall r_rss
measure_tool() {
  local tool=$1 file=$2 cmd
  case $tool in
    mlirscope) cmd=("$MLIRSCOPE" inspect --summary "$file") ;;
    mlir-opt) cmd=("$MLIR_OPT" "$file" --mlir-elide-resource-strings-if-larger=64 -o /dev/null) ;;
  esac
  measure "$cache" "$tool on $(basename "$file")" "${cmd[@]}"
}

rows=()
summary=()
for f in "${models[@]}"; do
  name=$(basename "$f")
  size=$(human "$(stat -c %s "$f")")
  measure_tool mlirscope "$f"; s_status=$r_status s_wall=$r_wall s_rss=$r_rss
  measure_tool mlir-opt "$f"; o_status=$r_status o_wall=$r_wall o_rss=$r_rss
  rows+=("$(printf '%-26s %9s  %-10s %9s %12s  %s' "$name" "$size" mlirscope \
    "${s_wall:--}" "${s_rss:--}" "$s_status")")
  rows+=("$(printf '%-26s %9s  %-10s %9s %12s  %s' "$name" "$size" mlir-opt \
    "${o_wall:--}" "${o_rss:--}" "$o_status")")
  summary+=("$(printf '%-26s %9s  %10s %10s' "$name" "$size" \
    "$(ratio "$o_wall" "$s_wall")" "$(ratio "$o_rss" "$s_rss")")")
done

echo
echo "mlirscope: $MLIRSCOPE"
echo "mlir-opt:  $MLIR_OPT ($("$MLIR_OPT" --version 2>/dev/null | grep -i version | head -1 | sed 's/^ *//'))"
echo "cache:     $cache; runs per command: $REPEAT (best kept); timeout ${TIMEOUT}s"
echo
printf '%-26s %9s  %-10s %9s %12s  %s\n' file size tool wall_s peak_rss_MB status
for r in "${rows[@]}"; do echo "$r"; done
echo
printf '%-26s %9s  %10s %10s\n' file size speed-up rss_ratio
for r in "${summary[@]}"; do echo "$r"; done
echo "(speed-up = mlir-opt wall / mlirscope wall; rss_ratio = mlir-opt RSS / mlirscope RSS)"
