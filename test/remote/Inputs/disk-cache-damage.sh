#!/bin/sh
# disk-cache-damage.sh MLIRSCOPE BASE_URL DIR CACHE LOCAL_STATS
#
# Fills a disk cache with BASE_URL/model.mlirbc, then damages its entry in
# one way after another (a flipped byte in a block, the data file cut short,
# a torn meta file, garbage appended to the ranges file) and runs `stats`
# again after each: the answer must be LOCAL_STATS's, and the run after it
# must fetch nothing (the entry was mended). Prints what each run fetched.
set -eu
tool=$1 base=$2 dir=$3 cache=$4 expected=$5
url=$base/model.mlirbc
fetched() { sed -n 's/.* round trips, \(.*\) fetched,.*/\1/p' "$cache.err"; }
run() { # prints the bytes fetched; fails on a wrong answer
  MLIRSCOPE_REMOTE_CACHE_DIR=$cache MLIRSCOPE_REMOTE_STATS=1 \
    $tool stats --json "$url" > "$cache.out" 2> "$cache.err"
  sed "s|$url|$dir/model.mlirbc|" "$cache.out" | cmp -s - "$expected" ||
    { echo "DIFFERENT answer"; cat "$cache.err"; exit 1; }
}
rm -rf "$cache"
run; echo "filled: $(fetched) fetched"
entry=$(ls -d "$cache"/*/)
data=$(ls "$entry"*.data)
# One byte of the second block (1 MiB blocks) flipped.
printf '\377' | dd of="$data" bs=1 seek=$((1048576 + 100)) conv=notrunc 2>/dev/null
run; echo "corrupted block: same answer, $(fetched) fetched"
run; echo "after: $(fetched) fetched"
truncate -s 1500000 "$data"
run; echo "truncated data: same answer, $(fetched) fetched"
run; echo "after: $(fetched) fetched"
head -c 20 "$entry/meta" > "$entry/meta.cut" && mv "$entry/meta.cut" "$entry/meta"
run; echo "torn meta: same answer, $(fetched) fetched"
run; echo "after: $(fetched) fetched"
printf 'garbage that is no record of ranges at all' >> "$(ls "$entry"*.ranges)"
run; echo "garbage ranges: same answer"
run; echo "after: $(fetched) fetched"
