#!/usr/bin/env bash
# Models over HTTP: what opening and reading a remote model costs through a
# link with 20 ms per round trip (test/remote's fault proxy, `delay=20`, in
# front of a local nginx serving $BENCH_DIR).
#
#   bench/remote.sh
#
# Prints, per model, `inspect --summary` wall time, requests, round trips and
# bytes fetched (cold, then a second run with the disk cache); the viewer's
# first frame on the two big models opened by URL (mlirscope-view
# --bench-frames on its own Xvfb, test/viewer/run-headless.py: window ready,
# first frame showing the indexed model, first frame with its graph; cold and
# with the disk cache warm), with a screenshot of the cold first graph frame
# of the 100 GB model ($BENCH_DIR/remote-first-frame.png); and the
# statistics of a 1 GiB weight against curl fetching the same byte range
# through the same proxy (throughput ratio). Goals (the issue "models where
# they live"): summary of the 100 GB model <= 3 round trips and <= IR + 2 MB
# fetched (< 0.3 s at 20 ms RTT); viewer first frame < 1.5 s; statistics >=
# 90% of curl's throughput; a warm second run with 1 revalidation request.
#
# Models (generated with mlirscope-genmodel into $BENCH_DIR, reused if present):
#   model-100G-sparse.mlirbc           100 x tensor<16384x16384xf32>, sparse
#   transformer-1000-sparse.mlirbc     1,000 Llama-style layers, bf16, sparse
#   stats-1G-sparse.mlirbc             1 x tensor<16384x16384xf32> (1 GiB)
# Set DELAY_MS for another round trip; SKIP_BIG=1 leaves the two ~100 GB
# models out; ONLY=stats measures the statistics alone. The statistics run
# twice: streamed in windows (MLIRSCOPE_STREAM_WINDOW, default 64 MiB) and
# with the whole weight read into memory first (a window larger than the
# weight: how every weight of a URL was read before streaming), each with
# its peak RSS (/usr/bin/time -v).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DELAY_MS=${DELAY_MS:-20}

if [ "${1:-}" != --inner ]; then
  need_built mlirscope mlirscope-genmodel
  need_time
  command -v curl >/dev/null || die "curl is missing"
  [ -x /usr/sbin/nginx ] || die "nginx is missing (apt-get install nginx-light)"
  if [ "${SKIP_BIG:-0}" != 1 ] && [ "${ONLY:-}" != stats ]; then
    gen model-100G-sparse.mlirbc $((100 << 30)) --layers 100 \
      --shape 16384x16384 --dtype f32 --sparse || die "no 100 GB model"
    gen transformer-1000-sparse.mlirbc 1 --model transformer --layers 1000 \
      --hidden 2048 --intermediate 5632 --heads 32 --vocab 32000 --seq 128 \
      --dtype bf16 --sparse || die "no transformer"
  fi
  gen stats-1G-sparse.mlirbc $((1 << 30)) --layers 1 --shape 16384x16384 \
    --dtype f32 --sparse || die "no 1 GiB model"
  make_tmp
  # The servers start and stop around the measurements (test/remote's).
  /usr/bin/python3 "$repo/test/remote/Inputs/servers.py" --tmp "$tmp" \
    --root "$BENCH_DIR" --proxy -- bash "$0" --inner "$tmp"
  exit $?
fi
tmp=$2
base="$PROXY/fault/delay=$DELAY_MS"

# counters LOG: "requests round-trips bytes" from MLIRSCOPE_REMOTE_STATS's line.
counters() {
  sed -nE 's/.*: ([0-9,]+) requests in ([0-9,]+) round trips, (.*) fetched.*/\1 \2 \3/p' "$1" |
    tail -1 | tr -d ','
}

# summary NAME LABEL CACHE_DIR: one row.
summary() {
  local name=$1 label=$2 cache=$3 t0 rc
  t0=$(now_ns)
  MLIRSCOPE_REMOTE_STATS=1 MLIRSCOPE_REMOTE_CACHE_DIR=$cache \
    timeout "$TIMEOUT" "$MLIRSCOPE" inspect --summary "$base/$name" \
    >/dev/null 2>"$tmp/err"
  rc=$?
  local wall; wall=$(secs_since "$t0")
  read -r req rt bytes_a bytes_b <<<"$(counters "$tmp/err")"
  if [ $rc = 0 ]; then
    printf '%-34s %-10s %8s %9s %11s %13s\n' "$name" "$label" "$wall" \
      "${req:--}" "${rt:--}" "${bytes_a:--} ${bytes_b:-}"
  else
    printf '%-34s %-10s %8s %9s %11s %13s  failed: %s\n' "$name" "$label" \
      "$wall" "${req:--}" "${rt:--}" "${bytes_a:--} ${bytes_b:-}" \
      "$(grep -v 'requests in' "$tmp/err" | head -1 | sed 's|.*/fault/[^/]*/[^:]*: ||' | cut -c1-90)"
  fi
}

note "nginx + fault proxy on 127.0.0.1, $DELAY_MS ms per request"
if [ "${ONLY:-}" != stats ]; then
printf '%-34s %-10s %8s %9s %11s %13s\n' "inspect --summary" "run" "wall s" \
  "requests" "round trips" "fetched"
models=(stats-1G-sparse.mlirbc)
[ "${SKIP_BIG:-0}" != 1 ] &&
  models=(model-100G-sparse.mlirbc transformer-1000-sparse.mlirbc "${models[@]}")
for m in "${models[@]}"; do
  summary "$m" cold off
  rm -rf "$tmp/cache"
  summary "$m" "disk 1st" "$tmp/cache" >/dev/null
  summary "$m" "disk 2nd" "$tmp/cache"
done
fi

# The viewer's first frame on a model opened by URL. A frame is drawn from
# the start (the status bar counts the fetch); "model" is the first frame
# showing the indexed model (summary, weights), "graph" the first with its
# graph laid out.
VIEW=${VIEW:-$build/bin/mlirscope-view}
if [ "${SKIP_BIG:-0}" = 1 ]; then
  :
elif [ ! -x "$VIEW" ] || ! command -v Xvfb >/dev/null; then
  echo
  note "viewer first frame: skipped (no $VIEW, or no Xvfb)"
else
  echo
  note "mlirscope-view URL --bench-frames 10 (Xvfb, Mesa software GL), ms from process start"
  printf '%-34s %-10s %8s %8s %8s %9s %11s %13s\n' "viewer first frame" "run" \
    "window" "model" "graph" "requests" "round trips" "fetched"
  # view NAME LABEL CACHE_DIR [SOURCE]: one row (SOURCE: the URL, or the
  # local file for the row to compare with).
  view() {
    local name=$1 label=$2 cache=$3 source=${4:-$base/$1} line
    : >"$tmp/err"
    MLIRSCOPE_REMOTE_STATS=1 MLIRSCOPE_REMOTE_CACHE_DIR=$cache \
      timeout "$TIMEOUT" /usr/bin/python3 "$repo/test/viewer/run-headless.py" \
      "$VIEW" --size 1600x1000 "$source" --bench-frames 10 \
      >"$tmp/view.out" 2>"$tmp/err"
    line=$(sed -nE 's/.*window ready ([0-9]+) ms, model indexed ([0-9]+) ms, first frame with its graph ([0-9]+) ms.*/\1 \2 \3/p' "$tmp/view.out")
    read -r win model graph <<<"$line"
    read -r req rt bytes_a bytes_b <<<"$(counters "$tmp/err")"
    printf '%-34s %-10s %8s %8s %8s %9s %11s %13s%s\n' "$name" "$label" \
      "${win:--}" "${model:--}" "${graph:--}" "${req:--}" "${rt:--}" \
      "${bytes_a:--} ${bytes_b:-}" \
      "$([ -n "$line" ] || echo "  failed: $(head -1 "$tmp/err" | cut -c1-90)")"
  }
  for m in model-100G-sparse.mlirbc transformer-1000-sparse.mlirbc; do
    view "$m" cold off
    rm -rf "$tmp/cache"
    view "$m" "disk 1st" "$tmp/cache" >/dev/null
    view "$m" "disk 2nd" "$tmp/cache"
    view "$m" "local file" off "$BENCH_DIR/$m"
  done
  note "goal: first frame < 1500 ms (the graph of the 1,000-layer transformer is"
  note "grouped and laid out after the model shows: bench/viewer.sh times that locally)"
  # What that first frame shows, for a person to look at.
  shot=$BENCH_DIR/remote-first-frame.png
  printf 'wait\ngraph\nscreenshot %s\nquit\n' "$shot" >"$tmp/shot.script"
  MLIRSCOPE_REMOTE_CACHE_DIR=off timeout "$TIMEOUT" /usr/bin/python3 \
    "$repo/test/viewer/run-headless.py" "$VIEW" --size 1600x1000 \
    "$base/model-100G-sparse.mlirbc" --script "$tmp/shot.script" >/dev/null 2>&1 &&
    note "screenshot of the remote 100 GB model's first graph frame: $shot" ||
    note "screenshot failed"
fi

# Statistics of the 1 GiB weight against curl fetching its bytes.
m=stats-1G-sparse.mlirbc
read -r offset size < <("$MLIRSCOPE" inspect --summary --json "$BENCH_DIR/$m" |
  python3 -c 'import json,sys
w = json.load(sys.stdin)["weights"]["largest"][0]
print(w["offset"], w["stored_bytes"])')
echo
note "statistics of layer0.weight ($(human "$size") at offset $offset) vs curl on the same range"
# stats_run LABEL WINDOW: one row, wall time, MB/s, counters, peak RSS.
mbs() { awk -v b="$size" -v t="$1" 'BEGIN { printf "%.0f", b / 1e6 / t }'; }
stats_run() {
  local label=$1 window=$2 t0 wall rss
  t0=$(now_ns)
  MLIRSCOPE_STREAM_WINDOW=$window MLIRSCOPE_REMOTE_STATS=1 \
    MLIRSCOPE_REMOTE_CACHE_DIR=off timeout "$TIMEOUT" \
    /usr/bin/time -v -o "$tmp/time" \
    "$MLIRSCOPE" stats "$base/$m" layer0.weight >/dev/null 2>"$tmp/err" ||
    note "stats failed: $(head -1 "$tmp/err")"
  wall=$(secs_since "$t0")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
  read -r req rt bytes_a bytes_b <<<"$(counters "$tmp/err")"
  printf '%-28s %8s %10s %10s  %s\n' "$label" "$wall" "$(mbs "$wall")" \
    "$(awk -v k="${rss:-0}" 'BEGIN { printf "%.0f MB", k / 1024 }')" \
    "$req, $rt, $bytes_a $bytes_b"
  echo "$wall" > "$tmp/wall"
}
# One round: curl both ways, then mlirscope both ways (REPEAT rounds, for
# a loaded machine: each round's rows are measured close together).
round() {
  t0=$(now_ns)
  timeout "$TIMEOUT" curl -sf -o /dev/null -r "$offset-$((offset + size - 1))" "$base/$m" ||
    note "curl failed"
  curl_wall=$(secs_since "$t0")
  # The same into memory (a file on /dev/shm), as mlirscope must hold them.
  shm=$(mktemp -p /dev/shm mlirscope-bench.XXXXXX)
  t0=$(now_ns)
  timeout "$TIMEOUT" curl -sf -o "$shm" -r "$offset-$((offset + size - 1))" "$base/$m" ||
    note "curl failed"
  curl_mem_wall=$(secs_since "$t0")
  rm -f "$shm"
  printf '%-28s %8s %10s %10s  %s\n' "" "wall s" "MB/s" "peak RSS" \
    "requests, round trips, fetched"
  printf '%-28s %8s %10s\n' "curl -r > /dev/null" "$curl_wall" "$(mbs "$curl_wall")"
  printf '%-28s %8s %10s\n' "curl -r > /dev/shm file" "$curl_mem_wall" "$(mbs "$curl_mem_wall")"
  stats_run "mlirscope stats (streamed)" "$window"
  stats_wall=$(cat "$tmp/wall")
  stats_run "stats, whole weight first" $((size + 1))
  whole_wall=$(cat "$tmp/wall")
  note "whole weight first (as before streaming): $(ratio "$curl_wall" "$whole_wall") of curl to /dev/null"
  note "throughput of mlirscope stats / curl into memory: $(ratio "$curl_mem_wall" "$stats_wall") (goal >= 0.9x)"
  note "throughput of mlirscope stats / curl to /dev/null: $(ratio "$curl_wall" "$stats_wall")"
}
window=${MLIRSCOPE_STREAM_WINDOW:-$((64 << 20))}
for r in $(seq "${REPEAT:-1}"); do
  [ "${REPEAT:-1}" = 1 ] || note "round $r"
  round
done
note "streamed: $(human "$window") windows, $(( 3 * window >> 20 )) MiB of them at most in memory"
