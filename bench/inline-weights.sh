#!/usr/bin/env bash
# Benchmark: weights that are not resource blobs, against the baseline that
# does the same job, in the same run (wall time and peak RSS, measured with
# /usr/bin/time -v; the page cache warm). Parts (PARTS, default all):
#
# summary      `mlirscope inspect --summary` vs. `mlir-opt
#              --mlir-elide-elementsattrs-if-larger=16 -o /dev/null` on a
#              model of 4 GiB of inline f32 weights (64 x
#              tensor<4096x4096xf32>), as text (TFLite-style
#              `dense<"0x...">`, 8 GiB of hex: inline-4G.mlir) and as
#              bytecode (raw data in the IR: inline-4G.mlirbc). Goal for the
#              bytecode: < 0.1 s and < 64 MB.
# stats        `mlirscope stats` of a 1 GiB inline weight written as hex
#              (inline-1G.mlir, tensor<16384x16384xf32>) vs. numpy decoding
#              the same hex (bytes.fromhex + frombuffer, then min/max/mean).
#              Goal: >= 1 GB/s of hex.
# externalize  `mlirscope externalize inline-4G.mlir -o OUT` vs. `cp` (and
#              `cp && sync`, as externalize fsyncs) of the same file. Goal:
#              externalize at >= 50% of cp's speed.
# view         the language server's `mlir/convertFromBytecode` of
#              inline-4G.mlirbc against mlir-lsp-server's (bench/lsp.sh's
#              convert scenario): reply size, time, peak RSS. Goal: < 1 MB
#              where upstream sends ~8 GB of hex. Then inline-1G.mlir opened
#              from disk as an editor opens a file too large to sync
#              (mlirscope/openFile) and a hover on its 1 GiB weight. Goal:
#              the hover < 100 ms.
# parameters   `mlirscope inspect --summary` of an IREE-style model whose
#              10 GiB of weights live in a .irpa archive (40 x 256 MiB
#              parameters, the archive sparse: holes, ~no disk), bound with
#              --parameters model=FILE.
#
# Models are generated into $BENCH_DIR (mlirscope-genmodel --inline, and
# bench/make-irpa-model.py) and reused when present.
#
# Environment: BENCH_DIR, MLIRSCOPE_BUILD_DIR, MLIRSCOPE, GENMODEL, MLIR_OPT,
# TIMEOUT, REPEAT, REGENERATE as in inspect-summary.sh; PARTS="summary stats"
# to run some parts only.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_time
need_built mlirscope-genmodel
[ -x "$MLIR_OPT" ] || die "no mlir-opt at $MLIR_OPT"
[ -x "$MLIRSCOPE" ] || die "no mlirscope at $MLIRSCOPE"
PARTS=${PARTS:-summary stats externalize view parameters}
part() { [[ " $PARTS " == *" $1 "* ]]; }
make_tmp
MEASURE_STDOUT=/dev/null

rows=()
row() {  # row WHAT SIZE TOOL: after measure
  rows+=("$(printf '%-30s %9s  %-22s %9s %12s  %s' "$1" "$2" "$3" \
    "${r_wall:--}" "${r_rss:--}" "$r_status")")
}
size_of() { human "$(stat -c %s "$1")"; }

if part summary || part externalize; then
  gen inline-4G.mlir $((8 << 30)) --text --inline --layers 64 --shape 4096x4096 --dtype f32
fi
if part summary; then
  gen inline-4G.mlirbc $((4 << 30)) --inline --layers 64 --shape 4096x4096 --dtype f32
  for f in inline-4G.mlirbc inline-4G.mlir; do
    p=$BENCH_DIR/$f
    [ -f "$p" ] || continue
    measure warm "mlirscope $f" "$MLIRSCOPE" inspect --summary "$p"
    row "summary $f" "$(size_of "$p")" mlirscope
    measure warm "mlir-opt $f" "$MLIR_OPT" --mlir-elide-elementsattrs-if-larger=16 "$p" -o /dev/null
    row "summary $f" "$(size_of "$p")" "mlir-opt (elided)"
  done
fi

if part stats; then
  gen inline-1G.mlir $((2 << 30)) --text --inline --layers 1 --shape 16384x16384 --dtype f32
  p=$BENCH_DIR/inline-1G.mlir
  if [ -f "$p" ]; then
    measure warm "stats" "$MLIRSCOPE" stats "$p" '@forward/arith.constant#0'
    row "stats 1 GiB inline (hex)" "$(size_of "$p")" mlirscope
    PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
    if "$PY" -c "import numpy" 2>/dev/null; then
      cat >"$tmp/numpy-stats.py" <<'EOF'
import re, sys, numpy as np
text = open(sys.argv[1], 'rb').read()
m = re.search(rb'dense<"0x([0-9A-Fa-f]+)">', text)
a = np.frombuffer(bytes.fromhex(m.group(1).decode()), dtype='<f4')
print(a.min(), a.max(), a.mean(dtype=np.float64), a.std(dtype=np.float64))
EOF
      measure warm "numpy" "$PY" "$tmp/numpy-stats.py" "$p"
      row "stats 1 GiB inline (hex)" "$(size_of "$p")" "numpy (fromhex)"
    else
      note "numpy is not installed (apt-get install python3-numpy): no numpy row"
    fi
  fi
fi

if part externalize; then
  p=$BENCH_DIR/inline-4G.mlir
  if [ -f "$p" ]; then
    out=$BENCH_DIR/externalized.mlir
    MEASURE_AFTER=remove_out
    remove_out() { rm -f "$out"; }
    measure warm "externalize" "$MLIRSCOPE" externalize "$p" -o "$out"
    row "externalize inline-4G.mlir" "$(size_of "$p")" "mlirscope externalize"
    measure warm "cp" cp "$p" "$out"
    row "externalize inline-4G.mlir" "$(size_of "$p")" "cp"
    measure warm "cp+sync" sh -c 'cp "$1" "$2" && sync "$2"' sh "$p" "$out"
    row "externalize inline-4G.mlir" "$(size_of "$p")" "cp && sync"
    MEASURE_AFTER=
  fi
fi

if part view; then
  gen inline-4G.mlirbc $((4 << 30)) --inline --layers 64 --shape 4096x4096 --dtype f32
  gen inline-1G.mlir $((2 << 30)) --text --inline --layers 1 --shape 16384x16384 --dtype f32
  LSP_SCENARIOS="convert diskhover" LSP_CONVERT_FILES=$BENCH_DIR/inline-4G.mlirbc \
    LSP_DISK_FILES=$BENCH_DIR/inline-1G.mlir \
    bash "$(dirname "${BASH_SOURCE[0]}")/lsp.sh" | sed 's/^/view: /'
fi

if part parameters; then
  model=$BENCH_DIR/params-10G.mlir archive=$BENCH_DIR/params-10G.irpa
  if [ "$REGENERATE" = 1 ] || [ ! -f "$archive" ] || [ ! -f "$model" ]; then
    python3 "$(dirname "${BASH_SOURCE[0]}")/make-irpa-model.py" \
      --params 40 --shape 8192x8192 --scope model "$model" "$archive" ||
      die "make-irpa-model.py failed"
  fi
  measure warm "params" "$MLIRSCOPE" inspect --summary --parameters "model=$archive" "$model"
  row "summary + 10 GiB .irpa" "$(size_of "$archive")" mlirscope
fi

printf '%-30s %9s  %-22s %9s %12s  %s\n' what size tool wall_s peak_rss_MB status
printf '%s\n' "${rows[@]}"
