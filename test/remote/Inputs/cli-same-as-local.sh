#!/bin/sh
# cli-same-as-local.sh MLIRSCOPE BASE_URL DIR OUT
#
# Each read command of the CLI on models served at BASE_URL (the files of
# DIR) answers what it answers for the local files: diff, graph (json and
# dot), convert -o, rewrite -o and strip -o (files compared byte for byte),
# the URL standing where the path stood in what is printed. One line per
# check; the first difference prints DIFFERENT and fails.
set -eu
tool=$1 base=$2 dir=$3 out=$4
mkdir -p "$out"
same() { # NAME LOCAL REMOTE
  if cmp -s "$2" "$3"; then
    echo "same: $1"
  else
    echo "DIFFERENT: $1"
    diff "$2" "$3" | head -20
    exit 1
  fi
}
# Runs a command locally and remotely (FILEs written as the path, @FILEs as
# the URL), keeping stdout, stderr and the exit status of each.
both() { # NAME ARGS... (with %L/F for a file F, local or remote)
  name=$1; shift
  largs="" rargs=""
  for a in "$@"; do
    case $a in
      %L/*) f=${a#%L/}; largs="$largs $dir/$f"; rargs="$rargs $base/$f" ;;
      *) largs="$largs $a"; rargs="$rargs $a" ;;
    esac
  done
  lrc=0 rrc=0
  # shellcheck disable=SC2086
  $tool $largs > "$out/$name.local" 2>&1 || lrc=$?
  # shellcheck disable=SC2086
  $tool $rargs 2>&1 | sed "s|$base/|$dir/|g" > "$out/$name.remote" || true
  $tool $rargs > /dev/null 2>&1 || rrc=$?
  echo "exit $lrc" >> "$out/$name.local"
  echo "exit $rrc" >> "$out/$name.remote"
  same "$name" "$out/$name.local" "$out/$name.remote"
}
both diff-bc-text diff %L/tiny.mlirbc %L/tiny.mlir
both diff-same diff %L/tiny.mlirbc %L/tiny.mlirbc
both diff-vhlo diff %L/vhlo.0_10_0.mlir.bc %L/vhlo.1_0_0.mlir.bc
for f in tiny.mlirbc tiny.mlir vhlo.1_0_0.mlir.bc; do
  for fmt in json dot; do
    $tool graph --format $fmt "$dir/$f" -o "$out/$f.$fmt.local" > /dev/null
    $tool graph --format $fmt "$base/$f" -o "$out/$f.$fmt.remote" > /dev/null
    sed -i "s|$base/|$dir/|g" "$out/$f.$fmt.remote"
    same "graph --format $fmt $f" "$out/$f.$fmt.local" "$out/$f.$fmt.remote"
  done
done
# convert writes the other format; rewrite and strip write bytecode.
$tool convert "$dir/tiny.mlirbc" -o "$out/tiny.mlir.local"
$tool convert "$base/tiny.mlirbc" -o "$out/tiny.mlir.remote"
same "convert tiny.mlirbc" "$out/tiny.mlir.local" "$out/tiny.mlir.remote"
$tool convert "$dir/tiny.mlir" -o "$out/tiny.mlirbc.local"
$tool convert "$base/tiny.mlir" -o "$out/tiny.mlirbc.remote"
same "convert tiny.mlir" "$out/tiny.mlirbc.local" "$out/tiny.mlirbc.remote"
for cmd in rewrite strip; do
  for f in tiny.mlirbc vhlo.1_0_0.mlir.bc; do
    $tool $cmd "$dir/$f" -o "$out/$f.$cmd.local"
    $tool $cmd "$base/$f" -o "$out/$f.$cmd.remote"
    same "$cmd $f" "$out/$f.$cmd.local" "$out/$f.$cmd.remote"
  done
done
# The rewritten copy is the model itself.
cmp "$dir/tiny.mlirbc" "$out/tiny.mlirbc.rewrite.remote" && echo "rewrite copy: identical to the served file"
