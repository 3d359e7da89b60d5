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
set -u -o pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/mlirscope-bench}
build=${MLIRSCOPE_BUILD_DIR:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
MLIRSCOPE=${MLIRSCOPE:-$build/bin/mlirscope}
GENMODEL=${GENMODEL:-$build/bin/mlirscope-genmodel}
MLIR_OPT=${MLIR_OPT:-/usr/lib/llvm-22/bin/mlir-opt}
TIMEOUT=${TIMEOUT:-300}
REPEAT=${REPEAT:-1}
REGENERATE=${REGENERATE:-0}

die() { echo "inspect-summary.sh: $*" >&2; exit 1; }
note() { echo "# $*"; }

# --- Tools -------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
  note "/usr/bin/time missing: installing Debian package 'time'"
  if [ "$(id -u)" = 0 ]; then
    (apt-get install -y time >/dev/null 2>&1 ||
     { apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null 2>&1; }) ||
      die "could not install 'time'"
  else
    die "/usr/bin/time is missing (apt-get install time)"
  fi
fi
if [ ! -x "$GENMODEL" ]; then
  if [ -f "$build/build.ninja" ]; then
    note "building mlirscope-genmodel in $build"
    ninja -C "$build" mlirscope-genmodel >/dev/null || die "cannot build mlirscope-genmodel"
  else
    die "no generator at $GENMODEL (set GENMODEL or MLIRSCOPE_BUILD_DIR)"
  fi
fi
[ -x "$MLIR_OPT" ] || die "no mlir-opt at $MLIR_OPT"
[ -x "$MLIRSCOPE" ] || note "no mlirscope at $MLIRSCOPE: its rows will say 'failed'"

mkdir -p "$BENCH_DIR" || die "cannot create $BENCH_DIR"

# --- Models ------------------------------------------------------------------
now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
human() {
  awk -v n="$1" 'BEGIN {
    split("B KiB MiB GiB TiB", u, " "); i = 1
    while (n >= 1024 && i < 5) { n /= 1024; i++ }
    printf (i == 1 ? "%d%s" : "%.1f%s"), n, u[i] }'
}

# gen NAME EXPECTED_BYTES GENMODEL-ARGS...
models=()
gen() {
  local name=$1 bytes=$2; shift 2
  local f=$BENCH_DIR/$name
  if [ "$REGENERATE" != 1 ] && [ -f "$f" ] && [ "$(stat -c %s "$f")" -ge "$bytes" ]; then
    note "reusing $f ($(human "$(stat -c %s "$f")"))"
  else
    local t0; t0=$(now_ns)
    if ! "$GENMODEL" -o "$f" "$@"; then
      note "generating $name failed"; return
    fi
    note "generated $name ($(human "$(stat -c %s "$f")" ), $(du -h "$f" | cut -f1) on disk) in $(secs_since "$t0") s"
  fi
  models+=("$f")
}

avail=$(df -B1 --output=avail "$BENCH_DIR" | tail -1 | tr -d ' ')
note "free space in $BENCH_DIR: $(human "$avail")"

gen model-256M.mlirbc $((256 << 20)) --layers 16 --shape 2048x2048 --dtype f32
if [ "${SKIP_4G:-0}" = 1 ]; then
  note "skipping the 4 GiB model (SKIP_4G=1)"
elif [ -f "$BENCH_DIR/model-4G.mlirbc" ] && [ "$REGENERATE" != 1 ]; then
  gen model-4G.mlirbc $((4 << 30)) --layers 64 --shape 4096x4096 --dtype f32
elif [ "$avail" -lt 10000000000 ]; then
  note "skipping the 4 GiB model: less than 10 GB free in $BENCH_DIR"
else
  gen model-4G.mlirbc $((4 << 30)) --layers 64 --shape 4096x4096 --dtype f32
fi
if [ "${SKIP_100G:-0}" = 1 ]; then
  note "skipping the 100 GiB sparse model (SKIP_100G=1)"
else
  gen model-100G-sparse.mlirbc $((100 << 30)) --layers 100 --shape 16384x16384 --dtype f32 --sparse
fi
[ ${#models[@]} -gt 0 ] || die "no model to benchmark"

# --- Cache policy --------------------------------------------------------------
drop_caches() { sync && echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null
if drop_caches; then
  cache=cold
  note "page cache: cold (dropped before every run)"
else
  cache=warm
  note "page cache: warm (cannot drop caches; each command ran once before timing)"
fi

# --- Runs ----------------------------------------------------------------------
tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# measure TOOL FILE -> sets r_status r_wall r_rss
measure() {
  local tool=$1 file=$2 cmd
  case $tool in
    mlirscope) cmd=("$MLIRSCOPE" inspect --summary "$file") ;;
    mlir-opt) cmd=("$MLIR_OPT" "$file" --mlir-elide-resource-strings-if-larger=64 -o /dev/null) ;;
  esac
  r_status=ok r_wall= r_rss=
  local i best_wall= best_rss=
  if [ "$cache" = warm ]; then
    timeout -k 10 "$TIMEOUT" "${cmd[@]}" >/dev/null 2>&1
  fi
  for ((i = 0; i < REPEAT; i++)); do
    [ "$cache" = cold ] && drop_caches
    local t0 rc; t0=$(now_ns)
    # time wraps timeout so that its report survives a timeout; its maximum
    # RSS is the largest of timeout and the command.
    /usr/bin/time -v -o "$tmp/time" timeout -k 10 "$TIMEOUT" "${cmd[@]}" \
      >/dev/null 2>"$tmp/stderr"
    rc=$?
    local wall; wall=$(secs_since "$t0")
    if [ $rc = 137 ] && awk -v w="$wall" -v t="$TIMEOUT" 'BEGIN { exit !(w < t) }'; then
      r_status="killed (SIGKILL before the timeout: out of memory?)"
      return
    elif [ $rc = 124 ] || [ $rc = 137 ]; then
      # Killed at the timeout: report the time and the RSS reached so far.
      r_status="timeout (killed after ${TIMEOUT}s)"
      r_wall=">$wall"
      r_rss=">$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tmp/time")"
      return
    elif [ $rc != 0 ]; then
      r_status=failed
      note "$tool on $(basename "$file") exited with $rc: $(head -c 300 "$tmp/stderr" | tr '\n' ' ')"
      return
    fi
    local rss; rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tmp/time")
    if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall
    fi
    if [ -z "$best_rss" ] || awk -v a="$rss" -v b="$best_rss" 'BEGIN { exit !(a < b) }'; then
      best_rss=$rss
    fi
  done
  r_wall=$best_wall r_rss=$best_rss
}

ratio() {  # ratio A B -> A/B, or '-'; A may be a lower bound ">N"
  if [ -n "$1" ] && [ -n "$2" ] && [ "${2#>}" = "$2" ]; then
    local lb=; [ "${1#>}" != "$1" ] && lb=">"
    awk -v a="${1#>}" -v b="$2" -v lb="$lb" 'BEGIN { if (b > 0) printf "%s%.1fx", lb, a / b; else print "-" }'
  else
    echo "-"
  fi
}

rows=()
summary=()
for f in "${models[@]}"; do
  name=$(basename "$f")
  size=$(human "$(stat -c %s "$f")")
  measure mlirscope "$f"; s_status=$r_status s_wall=$r_wall s_rss=$r_rss
  measure mlir-opt "$f"; o_status=$r_status o_wall=$r_wall o_rss=$r_rss
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
