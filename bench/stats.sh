#!/usr/bin/env bash
# Benchmark: `mlirscope stats` vs. numpy on one 1 GiB f32 blob, with a plain
# page-cache read (dd) as the memory-bandwidth reference (wall time, GB/s and
# peak RSS, measured with /usr/bin/time -v).
#
# Model (generated with mlirscope-genmodel into $BENCH_DIR, reused if present):
#   stats-1G-f32.mlirbc   1 x tensor<16384x16384xf32>   1 GiB, dense random
#
# The blob's file offset and size come from `mlirscope inspect --summary
# --json` (resources.all[].offset/bytes). Commands timed, on the same run:
#   mlirscope stats --json FILE layer0.weight             (all cores)
#   mlirscope stats --json --threads 1 FILE layer0.weight
#   mlirscope stats --json --bins 64 FILE layer0.weight   (all cores; the
#               histogram is a second pass over the blob)
#   numpy:      np.memmap(FILE, "<f4", offset=OFF, shape=(N,)), then
#               a.min(), a.max(), a.mean(), a.std()   (float32 accumulation,
#               numpy's default; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset)
#   numpy-f64:  the same with a.mean(dtype=float64), a.std(dtype=float64);
#               its results are the reference of the agreement check
#   dd:         dd if=FILE of=/dev/null bs=16M iflag=skip_bytes,count_bytes
#               skip=OFF count=BYTES   (page-cache read throughput)
#
# The page cache is warm: the model is first evicted (posix_fadvise
# DONTNEED) and read once sequentially, so that it is cached the same way
# (large folios: few page faults for the mmap-based tools) from one run of the
# script to the next; then each command runs once untimed, then REPEAT times;
# the best wall time and the best peak RSS are kept. GB/s = blob bytes / wall
# (1 GB = 1e9 bytes), wall including process start-up (and numpy's import).
# min/max/mean/std of every row that computes them are compared with the
# numpy-f64 reference: "agree" when all four are within 1e-6 relative.
#
# Environment:
#   BENCH_DIR            where the model goes         (/tmp/mlirscope-bench)
#   MLIRSCOPE_BUILD_DIR  build directory, absolute or relative to the repo
#                        root                         (build)
#   MLIRSCOPE            mlirscope binary             ($MLIRSCOPE_BUILD_DIR/bin/mlirscope)
#   GENMODEL             generator binary             ($MLIRSCOPE_BUILD_DIR/bin/mlirscope-genmodel)
#   PYTHON               a python with numpy          (/usr/bin/python3)
#   TIMEOUT              per-command timeout, s       (300)
#   REPEAT               timed runs per command, best kept (3)
#   REGENERATE=1         regenerate the model even if present
: "${REPEAT:=3}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PYTHON=${PYTHON:-/usr/bin/python3}

# --- Tools -------------------------------------------------------------------
need_time
need_built mlirscope mlirscope-genmodel
"$PYTHON" -c 'import numpy' 2>/dev/null ||
  die "$PYTHON has no numpy (Debian: apt-get install python3-numpy; or set PYTHON)"
command -v dd >/dev/null || die "dd is missing"

# --- Model -------------------------------------------------------------------
KEY=layer0.weight
ELEMENTS=$((16384 * 16384))
f=$BENCH_DIR/stats-1G-f32.mlirbc

# locate: sets OFF BYTES N from `inspect --summary --json`; fails unless the
# model holds KEY as an f32 blob of ELEMENTS elements.
locate() {
  local out
  out=$("$MLIRSCOPE" inspect --summary --json "$f" 2>/dev/null | "$PYTHON" -c '
import json, sys
key, want = sys.argv[1], int(sys.argv[2])
for r in json.load(sys.stdin)["resources"]["all"]:
    if r.get("key") == key and r.get("kind") == "blob":
        if r.get("dtype") == "f32" and r["elements"] == want and r["bytes"] == 4 * want:
            print(r["offset"], r["bytes"], r["elements"])
        break
' "$KEY" "$ELEMENTS") || return 1
  [ -n "$out" ] || return 1
  read -r OFF BYTES N <<<"$out"
}

generate() {
  genmodel "$f" --layers 1 --shape 16384x16384 --dtype f32 ||
    die "generating $(basename "$f") failed"
}

if [ "$REGENERATE" != 1 ] && [ -f "$f" ] && locate; then
  note "reusing $f ($(human "$(stat -c %s "$f")"))"
else
  [ -f "$f" ] && [ "$REGENERATE" != 1 ] && note "$f is not the expected model: regenerating"
  generate
  locate || die "inspect --json does not show $KEY as f32[$ELEMENTS] in $f"
fi
# Sparse blobs read as zeros without touching memory: not a benchmark.
disk=$(du -B1 "$f" | cut -f1)
[ "$disk" -ge "$BYTES" ] || die "$f is sparse ($(human "$disk") on disk): REGENERATE=1"
note "blob $KEY: f32[$N], $BYTES bytes at offset $OFF"

# --- Cache ---------------------------------------------------------------------
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
[ "${avail_kb:-0}" -ge $((4 * BYTES / 1024)) ] ||
  note "only $(human $((${avail_kb:-0} * 1024))) of memory available: the model may not stay cached (numpy-f64 alone needs ~3x the blob)"
"$PYTHON" -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
' "$f" || note "could not evict $f from the page cache"
cat "$f" >/dev/null || die "cannot read $f"

# --- Commands ------------------------------------------------------------------
make_tmp

# numpy prints min max mean std, one per line (repr of float64).
numpy_script() {  # numpy_script ACCUM: "" (numpy's default) or float64
  local dt=${1:+dtype=np.$1}
  cat <<EOF
import numpy as np
a = np.memmap("$f", dtype="<f4", mode="r", offset=$OFF, shape=($N,))
r = (a.min(), a.max(), a.mean($dt), a.std($dt))
print("\n".join(repr(float(x)) for x in r))
EOF
}

ncores=$(nproc)
tools=(mlirscope mlirscope-t1 mlirscope-bins numpy numpy-f64 dd)
label() {
  case $1 in
    mlirscope) echo "mlirscope stats ($ncores threads)" ;;
    mlirscope-t1) echo "mlirscope stats --threads 1" ;;
    mlirscope-bins) echo "mlirscope stats --bins 64" ;;
    numpy) echo "numpy (f32 accumulate)" ;;
    numpy-f64) echo "numpy (dtype=float64)" ;;
    dd) echo "dd (page-cache read)" ;;
  esac
}
command_for() {  # sets cmd=(...) for tool $1
  case $1 in
    mlirscope) cmd=("$MLIRSCOPE" stats --json "$f" "$KEY") ;;
    mlirscope-t1) cmd=("$MLIRSCOPE" stats --json --threads 1 "$f" "$KEY") ;;
    mlirscope-bins) cmd=("$MLIRSCOPE" stats --json --bins 64 "$f" "$KEY") ;;
    numpy) cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" -c "$(numpy_script)") ;;
    numpy-f64) cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" -c "$(numpy_script float64)") ;;
    dd) cmd=(dd if="$f" of=/dev/null bs=16M "iflag=skip_bytes,count_bytes" skip="$OFF" count="$BYTES") ;;
  esac
}

# measure_tool TOOL -> sets r_status r_wall r_rss; TOOL's stdout in $tmp/TOOL.out
measure_tool() {
  local cmd
  command_for "$1"
  MEASURE_STDOUT=$tmp/$1.out measure warm "$1" "${cmd[@]}"
}

# values TOOL -> "min max mean std" from its last output, or nothing
values() {
  case $1 in
    mlirscope*)
      "$PYTHON" -c '
import json, sys
s = json.load(open(sys.argv[1]))[0]
print(*(repr(float(s[k])) for k in ("min", "max", "mean", "std")))
' "$tmp/$1.out" 2>/dev/null ;;
    numpy*) [ -s "$tmp/$1.out" ] && tr '\n' ' ' <"$tmp/$1.out" ;;
  esac
}

# agreement "VALUES" "REFERENCE" -> "agree (max rel N)" / "DISAGREE (...)" / "-"
agreement() {
  if [ -z "$1" ] || [ -z "$2" ]; then echo "-"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN {
    n = split(a, x, " "); split(b, y, " "); worst = 0
    for (i = 1; i <= n; i++) {
      d = x[i] - y[i]; if (d < 0) d = -d
      m = y[i] < 0 ? -y[i] : y[i]
      r = m > 0 ? d / m : d
      if (r > worst) worst = r
    }
    printf "%s (max rel %.1e)", (worst <= 1e-6 ? "agree" : "DISAGREE"), worst }'
}

gbps() {  # gbps WALL -> bytes / wall in GB/s
  case $1 in ""|">"*) echo "-" ;;
    *) awk -v b="$BYTES" -v w="$1" 'BEGIN { if (w > 0) printf "%.2f", b / w / 1e9; else print "-" }' ;;
  esac
}

declare -A wall rss status vals
for t in "${tools[@]}"; do
  measure_tool "$t"
  wall[$t]=$r_wall rss[$t]=$r_rss status[$t]=$r_status
  vals[$t]=
  [ "$r_status" = ok ] && vals[$t]=$(values "$t")
done
ref=${vals[numpy-f64]}

echo
echo "mlirscope: $MLIRSCOPE"
echo "numpy:     $PYTHON, numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)')"
echo "model:     $f, $KEY f32[$N], $(human "$BYTES") at offset $OFF"
echo "cache:     warm (model evicted and read once sequentially, then each command ran once before timing); runs per command: $REPEAT (best kept); timeout ${TIMEOUT}s"
echo "cpu:       $ncores cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-32s %8s %7s %12s %9s  %s\n' tool wall_s GB/s peak_rss_MB vs_numpy "check vs numpy-f64 (1e-6 rel)"
for t in "${tools[@]}"; do
  check=-
  case $t in mlirscope*|numpy*) check=$(agreement "${vals[$t]}" "$ref") ;; esac
  [ "$t" = numpy-f64 ] && check="(reference)"
  [ "${status[$t]}" != ok ] && check=${status[$t]}
  printf '%-32s %8s %7s %12s %9s  %s\n' "$(label "$t")" "${wall[$t]:--}" \
    "$(gbps "${wall[$t]}")" "${rss[$t]:--}" "$(ratio "${wall[numpy]}" "${wall[$t]}")" "$check"
done
echo "(vs_numpy = numpy wall / row wall; GB/s = $BYTES bytes / wall, 1 GB = 1e9 B)"
echo "(numpy's default mean/std accumulate in float32: their error against the"
echo " float64 reference is numpy's, it says nothing about mlirscope)"
echo
printf '%-32s %24s %24s %24s %24s\n' values min max mean std
for t in mlirscope mlirscope-t1 numpy numpy-f64; do
  [ -n "${vals[$t]}" ] || continue
  # shellcheck disable=SC2086
  printf '%-32s %24s %24s %24s %24s\n' "$(label "$t")" ${vals[$t]}
done
