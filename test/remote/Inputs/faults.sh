#!/bin/sh
# faults.sh MLIRSCOPE DIR: statistics of DIR/www/model.mlirbc through the
# fault proxy ($PROXY), one case per fault, each ending with the right answer
# (the local file's statistics) or one line of error and a non-zero exit.
# Small blocks and parts make a 2 MiB model take a few dozen requests.
tool=$1 dir=$2
export MLIRSCOPE_REMOTE_FIRST_READ=65536 MLIRSCOPE_REMOTE_BLOCK_SIZE=65536
export MLIRSCOPE_REMOTE_PART_SIZE=131072 MLIRSCOPE_REMOTE_TIMEOUT=1
local="$dir/www/model.mlirbc"
$tool stats --json "$local" > "$dir/local.json"
run() { # run CASE FILE [COMMAND...]: prints "CASE: same" or how it failed
  spec=$1 file=$2
  shift 2
  url="$PROXY/fault/$spec/$file"
  rc=0
  "$@" "$url" > "$dir/$spec.out" 2> "$dir/$spec.err" || rc=$?
  if [ "$rc" = 0 ]; then
    sed "s|$url|$local|g" "$dir/$spec.out" > "$dir/$spec.json"
    if cmp -s "$dir/local.json" "$dir/$spec.json"; then
      echo "$spec: same"
    else
      echo "$spec: DIFFERENT"
    fi
  else
    echo "$spec: exit $rc, $(wc -l < "$dir/$spec.err") line(s): $(cat "$dir/$spec.err")"
  fi
}
run none model.mlirbc $tool stats --json
run delay=30 model.mlirbc $tool stats --json
run err500=2 model.mlirbc $tool stats --json
run drop=3 model.mlirbc $tool stats --json
run stall=1 model.mlirbc $tool stats --json
MLIRSCOPE_REMOTE_RETRIES=2 run err500=100 model.mlirbc $tool stats --json
run norange model.mlirbc $tool stats --json
run replace=1 model.mlirbc $tool stats --json
# Without ETags, Last-Modified pins the version (If-Unmodified-Since).
run noetag model.mlirbc $tool stats --json
run noetag,replace=1 model.mlirbc $tool stats --json
# A server that ignores Range on a large object: refused before its body.
run norange,big big.bin $tool inspect --summary
/usr/bin/python3 - "$dir/proxy.log" <<'PY'
import sys
for line in open(sys.argv[1]):
    method, path, status, sent = line.split()
    if "norange,big" in path:
        print("big object without ranges: status", status,
              "less than half sent" if int(sent) < 32 << 20 else
              f"{sent} bytes sent")
PY
