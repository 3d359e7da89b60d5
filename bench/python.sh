#!/usr/bin/env bash
# Benchmark: the Python module (import mlirscope) against numpy and the CLI.
#
# Models (mlirscope-genmodel, into $BENCH_DIR, reused if present):
#   stats-1G-f32.mlirbc   1 x tensor<16384x16384xf32>, 1 GiB dense random
#                         (the model bench/stats.sh uses), exported once as
#                         python-1G.npy with `mlirscope extract`
#   python-fleet/m*.mlirbc  1,000 small models (1-3 weights of 4x8..8x8)
#
# Printed, on the same run (bench/python-bench.py does the timing; each
# array row runs in a fresh interpreter so its RSS is its own):
#   m[key] on the 1 GiB weight: time to the array and peak RSS, vs
#     np.load(mmap_mode="r") of the .npy and vs reading the .npy into memory
#     (np.fromfile); "copied" is the RSS growth over the interpreter's.
#   m.stats(key) (core, all cores, GIL released) vs numpy's min/max/mean/std
#     and NaN/Inf counts on np.memmap of the same bytes (warm page cache).
#   mlirscope.scan of the 1,000 models (summary()) on a Dask LocalCluster of
#     2 worker processes (cluster start-up apart), vs a shell loop running
#     `mlirscope inspect --summary --json` on each.
#
# Environment: BENCH_DIR, MLIRSCOPE_BUILD_DIR, MLIRSCOPE, GENMODEL (lib.sh);
#   PYTHON (/usr/bin/python3: numpy, python3-distributed); REGENERATE=1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PYTHON=${PYTHON:-/usr/bin/python3}

need_built mlirscope mlirscope-genmodel
[ -f "$build/python/mlirscope/__init__.py" ] ||
  ninja -C "$build" mlirscope-python >/dev/null || die "cannot build mlirscope-python"
"$PYTHON" -c 'import numpy, distributed' 2>/dev/null ||
  die "$PYTHON lacks numpy or distributed (apt-get install python3-numpy python3-distributed)"

big=$BENCH_DIR/stats-1G-f32.mlirbc
npy=$BENCH_DIR/python-1G.npy
fleet=$BENCH_DIR/python-fleet
if [ "$REGENERATE" = 1 ] || [ ! -f "$big" ]; then
  note "generating $big"
  "$GENMODEL" -o "$big" --shape 16384x16384 || die "genmodel failed"
fi
if [ "$REGENERATE" = 1 ] || [ ! -f "$npy" ]; then
  "$MLIRSCOPE" extract "$big" layer0.weight -o "$npy" || die "extract failed"
fi
if [ "$REGENERATE" = 1 ] || [ ! -f "$fleet/m999.mlirbc" ]; then
  note "generating 1,000 models in $fleet"
  mkdir -p "$fleet"
  for i in $(seq 0 999); do
    "$GENMODEL" -o "$fleet/m$i.mlirbc" --layers $((1 + i % 3)) \
      --shape "$((4 + i % 5))x8" --seed "$i" || die "genmodel failed"
  done
fi

PYTHONPATH=$build/python exec "$PYTHON" "$repo/bench/python-bench.py" \
  "$MLIRSCOPE" "$big" "$npy" "$fleet"
