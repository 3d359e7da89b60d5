#!/usr/bin/env bash
# Builds the libFuzzer targets of test/fuzz (clang-22, ASan + UBSan) and runs
# each for a while on its seed corpus, printing one line per target:
#
#   fuzz bytecode: ok: 620345 execs (10339/s), cov 2957 of 12378 edges ...
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--coverage] [TARGET...]
#
# --coverage adds, per target, the source files it reached with edges covered
# of the edges in them (test/fuzz/coverage-report.py), over the corpus kept.
#
# TARGET is bytecode, text, npy or lsp (default: all). Inputs that grow
# coverage are kept in BUILD/fuzz-corpus/TARGET across runs, so repeated long
# runs build on each other; crashes are written to BUILD/fuzz-crashes/TARGET/
# and make the script fail. Each crash, once fixed, belongs in
# test/fuzz/Inputs/TARGET/ (replayed by test/fuzz/regressions.test in every
# build). The test command runs this with --seconds 60.
#
# Environment: MLIRSCOPE_FUZZ_BUILD_DIR (default ./build-fuzz),
# FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MLIRSCOPE_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH=60
JOBS=2
COVERAGE=0
TARGETS=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --coverage) COVERAGE=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    bytecode|text|npy|archive|lsp) TARGETS+=("$1"); shift ;;
    *) echo "scripts/fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=(bytecode text npy archive lsp)

LLVM_BIN=/usr/lib/llvm-22/bin
if [ ! -x "$LLVM_BIN/clang++" ] ||
   ! ls /usr/lib/llvm-22/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: needs clang-22 and libclang-rt-22-dev (scripts/dev.sh test installs them)" >&2
  exit 1
fi

echo "==> building fuzz targets in $BUILD"
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" -DLLVM_ENABLE_ASSERTIONS=ON \
    -DCMAKE_C_COMPILER="$LLVM_BIN/clang" -DCMAKE_CXX_COMPILER="$LLVM_BIN/clang++" \
    -DMLIRSCOPE_ENABLE_FUZZERS=ON >/dev/null
fi
ninja -C "$BUILD" mlirscope-fuzzers

echo "==> seed corpora"
/usr/bin/python3 "$ROOT/test/fuzz/make-seeds.py" "$BUILD/fuzz-seeds" \
  --mlir-opt "$LLVM_BIN/mlir-opt"

# One libFuzzer run; its log goes to BUILD/fuzz-logs/TARGET.log.
run_one() {
  local t="$1"
  local corpus="$BUILD/fuzz-corpus/$t" crashes="$BUILD/fuzz-crashes/$t"
  local log="$BUILD/fuzz-logs/$t.log" regress="$ROOT/test/fuzz/Inputs/$t"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")" "$regress"
  # A run starts from a scratch folder: files there (a text model's output,
  # a path some request names) never land in the source tree.
  local work
  work="$(mktemp -d)"
  # -malloc_limit_mb: inputs are at most a few hundred KB, so one allocation
  # of 256 MB means a size taken from the file without a bound.
  # -close_fd_mask: replies and summaries on stdout are noise here, and so
  # is the server's log of every bad message on stderr (libFuzzer keeps its
  # own copy of stderr for its reports and the sanitizers').
  local mask=1
  [ "$t" = lsp ] && mask=3
  (cd "$work" && "$BUILD/bin/mlirscope-fuzz-$t" \
    -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=256 -close_fd_mask=$mask \
    -artifact_prefix="$crashes/" ${FUZZ_ARGS:-} \
    "$corpus" "$BUILD/fuzz-seeds/$t" "$regress") >"$log" 2>&1 || true
  rm -rf "$work"
}

report() {
  local t="$1" log="$BUILD/fuzz-logs/$1.log"
  local total execs rate rss cov ft corp crashes
  total=$(sed -nE 's/.*Loaded [0-9]+ modules +\(([0-9]+) inline 8-bit counters\).*/\1/p' "$log" | head -n1)
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n1)
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -n1)
  rss=$(sed -nE 's/^stat::peak_rss_mb: *([0-9]+)/\1/p' "$log" | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2)
  corp=$(grep -oE 'corp: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2)
  # libFuzzer stops at the first crash, leak, timeout or out-of-memory and
  # writes the input that caused it.
  crashes=$(grep -c 'Test unit written to' "$log" || true)
  execs=${execs:-0} cov=${cov:-0} total=${total:-0}
  local pct=0
  [ "$total" -gt 0 ] && pct=$(awk -v c="$cov" -v t="$total" 'BEGIN { printf "%.1f", 100 * c / t }')
  local status=ok
  if [ "$crashes" -ne 0 ] || [ "$execs" -eq 0 ]; then
    status=FAILED
  fi
  echo "fuzz $t: $status: $execs execs (${rate:-0}/s), cov $cov of $total edges ($pct%), ft ${ft:-0}, corpus ${corp:-0}, peak RSS ${rss:-?} MB, crashes $crashes"
  if [ "$status" != ok ]; then
    echo "---- $log (first report lines)"
    grep -m1 -A25 -E '^==[0-9]+==ERROR|^fuzz check failed|ERROR: libFuzzer|deadly signal' "$log" || tail -n 30 "$log"
    sed -nE 's/.*Test unit written to (.*)/     crash input: \1/p' "$log"
    return 1
  fi
}

echo "==> fuzzing ${TARGETS[*]} for ${SECONDS_EACH}s each, $JOBS at a time"
running=0
for t in "${TARGETS[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
for t in "${TARGETS[@]}"; do
  report "$t" || failed=$((failed + 1))
done
if [ "$COVERAGE" -eq 1 ]; then
  echo "==> coverage of the kept corpora, per source file reached"
  for t in "${TARGETS[@]}"; do
    echo "  $t:"
    work="$(mktemp -d)"
    (cd "$work" && "$BUILD/bin/mlirscope-fuzz-$t" -runs=0 -print_coverage=1 \
      -close_fd_mask=1 "$BUILD/fuzz-corpus/$t" "$BUILD/fuzz-seeds/$t" \
      "$ROOT/test/fuzz/Inputs/$t" 2>&1 || true) |
      /usr/bin/python3 "$ROOT/test/fuzz/coverage-report.py" "$ROOT"
    rm -rf "$work"
  done
fi
echo "fuzz: ${#TARGETS[@]} targets, $failed failed"
[ "$failed" -eq 0 ]
