#!/bin/sh
# multirange.sh MLIRSCOPE DIR SPEC...
#
# For each fault SPEC (faultproxy.py): the summary of DIR/model.mlirbc read
# through $PROXY/fault/SPEC is that of the local file, and the remote
# source's counters line (MLIRSCOPE_REMOTE_STATS) is printed after the SPEC.
set -u
tool=$1 dir=$2
shift 2
$tool inspect --summary --json "$dir/model.mlirbc" > "$dir/local.json"
for spec in "$@"; do
  url="$PROXY/fault/$spec/model.mlirbc"
  MLIRSCOPE_REMOTE_STATS=1 MLIRSCOPE_REMOTE_CACHE_DIR=off \
    $tool inspect --summary --json "$url" 2> "$dir/err" |
    sed "s|$url|$dir/model.mlirbc|g" > "$dir/remote.json"
  if cmp -s "$dir/local.json" "$dir/remote.json"; then
    echo "$spec: same summary; $(grep 'requests in' "$dir/err" | sed 's|.*model.mlirbc: ||')"
  else
    echo "$spec: DIFFERENT"
    diff "$dir/local.json" "$dir/remote.json" | head -10
    head -3 "$dir/err"
  fi
done
