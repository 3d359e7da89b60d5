#!/usr/bin/env bash
# Benchmark: the weight-moving commands of mlirscope against the baseline that
# does the same job, in the same run (wall time, GB/s and peak RSS, measured
# with /usr/bin/time -v). Three parts (PARTS, default all):
#
# rewrite  `mlirscope rewrite F -o OUT` vs. `cp F OUT` on the 4 GiB dense
#          model (model-4G.mlirbc, 64 x tensor<4096x4096xf32>, the one of
#          inspect-summary.sh), OUT next to F (same file system), deleted after
#          every run. Warm (F read once first, then each command once untimed)
#          and, as root, cold (page cache dropped before every run); `sync`
#          before every timed run, so that none starts with dirty pages. `rewrite`
#          fsyncs its output before renaming it into place and `cp` does not,
#          so `cp F OUT && sync OUT` is timed as well. Target: rewrite at
#          >= 80% of cp's speed (cp wall / rewrite wall).
# convert  a ~4 GiB text model, model-4G-text.mlir: model-2G.mlirbc
#          (32 x tensor<4096x4096xf32>) through `mlirscope convert` (both
#          reused if present). Timed:
#            mlir-opt model-4G-text.mlir --emit-bytecode -o out1.mlirbc
#            mlirscope convert model-4G-text.mlir -o out2.mlirbc
#          (target: mlirscope >= 2x faster with <= 1/10 of mlir-opt's peak
#          RSS); `mlirscope diff out1.mlirbc out2.mlirbc` must count 0
#          changed/added/removed blobs ("agree"); then the reverse:
#            mlirscope convert out2.mlirbc -o back.mlir
#            mlir-opt out1.mlirbc -o back2.mlir
# edit     `mlirscope set COPY layer0.weight 0,0 1.5` on a `cp --sparse=always`
#          copy of the 100 GiB sparse model (model-100G-sparse.mlirbc of
#          inspect-summary.sh; the original is never written): warm, and cold
#          as root; best of SET_REPEAT runs (target < 50 ms); `mlirscope stats`
#          checks that the element reads back. Then
#            mlirscope strip model-4G.mlirbc -o stripped.mlirbc
#            mlirscope attach stripped.mlirbc --weights-from model-4G.mlirbc -o attached.mlirbc
#          (time, output size; warm, and cold as root), and `mlirscope diff model-4G.mlirbc
#          attached.mlirbc` must count 0 changed/added/removed blobs and no IR
#          difference ("equal"; `cmp` says whether it is also byte-identical).
#
# Outputs go to $BENCH_DIR/weights-out.PID (removed on exit). The free space is
# checked before each part: a part that does not fit is skipped with a note.
# Parts convert and edit use a cold cache when root can drop it (before every
# run), else a warm one (each command once untimed first).
#
# Environment (see also bench/lib.sh):
#   BENCH_DIR            where the models go        (/tmp/mlirscope-bench)
#   MLIRSCOPE_BUILD_DIR  build directory, absolute or relative to the repo
#                        root                       (build)
#   MLIRSCOPE            mlirscope binary           ($MLIRSCOPE_BUILD_DIR/bin/mlirscope;
#                        `convert` needs lib/libMLIRScopeMLIRBridgePlugin.so next to bin/)
#   GENMODEL             generator binary           ($MLIRSCOPE_BUILD_DIR/bin/mlirscope-genmodel)
#   MLIR_OPT             mlir-opt binary            (/usr/lib/llvm-22/bin/mlir-opt)
#   TIMEOUT              per-command timeout, s     (300)
#   REPEAT               timed runs per command, best kept (3)
#   SET_REPEAT           timed runs of `set`, best kept    (5)
#   PARTS                parts to run               ("rewrite convert edit")
#   REGENERATE=1         regenerate models even if present
: "${REPEAT:=3}"
# shellcheck disable=SC2317  # rm_* are called through MEASURE_AFTER
# shellcheck disable=SC2059  # say takes a printf format
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Every timed run starts with no dirty pages (the previous run's output would
# otherwise still be being written back): drop_caches syncs when cold, this
# when warm.
MEASURE_BEFORE=sync
SET_REPEAT=${SET_REPEAT:-5}
PARTS=${PARTS:-rewrite convert edit}

# --- Tools -------------------------------------------------------------------
need_time
need_built mlirscope mlirscope-genmodel
case " $PARTS " in *" convert "*) need_built MLIRScopeMLIRBridgePlugin ;; esac
[ -x "$MLIR_OPT" ] || note "no mlir-opt at $MLIR_OPT: its rows will say 'failed'"

GiB=$((1 << 30))
out=$BENCH_DIR/weights-out.$$
mkdir -p "$out" || die "cannot create $out"
cleanup+=("$out")
make_tmp

if drop_caches; then
  can_drop=1 cache=cold
  note "page cache: can be dropped (root): cold runs included"
else
  can_drop=0 cache=warm
  note "page cache: cannot be dropped (not root): warm runs only"
fi
note "free space in $BENCH_DIR: $(human "$(free_bytes)")"

# fits BYTES WHAT: whether BYTES (+1 GiB of slack) are free; notes a skip if not.
fits() {
  local avail; avail=$(free_bytes)
  [ "$avail" -ge $(($1 + GiB)) ] && return
  note "skipping $2: needs $(human $(($1 + GiB))) free (1 GiB of slack included), $(human "$avail") free in $BENCH_DIR"
  return 1
}
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
# missing_bytes FILE BYTES -> BYTES if FILE is not there yet (or REGENERATE=1)
missing_bytes() {
  if [ "$REGENERATE" != 1 ] && [ "$(size_of "$1")" -ge "$2" ]; then echo 0; else echo "$2"; fi
}
gbps() {  # gbps BYTES WALL -> GB/s (1 GB = 1e9 B)
  case $2 in ""|">"*) echo "-" ;;
    *) awk -v b="$1" -v w="$2" 'BEGIN { if (w > 0) printf "%.2f", b / w / 1e9; else print "-" }' ;;
  esac
}
pct() {  # pct A B -> 100*A/B %
  case "$1$2" in *">"*|"") echo "-"; return ;; esac
  [ -n "$1" ] && [ -n "$2" ] || { echo "-"; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }'
}
ms() { case $1 in ""|">"*) echo "${1:--}" ;; *) awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }' ;; esac; }
# met COND -> "met" / "MISSED" (COND an awk expression over a, b)
met() { awk -v a="$2" -v b="${3:-0}" "BEGIN { exit !($1) }" 2>/dev/null && echo met || echo MISSED; }
# blob_counts DIFF-OUTPUT -> "unchanged changed added removed"
blob_counts() {
  sed -n 's/^resources: \([0-9]*\) unchanged, \([0-9]*\) changed, \([0-9]*\) added, \([0-9]*\) removed.*/\1 \2 \3 \4/p' "$1"
}

report=()
say() { report+=("$(printf "$@")"); }

f4=$BENCH_DIR/model-4G.mlirbc
need_4g() {  # the 4 GiB dense model of inspect-summary.sh
  gen model-4G.mlirbc $((4 << 30)) --layers 64 --shape 4096x4096 --dtype f32
}

# --- rewrite vs cp -------------------------------------------------------------
part_rewrite() {
  fits $(($(missing_bytes "$f4" $((4 * GiB))) + 4 * GiB + 4096)) "rewrite vs cp (4 GiB model + 4 GiB output)" || return
  need_4g || return
  local o=$out/rewrite.mlirbc bytes; bytes=$(size_of "$f4")
  rm_o() { rm -f "$o"; }
  local -A wall rss status
  local modes=(warm) m t
  [ "$can_drop" = 1 ] && modes+=(cold)
  local tools=(mlirscope cp cp+sync)
  for m in "${modes[@]}"; do
    [ "$m" = warm ] && cat "$f4" >/dev/null
    for t in "${tools[@]}"; do
      local cmd
      case $t in
        mlirscope) cmd=("$MLIRSCOPE" rewrite "$f4" -o "$o") ;;
        cp) cmd=(cp "$f4" "$o") ;;
        cp+sync) cmd=(sh -c 'cp "$1" "$2" && sync "$2"' sh "$f4" "$o") ;;
      esac
      MEASURE_AFTER=rm_o measure "$m" "$t ($m)" "${cmd[@]}"
      wall[$t.$m]=$r_wall rss[$t.$m]=$r_rss status[$t.$m]=$r_status
    done
  done
  say '%s' "rewrite vs cp: $(basename "$f4") ($(human "$bytes")), output in $out (same file system, $(df --output=fstype "$out" | tail -1))"
  say '%-26s %-5s %9s %7s %12s %7s %12s  %s' tool cache wall_s GB/s peak_rss_MB vs_cp vs_cp+sync status
  for m in "${modes[@]}"; do
    for t in "${tools[@]}"; do
      local label=$t
      case $t in mlirscope) label="mlirscope rewrite" ;; cp+sync) label="cp && sync OUT" ;; esac
      say '%-26s %-5s %9s %7s %12s %7s %12s  %s' "$label" "$m" "${wall[$t.$m]:--}" \
        "$(gbps "$bytes" "${wall[$t.$m]}")" "${rss[$t.$m]:--}" \
        "$(pct "${wall[cp.$m]}" "${wall[$t.$m]}")" "$(pct "${wall[cp+sync.$m]}" "${wall[$t.$m]}")" \
        "${status[$t.$m]}"
    done
  done
  for m in "${modes[@]}"; do
    local p; p=$(pct "${wall[cp.$m]}" "${wall[mlirscope.$m]}")
    local q; q=$(pct "${wall[cp+sync.$m]}" "${wall[mlirscope.$m]}")
    say '%s' "target ($m): rewrite >= 80% of cp's speed: $p -> $(met 'a >= 80' "${p%\%}") (against cp && sync OUT, like for like: $q)"
  done
  say '%s' "(vs_cp = cp wall / row wall; vs_cp+sync the same against cp && sync OUT;"
  say '%s' " GB/s = $bytes bytes / wall, 1 GB = 1e9 B; rewrite fsyncs its output, cp does not)"
}

# --- convert text <-> bytecode ---------------------------------------------------
part_convert() {
  local bc=$BENCH_DIR/model-2G.mlirbc text=$BENCH_DIR/model-4G-text.mlir
  local need=$(($(missing_bytes "$bc" $((2 * GiB))) + $(missing_bytes "$text" $((4 * GiB)))))
  # out1 + out2 (2 GiB each) + one 4 GiB text at a time
  fits $((need + 8 * GiB + 8192)) "convert (2 GiB bytecode + 4 GiB text models, 8 GiB of outputs)" || return
  gen model-2G.mlirbc $((2 * GiB)) --layers 32 --shape 4096x4096 --dtype f32 || return
  if [ "$REGENERATE" != 1 ] && [ "$(size_of "$text")" -ge $((4 * GiB)) ]; then
    note "reusing $text ($(human "$(size_of "$text")"))"
  else
    local t0; t0=$(now_ns)
    rm -f "$text"
    "$MLIRSCOPE" convert "$bc" -o "$text.tmp" 2>"$tmp/stderr" && mv "$text.tmp" "$text" ||
      { rm -f "$text.tmp"; note "converting $(basename "$bc") to text failed: $(tail -c 300 "$tmp/stderr" | tr '\n\r' '  ')"
        note "skipping convert"; return; }
    note "converted $(basename "$bc") to $(basename "$text") ($(human "$(size_of "$text")")) in $(secs_since "$t0") s"
  fi
  local o1=$out/out1.mlirbc o2=$out/out2.mlirbc b1=$out/back.mlir b2=$out/back2.mlir
  local -A wall rss status
  rm_b1() { rm -f "$b1"; }
  rm_b2() { rm -f "$b2"; }
  measure "$cache" "mlir-opt --emit-bytecode" "$MLIR_OPT" "$text" --emit-bytecode -o "$o1"
  wall[o.tb]=$r_wall rss[o.tb]=$r_rss status[o.tb]=$r_status
  measure "$cache" "mlirscope convert (text->bytecode)" "$MLIRSCOPE" convert "$text" -o "$o2"
  wall[s.tb]=$r_wall rss[s.tb]=$r_rss status[s.tb]=$r_status
  local check="- (an output is missing)"
  if [ -s "$o1" ] && [ -s "$o2" ]; then
    "$MLIRSCOPE" diff "$o1" "$o2" >"$tmp/diff" 2>"$tmp/stderr"
    local c; c=$(blob_counts "$tmp/diff")
    if [ -z "$c" ]; then
      check="DISAGREE (diff failed: $(tail -c 200 "$tmp/stderr" | tr '\n\r' '  '))"
    else
      read -r u ch ad re <<<"$c"
      if [ "$ch" = 0 ] && [ "$ad" = 0 ] && [ "$re" = 0 ]; then check="agree"; else check="DISAGREE"; fi
      check="$check ($u unchanged, $ch changed, $ad added, $re removed; $(grep '^IR:' "$tmp/diff"))"
    fi
  fi
  MEASURE_AFTER=rm_b1 measure "$cache" "mlirscope convert (bytecode->text)" "$MLIRSCOPE" convert "$o2" -o "$b1"
  wall[s.bt]=$r_wall rss[s.bt]=$r_rss status[s.bt]=$r_status
  MEASURE_AFTER=rm_b2 measure "$cache" "mlir-opt (bytecode->text)" "$MLIR_OPT" "$o1" -o "$b2"
  wall[o.bt]=$r_wall rss[o.bt]=$r_rss status[o.bt]=$r_status
  rm -f "$o1" "$o2"

  say '%s' "convert: $(basename "$text") ($(human "$(size_of "$text")")) <-> bytecode (from $(basename "$bc"), $(human "$(size_of "$bc")")); cache: $cache"
  say '%-15s %-40s %9s %12s %9s %10s  %s' direction command wall_s peak_rss_MB speed-up rss_ratio status
  local d
  for d in tb bt; do
    local dir=text-\>bytecode; [ $d = bt ] && dir=bytecode-\>text
    local ocmd="mlir-opt TEXT --emit-bytecode" scmd="mlirscope convert TEXT"
    [ $d = bt ] && ocmd="mlir-opt out1.mlirbc -o back2.mlir" scmd="mlirscope convert out2.mlirbc"
    say '%-15s %-40s %9s %12s %9s %10s  %s' "$dir" "$ocmd" "${wall[o.$d]:--}" "${rss[o.$d]:--}" "" "" "${status[o.$d]}"
    say '%-15s %-40s %9s %12s %9s %10s  %s' "$dir" "$scmd" "${wall[s.$d]:--}" "${rss[s.$d]:--}" \
      "$(ratio "${wall[o.$d]}" "${wall[s.$d]}")" "$(ratio "${rss[o.$d]}" "${rss[s.$d]}")" "${status[s.$d]}"
  done
  local su rr
  su=$(ratio "${wall[o.tb]}" "${wall[s.tb]}") rr=$(ratio "${rss[o.tb]}" "${rss[s.tb]}")
  su=${su#>} rr=${rr#>}
  say '%s' "target (text->bytecode): >= 2x faster: ${su} -> $(met 'a >= 2' "${su%x}"); <= 1/10 of the RSS: ${rr} -> $(met 'a >= 10' "${rr%x}")"
  say '%s' "blobs of out1 (mlir-opt) vs out2 (mlirscope): $check"
  say '%s' "(speed-up = mlir-opt wall / mlirscope wall; rss_ratio = mlir-opt RSS / mlirscope RSS)"
}

# --- edit: set on a sparse 100 GiB copy, strip / attach ------------------------------
part_edit() {
  local sp=$BENCH_DIR/model-100G-sparse.mlirbc copy=$out/edit-sparse.mlirbc
  local sm=$out/stripped.mlirbc at=$out/attached.mlirbc
  local -A wall rss status
  local modes=(warm) m
  [ "$can_drop" = 1 ] && modes+=(cold)
  if fits $((64 << 20)) "set (a sparse copy of the 100 GiB model)" &&
     gen model-100G-sparse.mlirbc $((100 * GiB)) --layers 100 --shape 16384x16384 --dtype f32 --sparse; then
    local t0; t0=$(now_ns)
    if cp --sparse=always "$sp" "$copy"; then
      note "copied $(basename "$sp") with cp --sparse=always in $(secs_since "$t0") s ($(du -h "$copy" | cut -f1) on disk)"
      local r=$REPEAT; REPEAT=$SET_REPEAT
      for m in "${modes[@]}"; do
        measure "$m" "mlirscope set ($m)" "$MLIRSCOPE" set "$copy" layer0.weight 0,0 1.5
        wall[set.$m]=$r_wall rss[set.$m]=$r_rss status[set.$m]=$r_status
      done
      REPEAT=$r
      # The model is all zeros: one element 1.5, the first, the rest zeros.
      if "$MLIRSCOPE" stats --json "$copy" layer0.weight 2>/dev/null | awk '
           /"first"/ { getline; f = $0 } /"zeros"/ { z = $2 } /"elements"/ { n = $2 }
           END { gsub(/[ ",]/, "", f); gsub(/,/, "", z); gsub(/,/, "", n)
                 exit !(f == "1.5" && z + 0 == n - 1) }'; then
        set_check="layer0.weight[0,0] reads back 1.5, the other elements 0 (mlirscope stats)"
      else
        set_check="MISMATCH: mlirscope stats does not show layer0.weight[0,0] = 1.5 and the rest 0"
      fi
      [ -e "$copy.mlirscope-journal" ] && set_check="$set_check; JOURNAL LEFT BEHIND"
      rm -f "$copy" "$copy.mlirscope-journal"
    else
      note "cp --sparse=always of $(basename "$sp") failed: skipping set"
      status[set.warm]=skipped
    fi
  else
    status[set.warm]=skipped
  fi

  local sbytes=0 abytes=0 equal="-"
  if fits $(($(missing_bytes "$f4" $((4 * GiB))) + 4 * GiB + 4096)) "strip/attach (4 GiB model + 4 GiB output)" && need_4g; then
    for m in "${modes[@]}"; do
      rm -f "$sm" "$at"
      measure "$m" "mlirscope strip ($m)" "$MLIRSCOPE" strip "$f4" -o "$sm"
      wall[strip.$m]=$r_wall rss[strip.$m]=$r_rss status[strip.$m]=$r_status
      sbytes=$(size_of "$sm")
      [ -s "$sm" ] || continue
      measure "$m" "mlirscope attach ($m)" "$MLIRSCOPE" attach "$sm" --weights-from "$f4" -o "$at"
      wall[attach.$m]=$r_wall rss[attach.$m]=$r_rss status[attach.$m]=$r_status
      abytes=$(size_of "$at")
    done
    if [ -s "$at" ]; then
      "$MLIRSCOPE" diff "$f4" "$at" >"$tmp/diff" 2>"$tmp/stderr"
      local rc=$? c; c=$(blob_counts "$tmp/diff")
      if [ -n "$c" ]; then
        read -r u ch ad re <<<"$c"
        if [ $rc = 0 ] && [ "$ch" = 0 ] && [ "$ad" = 0 ] && [ "$re" = 0 ]; then equal=equal; else equal=DIFFERENT; fi
        equal="$equal (exit $rc; $(grep '^IR:' "$tmp/diff"); $u unchanged, $ch changed, $ad added, $re removed"
        if cmp -s "$f4" "$at"; then
          equal="$equal; byte-identical)"
        else
          equal="$equal; not byte-identical: first difference at $(cmp "$f4" "$at" 2>&1 | head -1 | sed 's/.*differ: //'))"
        fi
      else
        equal="DIFFERENT (diff failed: $(tail -c 200 "$tmp/stderr" | tr '\n\r' '  '))"
      fi
    fi
    rm -f "$sm" "$at"
  else
    status[strip]=skipped
  fi

  say '%s' "edit: set on a sparse copy of model-100G-sparse.mlirbc; strip/attach of $(basename "$f4")"
  local w=48
  say "%-${w}s %-5s %10s %12s %10s  %s" command cache wall_ms peak_rss_MB output status
  for m in "${modes[@]}"; do
    [ "${status[set.warm]}" = skipped ] && [ "$m" = cold ] && continue
    say "%-${w}s %-5s %10s %12s %10s  %s" "mlirscope set COPY layer0.weight 0,0 1.5" "$m" \
      "$(ms "${wall[set.$m]:-}")" "${rss[set.$m]:--}" "-" "${status[set.$m]:-}"
  done
  for m in "${modes[@]}"; do
    [ "${status[strip]:-}" = skipped ] && [ "$m" = cold ] && continue
    say "%-${w}s %-5s %10s %12s %10s  %s" "mlirscope strip MODEL-4G -o SMALL" "$m" \
      "$(ms "${wall[strip.$m]:-}")" "${rss[strip.$m]:--}" "$(human "$sbytes")" "${status[strip.$m]:-${status[strip]:--}}"
  done
  for m in "${modes[@]}"; do
    [ "${status[strip]:-}" = skipped ] && continue
    say "%-${w}s %-5s %10s %12s %10s  %s" "mlirscope attach SMALL --weights-from MODEL-4G" "$m" \
      "$(ms "${wall[attach.$m]:-}")" "${rss[attach.$m]:--}" "$(human "$abytes")" "${status[attach.$m]:--}"
  done
  if [ "${status[set.warm]}" != skipped ]; then
    for m in "${modes[@]}"; do
      say '%s' "target ($m): set < 50 ms: $(ms "${wall[set.$m]:-}") ms -> $(met 'a != "" && a < 0.05' "${wall[set.$m]:-}")"
    done
    say '%s' "set check: ${set_check:-}"
  fi
  say '%s' "attached vs original (mlirscope diff): $equal"
  say '%s' "(set: best of $SET_REPEAT runs; strip/attach: best of $REPEAT; output written next to the model)"
}

for p in $PARTS; do
  case $p in
    rewrite|convert|edit) "part_$p"; report+=("") ;;
    *) die "unknown part '$p' (rewrite, convert, edit)" ;;
  esac
done

echo
echo "mlirscope: $MLIRSCOPE"
echo "mlir-opt:  $MLIR_OPT ($("$MLIR_OPT" --version 2>/dev/null | grep -i version | head -1 | sed 's/^ *//'))"
echo "cp:        $(cp --version | head -1)"
echo "runs per command: $REPEAT (best kept); timeout ${TIMEOUT}s; cpu: $(nproc) cores; memory: $(human $(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024)))"
echo
for r in "${report[@]}"; do echo "$r"; done
