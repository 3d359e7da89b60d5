#!/bin/sh
# parameters-same-as-local.sh MLIRSCOPE DIR OUT   ($HTTP serves DIR)
#
# IREE's parameters_scoped.mlir (in DIR) with its archives bound by URL
# answers what it answers with them bound by path: weight list, summary,
# statistics, extracted tensors. Prints one line per check.
set -eu
tool=$1 dir=$2 out=$3
mkdir -p "$out"
model=$dir/parameters_scoped.mlir
local="--parameters a=$dir/parameters_a.safetensors --parameters b=$dir/parameters_b.safetensors"
remote="--parameters a=$HTTP/parameters_a.safetensors --parameters b=$HTTP/parameters_b.safetensors"
same() { # NAME LOCAL REMOTE
  sed -i "s|$HTTP/|$dir/|g" "$3"
  if cmp -s "$2" "$3"; then echo "same: $1"; else
    echo "DIFFERENT: $1"; diff "$2" "$3" | head -20; exit 1; fi
}
for cmd in "inspect --weights" "inspect --summary" "stats"; do
  # shellcheck disable=SC2086
  $tool $cmd $model $local > "$out/l" 2>&1
  # shellcheck disable=SC2086
  $tool $cmd $model $remote > "$out/r" 2>&1
  same "$cmd" "$out/l" "$out/r"
done
# shellcheck disable=SC2086
$tool extract --all $model $local -o "$out/l.safetensors" > /dev/null
# shellcheck disable=SC2086
$tool extract --all $model $remote -o "$out/r.safetensors" > /dev/null
if cmp -s "$out/l.safetensors" "$out/r.safetensors"; then echo "same: extract --all"
else echo "DIFFERENT: extract --all"; exit 1; fi
# shellcheck disable=SC2086
$tool inspect --weights "$HTTP/parameters_scoped.mlir" $remote > "$out/r" 2>&1
# shellcheck disable=SC2086
$tool inspect --weights $model $local > "$out/l" 2>&1
same "remote model, remote archives" "$out/l" "$out/r"
rc=0
$tool inspect --summary "$model" --parameters "a=$HTTP/nope.safetensors" 2>&1 || rc=$?
echo "exit $rc"
# shellcheck disable=SC2086
$tool stats --verbose $model $remote a::a0 2>&1 >/dev/null
