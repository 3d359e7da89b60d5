#!/usr/bin/env bash
# Writes the README's graph images (docs/images/*.svg) from a small generated
# transformer, with the project's own tools: a 4-layer model in JAX naming,
# the function with its layers folded, and one layer opened.
#
#   scripts/graph-images.sh [BUILD_DIR]    (default: build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD/bin/mlirscope-genmodel" -o "$tmp/transformer.mlirbc" \
  --model transformer --layers 4 --loc-style jax
cd "$tmp"
"$BUILD/bin/mlirscope" graph transformer.mlirbc --func forward --expand 1 \
  --format svg -o "$ROOT/docs/images/transformer.svg"
"$BUILD/bin/mlirscope" graph transformer.mlirbc --func forward \
  --group transformer/layer_1 --format svg \
  -o "$ROOT/docs/images/transformer-layer.svg"
echo "wrote docs/images/transformer.svg, docs/images/transformer-layer.svg"
