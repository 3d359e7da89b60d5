#!/bin/sh
# disk-cache-together.sh MLIRSCOPE BASE_URL DIR CACHE LOCAL_STATS ROUNDS
#
# ROUNDS times, from an empty cache: six `stats` of BASE_URL/model.mlirbc at
# once into the same CACHE (4 KiB blocks: hundreds of writes each, racing
# the others' first writes of the entry), then a seventh alone, from what
# they left. Every answer must be LOCAL_STATS's; prints the seventh run's
# figures and one line per round.
set -eu
tool=$1 base=$2 dir=$3 cache=$4 expected=$5 rounds=$6
url=$base/model.mlirbc
export MLIRSCOPE_REMOTE_BLOCK_SIZE=4096 MLIRSCOPE_REMOTE_CACHE_DIR=$cache
same() { sed "s|$url|$dir/model.mlirbc|" "$1" | cmp -s - "$expected"; }
for r in $(seq "$rounds"); do
  rm -rf "$cache"
  for i in 1 2 3 4 5 6; do
    $tool stats --json "$url" > "$cache.$i" 2>&1 &
  done
  wait
  for i in 1 2 3 4 5 6; do
    same "$cache.$i" || { echo "DIFFERENT: round $r, run $i"; exit 1; }
  done
  MLIRSCOPE_REMOTE_STATS=1 $tool stats --json "$url" > "$cache.7" 2> "$cache.err"
  same "$cache.7" || { echo "DIFFERENT: round $r, the run after"; exit 1; }
  sed 's/^[^ ]*: /after: /' "$cache.err"
  echo "round $r: 7 right answers"
done
