#!/bin/sh
# streamed.sh MLIRSCOPE DIR: weights larger than a window read over HTTP
# ($HTTP: nginx; $PROXY: the fault proxy in front of it) in windows of
# MLIRSCOPE_STREAM_WINDOW bytes, set small here so that each weight crosses
# dozens of windows, none a multiple of an element block, the last one
# partial. Prints one line per check:
# - statistics (with and without a histogram, one thread and several)
#   and extracts equal those of the local files, byte for byte;
# - a transfer failing mid-weight ends with one line naming the URL and the
#   offset, exit 2;
# - Ctrl-C while transfers stall ends the command at once ("cancelled").
set -u
tool=$1 dir=$2
export MLIRSCOPE_STREAM_WINDOW=100003
# Windows larger than two parts are fetched straight, in parallel parts.
export MLIRSCOPE_REMOTE_FIRST_READ=65536 MLIRSCOPE_REMOTE_BLOCK_SIZE=16384
export MLIRSCOPE_REMOTE_PART_SIZE=16384
same() { # NAME LOCAL REMOTE
  if cmp -s "$2" "$3"; then echo "same: $1"; else echo "DIFFERENT: $1"; diff "$2" "$3" | head -5; fi
}
for m in f32 bf16 f64 i8 c64; do
  for opts in "" "--bins 37" "--bins 37 --threads 1"; do
    # shellcheck disable=SC2086
    $tool stats --json $opts "$dir/www/$m.mlirbc" > "$dir/$m.local.json"
    # shellcheck disable=SC2086
    $tool stats --json $opts "$HTTP/$m.mlirbc" | sed "s|$HTTP/|$dir/www/|g" > "$dir/$m.remote.json"
    same "stats $opts $m" "$dir/$m.local.json" "$dir/$m.remote.json"
  done
  $tool extract "$dir/www/$m.mlirbc" layer1.weight -o "$dir/$m.local.npy" > /dev/null
  $tool extract "$HTTP/$m.mlirbc" layer1.weight -o "$dir/$m.remote.npy" > /dev/null
  same "extract $m" "$dir/$m.local.npy" "$dir/$m.remote.npy"
done
$tool extract "$dir/www/f32.mlirbc" --all -o "$dir/all.local.safetensors" > /dev/null
$tool extract "$HTTP/f32.mlirbc" --all -o "$dir/all.remote.safetensors" > /dev/null
# The header names the source; the tensors' bytes follow it.
tail -c 8000000 "$dir/all.local.safetensors" > "$dir/all.local.tail"
tail -c 8000000 "$dir/all.remote.safetensors" > "$dir/all.remote.tail"
same "extract --all f32" "$dir/all.local.tail" "$dir/all.remote.tail"

# A failure mid-weight: every request after the 100th is answered 500 (the
# proxy counts per fault spec: the extract's has one of its own).
rc=0
MLIRSCOPE_REMOTE_RETRIES=1 $tool stats "$PROXY/fault/err500from=100/f32.mlirbc" layer1.weight \
  > /dev/null 2> "$dir/fail.err" || rc=$?
echo "mid-weight failure: exit $rc, $(wc -l < "$dir/fail.err") line(s): $(cat "$dir/fail.err")"
rc=0
MLIRSCOPE_REMOTE_RETRIES=1 $tool extract "$PROXY/fault/err500from=101/f32.mlirbc" layer1.weight \
  -o "$dir/fail.npy" > /dev/null 2> "$dir/fail.err" || rc=$?
echo "mid-weight extract failure: exit $rc, $(wc -l < "$dir/fail.err") line(s): $(cat "$dir/fail.err")"
test -e "$dir/fail.npy" && echo "fail.npy written" || echo "no fail.npy"

# Ctrl-C while every request after the 100th stalls (a minute each, longer
# than the test's timeout): the command ends at once.
MLIRSCOPE_REMOTE_TIMEOUT=120 $tool stats "$PROXY/fault/stallfrom=100/f32.mlirbc" layer1.weight \
  > /dev/null 2> "$dir/cancel.err" &
pid=$!
sleep 2
start=$(date +%s)
kill -INT $pid
rc=0
wait $pid || rc=$?
took=$(( $(date +%s) - start ))
[ "$took" -le 3 ] && when="at once" || when="after $took s"
echo "cancel: exit $rc $when: $(tail -1 "$dir/cancel.err")"
