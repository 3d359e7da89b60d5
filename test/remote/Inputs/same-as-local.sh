#!/bin/sh
# same-as-local.sh MLIRSCOPE BASE_URL DIR OUT FILE...
#
# For each FILE (a path under DIR, served at BASE_URL/FILE): the summary
# (inspect --summary --json), the statistics of every weight (stats --json)
# and the tensors of every typed weight (extract --all) of the remote
# model are those of the local file, the URL standing where the path stood.
# Prints one line per file; the first difference fails.
set -eu
tool=$1 base=$2 dir=$3 out=$4
shift 4
mkdir -p "$out"
for f in "$@"; do
  url="$base/$f" local="$dir/$f" tag=$(echo "$f" | tr '/' '_')
  for cmd in "inspect --summary --json" "stats --json"; do
    name=$(echo "$cmd" | cut -d' ' -f1)
    $tool $cmd "$local" > "$out/$tag.$name.local" 2>&1 || true
    $tool $cmd "$url" 2>&1 | sed "s|$url|$local|g" > "$out/$tag.$name.remote" || true
    if ! cmp -s "$out/$tag.$name.local" "$out/$tag.$name.remote"; then
      echo "DIFFERENT: $f: $name"
      diff "$out/$tag.$name.local" "$out/$tag.$name.remote" | head -20
      exit 1
    fi
  done
  lrc=0 rrc=0
  $tool extract --all "$local" -o "$out/$tag.local.safetensors" > /dev/null 2>&1 || lrc=$?
  $tool extract --all "$url" -o "$out/$tag.remote.safetensors" > /dev/null 2>&1 || rrc=$?
  if [ "$lrc" != "$rrc" ] || { [ "$lrc" = 0 ] &&
       ! /usr/bin/python3 "$(dirname "$0")/same-safetensors.py" \
         "$out/$tag.local.safetensors" "$out/$tag.remote.safetensors"; }; then
    echo "DIFFERENT: $f: extract (exit $lrc locally, $rrc remotely)"
    exit 1
  fi
  echo "same: $f: $(grep -c . "$out/$tag.inspect.local") summary lines, extract exit $lrc"
done
