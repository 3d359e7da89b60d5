# Shared code of the bench/ scripts; sourced, not run:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets (unless already set in the environment):
#   repo                 the repository root
#   BENCH_DIR            where the models go        (/tmp/mlirscope-bench)
#   build                $MLIRSCOPE_BUILD_DIR, absolute or relative to the
#                        repo root                  (build)
#   MLIRSCOPE            mlirscope binary           ($build/bin/mlirscope)
#   GENMODEL             generator binary           ($build/bin/mlirscope-genmodel)
#   MLIR_OPT             mlir-opt binary            (/usr/lib/llvm-22/bin/mlir-opt)
#   TIMEOUT              per-command timeout, s     (300)
#   REPEAT               timed runs per command     (1; a script may set its own
#                        default before sourcing: `: "${REPEAT:=3}"`)
#   REGENERATE           1: regenerate models even if present (0)
# and defines die, note, need_time, need_built, now_ns, secs_since, human,
# genmodel, gen, free_bytes, drop_caches, make_tmp, measure, ratio.
# Creates $BENCH_DIR.

# shellcheck shell=bash
# shellcheck disable=SC2034  # r_status, r_wall, r_rss, tmp: for the scripts
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
bench_script=$(basename "$0")

die() { echo "$bench_script: $*" >&2; exit 1; }
note() { echo "# $*"; }

# --- Tools -------------------------------------------------------------------
# need_time: /usr/bin/time (GNU, for -v), installed with apt-get when root.
need_time() {
  [ -x /usr/bin/time ] && return
  note "/usr/bin/time missing: installing Debian package 'time'"
  if [ "$(id -u)" = 0 ]; then
    (apt-get install -y time >/dev/null 2>&1 ||
     { apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null 2>&1; }) ||
      die "could not install 'time'"
  else
    die "/usr/bin/time is missing (apt-get install time)"
  fi
}

# need_built TARGET...: mlirscope / mlirscope-genmodel / MLIRScopeMLIRBridgePlugin;
# builds the missing ones in $build if it is a ninja build directory, else dies.
need_built() {
  local tool bin
  for tool; do
    case $tool in
      mlirscope) bin=$MLIRSCOPE ;;
      mlirscope-genmodel) bin=$GENMODEL ;;
      MLIRScopeMLIRBridgePlugin) bin=$(dirname "$MLIRSCOPE")/../lib/libMLIRScopeMLIRBridgePlugin.so ;;
      *) die "need_built: unknown target $tool" ;;
    esac
    { [ -x "$bin" ] || [ -f "$bin" ]; } && continue
    if [ -f "$build/build.ninja" ]; then
      note "building $tool in $build"
      ninja -C "$build" "$tool" >/dev/null || die "cannot build $tool"
    else
      die "no $tool at $bin (set MLIRSCOPE/GENMODEL or MLIRSCOPE_BUILD_DIR)"
    fi
  done
}

# --- Time and sizes ------------------------------------------------------------
now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
human() {
  awk -v n="$1" 'BEGIN {
    split("B KiB MiB GiB TiB", u, " "); i = 1
    while (n >= 1024 && i < 5) { n /= 1024; i++ }
    printf (i == 1 ? "%d%s" : "%.1f%s"), n, u[i] }'
}
free_bytes() { df -B1 --output=avail "${1:-$BENCH_DIR}" | tail -1 | tr -d ' '; }

# --- Models --------------------------------------------------------------------
# genmodel FILE GENMODEL-ARGS...: generates FILE and says so; fails silently
# (the generator's own message is on stderr).
genmodel() {
  local f=$1; shift
  local t0; t0=$(now_ns)
  "$GENMODEL" -o "$f" "$@" || return 1
  note "generated $(basename "$f") ($(human "$(stat -c %s "$f")"), $(du -h "$f" | cut -f1) on disk) in $(secs_since "$t0") s"
}

# gen NAME EXPECTED_BYTES GENMODEL-ARGS...: $BENCH_DIR/NAME, reused if present
# and at least EXPECTED_BYTES long (unless REGENERATE=1), else generated.
# Fails (with a note) if the generator fails.
gen() {
  local name=$1 bytes=$2; shift 2
  local f=$BENCH_DIR/$name
  if [ "$REGENERATE" != 1 ] && [ -f "$f" ] && [ "$(stat -c %s "$f")" -ge "$bytes" ]; then
    note "reusing $f ($(human "$(stat -c %s "$f")"))"
  elif ! genmodel "$f" "$@"; then
    note "generating $name failed"; return 1
  fi
}

# --- Cache ---------------------------------------------------------------------
# drop_caches: flush and drop the page cache; fails unless root.
drop_caches() { sync && echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null

# --- Runs ----------------------------------------------------------------------
# make_tmp: sets tmp to a fresh directory, removed on exit together with the
# paths in the array cleanup (which a script may append to).
cleanup=()
make_tmp() {
  tmp=$(mktemp -d) || die "mktemp failed"
  trap 'rm -rf "$tmp" "${cleanup[@]}"' EXIT
}

# measure CACHE LABEL CMD... -> sets r_status r_wall r_rss (wall in s, peak
# RSS in MB, best of REPEAT runs each; ">N" when killed at the timeout).
#   CACHE  cold: drop_caches before every run;
#          warm: run CMD once untimed first.
#   LABEL  names the command in the failure note.
# CMD's stdout goes to $MEASURE_STDOUT (/dev/null); the command named by
# $MEASURE_BEFORE, if any, runs before every timed run (after the cache drop),
# e.g. sync; the one named by $MEASURE_AFTER after every run (including the
# untimed one), e.g. to delete an output. Needs $tmp (make_tmp).
MEASURE_STDOUT=/dev/null
MEASURE_BEFORE=
MEASURE_AFTER=
measure() {
  local cache=$1 label=$2; shift 2
  r_status=ok r_wall='' r_rss=''
  local i best_wall='' best_rss=''
  if [ "$cache" = warm ]; then
    timeout -k 10 "$TIMEOUT" "$@" >/dev/null 2>&1
    [ -n "$MEASURE_AFTER" ] && "$MEASURE_AFTER"
  fi
  for ((i = 0; i < REPEAT; i++)); do
    [ "$cache" = cold ] && drop_caches
    [ -n "$MEASURE_BEFORE" ] && "$MEASURE_BEFORE"
    local t0 rc; t0=$(now_ns)
    # time wraps timeout so that its report survives a timeout; its maximum
    # RSS is the largest of timeout and the command.
    /usr/bin/time -v -o "$tmp/time" timeout -k 10 "$TIMEOUT" "$@" \
      >"$MEASURE_STDOUT" 2>"$tmp/stderr"
    rc=$?
    local wall; wall=$(secs_since "$t0")
    [ -n "$MEASURE_AFTER" ] && "$MEASURE_AFTER"
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
      note "$label exited with $rc: $(head -c 300 "$tmp/stderr" | tr '\n' ' ')"
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

# ratio A B -> "A/Bx", or '-'. Either may be a lower bound ">N" (a timeout):
# ">Rx" when A is, "<Rx" when B is, '-' when both are.
ratio() {
  if [ -z "$1" ] || [ -z "$2" ] || { [ "${1#>}" != "$1" ] && [ "${2#>}" != "$2" ]; }; then
    echo "-"; return
  fi
  local lb=
  [ "${1#>}" != "$1" ] && lb=">"
  [ "${2#>}" != "$2" ] && lb="<"
  awk -v a="${1#>}" -v b="${2#>}" -v lb="$lb" 'BEGIN { if (b > 0) printf "%s%.1fx", lb, a / b; else print "-" }'
}

mkdir -p "$BENCH_DIR" || die "cannot create $BENCH_DIR"
