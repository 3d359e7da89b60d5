#!/usr/bin/env bash
# Benchmark: mlirscope-lsp vs. upstream mlir-lsp-server, in the same run, both
# driven over stdio by the same small JSON-RPC client (Python, stdlib only).
# Each scenario starts a fresh server under /usr/bin/time -v, so the peak RSS
# is that of the server process for that scenario alone.
#
# Scenarios:
#   convert FILE   initialize, then `mlir/convertFromBytecode` of a bytecode
#                  model (256 MiB and 4 GiB, dense): wall time of the request,
#                  size of the reply, server peak RSS.
#   open FILE      `textDocument/didOpen` with the full text of a 512 MiB text
#                  model (the 256 MiB model converted), then
#                  `textDocument/documentSymbol`, which can only be answered
#                  once the parse is done: wall time from the first byte of
#                  didOpen (encoded beforehand) to the reply, server peak RSS. Then a hover on the first
#                  `dense_resource<...>` (twice: the second answered from the
#                  stats cache for mlirscope-lsp; upstream returns null).
#   hover FILE     mlirscope-lsp only: the elided view of the 4 GiB model
#                  opened under the model's uri, a hover on a
#                  `dense_resource<...>` (statistics computed from the mapped
#                  file), then the same hover again (cached).
#   latency FILE   small files (a model with blobs, corpus files) and a
#                  197-chunk `// -----` file: wall time from the first byte
#                  of didOpen to its publishDiagnostics (open-to-diagnostics;
#                  the median of LATENCY_RUNS/4 opens under other names),
#                  then the median of LATENCY_RUNS runs of each request
#                  (hover, definition, references, documentSymbol,
#                  completion) at a value in the file's last chunk.
#   many FILE      many small requests on small files (a one-function file
#                  and the 32-function model): MANY_RUNS didOpens under
#                  new names (each timed to its publishDiagnostics), then
#                  MANY_RUNS hovers on a value and MANY_RUNS documentSymbols,
#                  one at a time (latency: median and p95, ms), then each
#                  kind again as one burst of MANY_RUNS messages written at
#                  once (throughput: messages answered per second). The two
#                  servers alternate, MANY_ROUNDS rounds; each figure is the
#                  median over the rounds.
#
# Environment (see bench/lib.sh): BENCH_DIR, MLIRSCOPE_BUILD_DIR, TIMEOUT,
# REGENERATE, and:
#   MLIRSCOPE_LSP    our server        ($MLIRSCOPE_BUILD_DIR/bin/mlirscope-lsp)
#   MLIR_LSP         upstream server   (/usr/lib/llvm-22/bin/mlir-lsp-server)
#   UPSTREAM_MEM_GB  address-space limit (ulimit -v) for upstream, so that it
#                    fails instead of driving the machine out of memory (12)
#   SKIP_4G=1        leave the 4 GiB model out
#   LSP_SCENARIOS    which parts run: "big" (convert, open, hover), "small"
#                    (latency), "many" (many small requests), "convert" (the
#                    convert scenario alone, on LSP_CONVERT_FILES); "big small"
#                    by default
#   LSP_CONVERT_FILES  bytecode models for "convert" (bench/inline-weights.sh
#                    passes its model of 4 GiB of inline weights)
#                    "diskhover": mlirscope-lsp only, LSP_DISK_FILES (models;
#                    by default inline-1G.mlir, one inline weight of 1 GiB
#                    in hex as bench/inline-weights.sh makes it, and
#                    weight-1G.mlirbc and weight-4G.mlirbc, one dense weight
#                    of 1 GiB, of 4 GiB): mlirscope/openFile as an editor
#                    opens a file too large to sync, the view opened, then
#                    HOVER_RUNS hovers on the first inline weight, each on
#                    it uncached (a hover elsewhere after each cancels the
#                    statistics it started; a server that computes them
#                    within the hover caches them: one sample), p50/p95;
#                    the time from a hover to mlirscope/statisticsReady
#                    (a server without it: the first hover's), and a
#                    cached hover
#   HOVER_RUNS       hovers on the uncached weight in "diskhover" (20)
#   keystroke FILE   "keystroke" in LSP_SCENARIOS: text models of 64 MiB and
#                  256 MiB of f32 weights as hex (4 and 16 weights of
#                  2048x2048, a few KB of IR: 128 MiB and 512 MiB of text),
#                  opened, then KEYSTROKES one-character edits in the IR (a
#                  location's file name typed on). keystroke -> hover: the
#                  didChange written, a hover on an SSA value at once, the
#                  time to its reply; keystroke -> diagnostics: the time from
#                  the didChange to the publishDiagnostics of its version.
#                  A client sends a ranged change to a server that advertises
#                  incremental sync and the whole text to one that does not
#                  (upstream), as editors do. p50/p95 in ms, server peak RSS.
#                  mlirscope-lsp runs with -debounce-ms=0 here (upstream has
#                  no debounce): the figure is the work; an editor adds the
#                  150 ms debounce of diagnostics, on purpose. Upstream stops
#                  a round after KEYSTROKE_BUDGET seconds (the count is shown).
#   KEYSTROKES       keystrokes per round (40)
#   KEYSTROKE_BUDGET seconds per round before it stops early (300)
#   LATENCY_RUNS     runs of each request in the latency scenario (20)
#   MANY_RUNS        messages of each kind per round in "many" (200)
#   MANY_ROUNDS      rounds of "many", the servers alternating (3)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MLIRSCOPE_LSP=${MLIRSCOPE_LSP:-$build/bin/mlirscope-lsp}
MLIR_LSP=${MLIR_LSP:-/usr/lib/llvm-22/bin/mlir-lsp-server}
UPSTREAM_MEM_GB=${UPSTREAM_MEM_GB:-12}
LSP_SCENARIOS=${LSP_SCENARIOS:-big small}
LATENCY_RUNS=${LATENCY_RUNS:-20}
MANY_RUNS=${MANY_RUNS:-200}
MANY_ROUNDS=${MANY_ROUNDS:-3}
big=0 small=0 many=0 convert=0
case " $LSP_SCENARIOS " in *" big "*) big=1 ;; esac
case " $LSP_SCENARIOS " in *" convert "*) convert=1 ;; esac
diskhover=0
case " $LSP_SCENARIOS " in *" diskhover "*) diskhover=1 ;; esac
case " $LSP_SCENARIOS " in *" small "*) small=1 ;; esac
case " $LSP_SCENARIOS " in *" many "*) many=1 ;; esac
keystroke=0
case " $LSP_SCENARIOS " in *" keystroke "*) keystroke=1 ;; esac
KEYSTROKES=${KEYSTROKES:-40}
KEYSTROKE_BUDGET=${KEYSTROKE_BUDGET:-300}
PYTHON=${PYTHON:-/usr/bin/python3}

need_time
need_built mlirscope mlirscope-genmodel
[ -x "$MLIRSCOPE_LSP" ] || die "no mlirscope-lsp at $MLIRSCOPE_LSP"
[ -x "$MLIR_LSP" ] || die "no mlir-lsp-server at $MLIR_LSP"

# --- Models ------------------------------------------------------------------
if [ "$big" = 1 ]; then
gen model-256M.mlirbc $((256 << 20)) --layers 16 --shape 2048x2048 --dtype f32 ||
  die "cannot make the 256 MiB model"
m256=$BENCH_DIR/model-256M.mlirbc
m4g=
if [ "${SKIP_4G:-0}" != 1 ]; then
  if [ -f "$BENCH_DIR/model-4G.mlirbc" ] || [ "$(free_bytes)" -gt 10000000000 ]; then
    gen model-4G.mlirbc $((4 << 30)) --layers 64 --shape 4096x4096 --dtype f32 &&
      m4g=$BENCH_DIR/model-4G.mlirbc
  else
    note "skipping the 4 GiB model: less than 10 GB free in $BENCH_DIR"
  fi
fi
# The 512 MiB text model: the 256 MiB model's blobs as hex.
t512=$BENCH_DIR/model-512M.mlir
if [ "$REGENERATE" = 1 ] || [ ! -f "$t512" ] || [ "$(stat -c %s "$t512")" -lt $((512 << 20)) ]; then
  "$MLIRSCOPE" convert "$m256" -o "$t512" 2>/dev/null || die "cannot convert $m256 to text"
  note "made $(basename "$t512") ($(human "$(stat -c %s "$t512")"))"
else
  note "reusing $t512 ($(human "$(stat -c %s "$t512")"))"
fi
fi

# The text models of the keystroke scenario: 4 and 16 weights of 2048x2048
# f32 as hex after a few KB of IR.
keystroke_files=()
if [ "$keystroke" = 1 ]; then
  for layers in 4 16; do
    f=$BENCH_DIR/keystroke-$((layers * 16))M.mlir
    if [ "$REGENERATE" = 1 ] || [ ! -f "$f" ]; then
      genmodel "$f" --layers "$layers" --shape 2048x2048 --dtype f32 --text ||
        die "cannot make $f"
    fi
    keystroke_files+=("$f")
  done
fi

# The small files of the latency and many scenarios: made here, as text.
small_files=() many_files=()
if [ "$small" = 1 ] || [ "$many" = 1 ]; then
  "$PYTHON" - "$BENCH_DIR" <<'PY' || die "cannot write the small files"
import os, sys
out = sys.argv[1]

def blob(values):
    return "0x04000000" + "".join("%08X" % (v & 0xFFFFFFFF) for v in values)

def func(name, k, resource):
    return (f"func.func @{name}(%x: tensor<4xi32>, %c: i1) -> tensor<4xi32> {{\n"
            f"  %w = arith.constant dense_resource<{resource}> : tensor<4xi32>\n"
            f"  %s = arith.addi %x, %w : tensor<4xi32>\n"
            f"  %p:2 = arith.addui_extended %s, %x : tensor<4xi32>, tensor<4xi1>\n"
            f"  cf.cond_br %c, ^bb1(%p#0 : tensor<4xi32>), ^bb1(%s : tensor<4xi32>)\n"
            f"^bb1(%r: tensor<4xi32>):\n"
            f"  %m = arith.muli %r, %w : tensor<4xi32>\n"
            f"  return %m : tensor<4xi32>\n}}\n")

def metadata(keys):
    entries = ",\n".join(f"      {k}: \"{blob(range(i, i + 4))}\""
                          for i, k in enumerate(keys))
    return ("{-#\n  dialect_resources: {\n    builtin: {\n" + entries +
            "\n    }\n  }\n#-}\n")

# A small model: 32 functions in a module, one metadata block.
keys = [f"w{k}" for k in range(32)]
with open(os.path.join(out, "lsp-small-model.mlir"), "w") as f:
    f.write("module {\n" + "".join(func(f"f{k}", k, keys[k]) for k in range(32))
            + "}\n\n" + metadata(keys))
# 197 chunks, each the same function name and resource key (as test files
# of compilers are written) with its own metadata block.
# A tiny file: one function and its blob.
with open(os.path.join(out, "lsp-tiny.mlir"), "w") as f:
    f.write(func("f0", 0, "w0") + "\n" + metadata(["w0"]))
chunk = "module {\n" + "".join(func(f"f{k}", k, "w") for k in range(8)) + "}\n\n"
with open(os.path.join(out, "lsp-split-197.mlir"), "w") as f:
    f.write("\n// -----\n\n".join(chunk + metadata(["w"]) for _ in range(197)))
PY
  many_files=("$BENCH_DIR/lsp-tiny.mlir" "$BENCH_DIR/lsp-small-model.mlir")
fi
if [ "$small" = 1 ]; then
  small_files=("$BENCH_DIR/lsp-small-model.mlir" "$BENCH_DIR/lsp-split-197.mlir")
  corpus=$repo/../shared/corpus/third-party
  for f in "$corpus"/T06-heir-openfhe-lenet/lenet.mlir \
           "$corpus"/T16-ttmlir-ttnn-canonicalizer/layout_to_creation_ops_canonicalizer.mlir; do
    [ -f "$f" ] && small_files+=("$f")
  done
fi

make_tmp
if drop_caches; then
  cache=cold; note "page cache: dropped before every scenario"
else
  cache=warm; note "page cache: warm (cannot drop caches)"
fi

# --- The client ----------------------------------------------------------------
cat >"$tmp/client.py" <<'PY'
import json, os, select, subprocess, sys, time

def frame(obj):
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body

def quantiles(ms):
    ms = sorted(ms)
    return ms[len(ms) // 2], ms[min(len(ms) - 1, (len(ms) * 95) // 100)]

def many(path, write, read, out):
    """Many small messages: one at a time (latency), then in bursts
    (throughput). Messages are encoded before the clock starts."""
    runs = int(os.environ.get("MANY_RUNS", "200"))
    with open(path, encoding="utf-8") as f:
        text = f.read()

    def opens(tag):
        uris = ["file:///many-%s-%d/%s" % (tag, n, os.path.basename(path))
                for n in range(runs)]
        return uris, [frame({"jsonrpc": "2.0",
                             "method": "textDocument/didOpen",
                             "params": {"textDocument": {
                                 "uri": u, "languageId": "mlir",
                                 "version": 1, "text": text}}})
                      for u in uris]

    def diagnostics_of(uris):
        left = set(uris)
        while left:
            msg = json.loads(read())
            if msg.get("method") == "textDocument/publishDiagnostics":
                left.discard(msg["params"]["uri"])

    # didOpen, one at a time, then a burst.
    uris, frames = opens("one")
    times = []
    for u, fr in zip(uris, frames):
        t0 = time.monotonic()
        write.write(fr)
        write.flush()
        diagnostics_of([u])
        times.append((time.monotonic() - t0) * 1000)
    out["open_p50"], out["open_p95"] = quantiles(times)
    burst_uris, frames = opens("burst")
    t0 = time.monotonic()
    write.write(b"".join(frames))
    write.flush()
    diagnostics_of(burst_uris)
    out["open_rate"] = runs / (time.monotonic() - t0)

    # Requests on the first document: a value before the last `return`.
    uri = uris[0]
    at = text.rfind("%", 0, text.rfind("return")) + 1
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1)
    pos = {"textDocument": {"uri": uri},
           "position": {"line": line, "character": col}}
    ids = [100000]
    for name, method, params in (
            ("hover", "textDocument/hover", pos),
            ("symbols", "textDocument/documentSymbol",
             {"textDocument": {"uri": uri}})):
        def frames_of(n):
            fs = []
            for _ in range(n):
                ids[0] += 1
                fs.append((ids[0], frame({"jsonrpc": "2.0", "id": ids[0],
                                          "method": method,
                                          "params": params})))
            return fs

        def replies(want):
            left = set(want)
            while left:
                msg = json.loads(read())
                if "method" not in msg and msg.get("id") in left:
                    if msg.get("result") in (None, []):
                        out["status"] = "empty " + name
                    left.discard(msg["id"])

        times = []
        for i, fr in frames_of(runs):
            t0 = time.monotonic()
            write.write(fr)
            write.flush()
            replies([i])
            times.append((time.monotonic() - t0) * 1000)
        out[name + "_p50"], out[name + "_p95"] = quantiles(times)
        fs = frames_of(runs)
        t0 = time.monotonic()
        write.write(b"".join(fr for _, fr in fs))
        write.flush()
        replies([i for i, _ in fs])
        out[name + "_rate"] = runs / (time.monotonic() - t0)

def keystrokes(path, init, write, read, request, out):
    """Typing in the IR of a large text model: keystroke -> hover and
    keystroke -> diagnostics, a ranged change or the whole text as the
    server's sync kind asks."""
    runs = int(os.environ.get("KEYSTROKES", "40"))
    budget = float(os.environ.get("KEYSTROKE_BUDGET", "300"))
    sync = init["result"]["capabilities"].get("textDocumentSync", {})
    incremental = (sync.get("change") if isinstance(sync, dict) else sync) == 2
    out["sync"] = "incremental" if incremental else "full"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    uri = "file://" + os.path.abspath(path)
    version = [1]

    def diagnostics(v):
        while True:
            msg = json.loads(read())
            if (msg.get("method") == "textDocument/publishDiagnostics"
                    and msg["params"].get("version") == v):
                return msg["params"]["diagnostics"]

    write.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                       "params": {"textDocument": {
                           "uri": uri, "languageId": "mlir", "version": 1,
                           "text": text}}}))
    write.flush()
    t0 = time.monotonic()
    diagnostics(1)
    out["open_s"] = time.monotonic() - t0
    # Typed on: the file name of the first location (`loc("genmodel...`),
    # so the IR stays valid. The hover: on the first `%0`, lines below.
    at = text.index('loc("genmodel') + len('loc("genmodel')
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1)
    v0 = text.index("%0 = ")
    hover = {"textDocument": {"uri": uri},
             "position": {"line": text.count("\n", 0, v0),
                          "character": v0 - (text.rfind("\n", 0, v0) + 1) + 1}}
    typed = [""]

    def keystroke():
        version[0] += 1
        if incremental:
            pos = {"line": line, "character": col + len(typed[0])}
            change = {"range": {"start": pos, "end": pos}, "text": "x"}
        else:
            change = {"text": text[:at] + typed[0] + "x" + text[at:]}
        typed[0] += "x"
        return frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                      "params": {"textDocument": {"uri": uri,
                                                  "version": version[0]},
                                 "contentChanges": [change]}})

    for what in ("hover", "diag"):
        times = []
        start = time.monotonic()
        for _ in range(runs):
            if time.monotonic() - start > budget:
                break
            msg = keystroke()  # encoded before the clock starts
            t0 = time.monotonic()
            write.write(msg)
            if what == "hover":
                reply, _ = request("textDocument/hover", hover)
                times.append((time.monotonic() - t0) * 1000)
                if reply.get("result") is None:
                    out["status"] = "empty hover"
            else:
                write.flush()
                if diagnostics(version[0]):
                    out["status"] = "diagnostics on valid IR"
                times.append((time.monotonic() - t0) * 1000)
        out[what + "_n"] = len(times)
        out[what + "_p50"], out[what + "_p95"] = quantiles(times)

def main():
    timeout = float(sys.argv[1])
    scenario, path, timefile = sys.argv[2], sys.argv[3], sys.argv[4]
    server = sys.argv[5:]
    proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", timefile] + server,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    out = {"status": "ok"}
    nid = [0]

    def send(obj):
        body = json.dumps(obj).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    def read():
        length = None
        while True:
            line = proc.stdout.readline()
            if not line:
                raise EOFError("server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        body = proc.stdout.read(length)
        return body

    # When each mlirscope/statisticsReady came.
    ready_at = []

    def request(method, params):
        nid[0] += 1
        send({"jsonrpc": "2.0", "id": nid[0], "method": method, "params": params})
        while True:
            body = read()
            if b'"mlirscope/statisticsReady"' in body[:300]:
                ready_at.append(time.monotonic())
            if b'"id"' in body[:200] or len(body) > 1 << 20:
                msg = json.loads(body)
                if msg.get("id") == nid[0] and "method" not in msg:
                    return msg, len(body)
                if "method" in msg and "id" in msg:  # a request to us
                    send({"jsonrpc": "2.0", "id": msg["id"], "result": None})

    def notify(method, params):
        send({"jsonrpc": "2.0", "method": method, "params": params})

    def hover_at(text, marker):
        # The hover params two characters into the first `marker` of text.
        before = text[:text.find(marker) + len(marker) + 2]
        line = before.count("\n")
        col = len(before) - (before.rfind("\n") + 1)
        return {"textDocument": {"uri": uri},
                "position": {"line": line, "character": col}}

    def hover_twice(hover):
        # The first hover (statistics computed) and the same again (cached).
        for key in ("hover1_ms", "hover2_ms"):
            t0 = time.monotonic()
            msg, _ = request("textDocument/hover", hover)
            out[key] = (time.monotonic() - t0) * 1000
        out["hover"] = "null" if msg.get("result") is None else "markdown"

    def hover_uncached(hover, elsewhere):
        # HOVER_RUNS hovers on a weight whose statistics are not cached:
        # after each, a hover elsewhere cancels the statistics it started.
        runs = int(os.environ.get("HOVER_RUNS", "20"))
        times, pending = [], False
        for _ in range(runs):
            t0 = time.monotonic()
            msg, _ = request("textDocument/hover", hover)
            times.append((time.monotonic() - t0) * 1000)
            value = ((msg.get("result") or {}).get("contents") or {}).get("value", "")
            if "statistics: computing" not in value:
                break  # computed within the hover, and cached now
            pending = True
            request("textDocument/hover", elsewhere)
        out["hover_p50"], out["hover_p95"] = quantiles(times)
        out["hover_n"] = len(times)
        # Until the statistics are there: mlirscope/statisticsReady after a
        # hover, or the hover itself when it computes them.
        # STATS_WAIT seconds at most (a cold 4 GiB weight on a busy disk).
        if pending:
            del ready_at[:]
            t0 = time.monotonic()
            request("textDocument/hover", hover)
            deadline = t0 + float(os.environ.get("STATS_WAIT", "150"))
            while not ready_at:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
                    break
                body = read()
                if b'"mlirscope/statisticsReady"' in body[:300]:
                    ready_at.append(time.monotonic())
            if not ready_at:
                out["stats_ms"] = ">%d" % ((deadline - t0) * 1000)
                return
            out["stats_ms"] = (ready_at[0] - t0) * 1000
        else:
            out["stats_ms"] = times[0]
        t0 = time.monotonic()
        msg, _ = request("textDocument/hover", hover)
        out["cached_ms"] = (time.monotonic() - t0) * 1000
        value = ((msg.get("result") or {}).get("contents") or {}).get("value", "")
        out["hover"] = "statistics" if "| min |" in value else "no statistics"

    uri = "file://" + os.path.abspath(path)
    t0 = None
    try:
        init, _ = request("initialize", {"processId": os.getpid(),
                                         "rootUri": None, "capabilities": {}})
        notify("initialized", {})
        if scenario == "convert":
            t0 = time.monotonic()
            msg, size = request("mlir/convertFromBytecode", {"uri": uri})
            out["seconds"] = time.monotonic() - t0
            out["reply_bytes"] = size
            if "error" in msg:
                out["status"] = "error: " + msg["error"].get("message", "")[:80]
        elif scenario == "diskhover":
            # A text model too large to sync, opened as the editor does it
            # (mlirscope/openFile: the read-only view, inline weights as
            # placeholders), the view then opened under its URI, and a hover
            # on the first inline weight's placeholder.
            t0 = time.monotonic()
            msg, size = request("mlirscope/openFile", {"path": path, "uri": uri})
            out["seconds"] = time.monotonic() - t0
            out["reply_bytes"] = size
            if "error" in msg:
                out["status"] = "error: " + msg["error"].get("message", "")[:80]
                raise SystemExit
            text = msg["result"]["output"]
            notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "mlir", "version": 1, "text": text}})
            request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
            # The first inline weight's placeholder, else the first blob.
            marker = 'dense_resource<"inline:'
            hover = hover_at(text, marker if marker in text else "dense_resource<")
            # Off every weight: the first line's first character.
            elsewhere = {"textDocument": {"uri": uri},
                         "position": {"line": 0, "character": 0}}
            del text
            hover_uncached(hover, elsewhere)
        elif scenario in ("open", "hover"):
            if scenario == "hover":
                msg, _ = request("mlir/convertFromBytecode", {"uri": uri})
                text = msg["result"]["output"]
            else:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            # Encoded before the clock starts: the client's own JSON work is
            # not the server's.
            body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                               "params": {"textDocument": {
                                   "uri": uri, "languageId": "mlir",
                                   "version": 1, "text": text}}}).encode()
            frame = b"Content-Length: %d\r\n\r\n" % len(body)
            t0 = time.monotonic()
            proc.stdin.write(frame)
            proc.stdin.write(body)
            proc.stdin.flush()
            del body
            request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
            out["seconds"] = time.monotonic() - t0
            hover = hover_at(text, "dense_resource<")
            del text
            hover_twice(hover)
        elif scenario == "latency":
            with open(path, encoding="utf-8") as f:
                text = f.read()
            runs = int(os.environ.get("LATENCY_RUNS", "20"))
            # Opened under LATENCY_RUNS / 4 names (at least 3): the median
            # open, then requests on the last one.
            opens = []
            for n in range(max(3, runs // 4)):
                uri = "file:///latency-%d/%s" % (n, os.path.basename(path))
                body = json.dumps({"jsonrpc": "2.0",
                                   "method": "textDocument/didOpen",
                                   "params": {"textDocument": {
                                       "uri": uri, "languageId": "mlir",
                                       "version": 1, "text": text}}}).encode()
                frame = b"Content-Length: %d\r\n\r\n" % len(body)
                t0 = time.monotonic()
                proc.stdin.write(frame + body)
                proc.stdin.flush()
                while True:
                    msg = json.loads(read())
                    if (msg.get("method") == "textDocument/publishDiagnostics"
                            and msg["params"]["uri"] == uri):
                        break
                opens.append((time.monotonic() - t0) * 1000)
            opens.sort()
            out["open_ms"] = opens[len(opens) // 2]
            out["diagnostics"] = len(msg["params"]["diagnostics"])
            # A value in the last chunk: the last `%name` before the last
            # `return` (ASCII files: columns are the same in both servers).
            at = text.rfind("%", 0, text.rfind("return")) + 1
            line = text.count("\n", 0, at)
            col = at - (text.rfind("\n", 0, at) + 1)
            pos = {"textDocument": {"uri": uri},
                   "position": {"line": line, "character": col}}
            # Completion at the start of the line of that value.
            start = {"textDocument": {"uri": uri},
                     "position": {"line": line, "character": 2}}
            for method, params in (
                    ("textDocument/hover", pos),
                    ("textDocument/definition", pos),
                    ("textDocument/references",
                     dict(pos, context={"includeDeclaration": True})),
                    ("textDocument/documentSymbol",
                     {"textDocument": {"uri": uri}}),
                    ("textDocument/completion", start)):
                times = []
                for _ in range(runs):
                    t0 = time.monotonic()
                    msg, _ = request(method, params)
                    times.append((time.monotonic() - t0) * 1000)
                times.sort()
                out[method.split("/")[1] + "_ms"] = times[len(times) // 2]
                res = msg.get("result")
                if not res or (isinstance(res, dict) and not res.get("items", res)):
                    out[method.split("/")[1] + "_ms"] = "empty"
        elif scenario == "many":
            many(path, proc.stdin, read, out)
        elif scenario == "keystroke":
            keystrokes(path, init, proc.stdin, read, request, out)
        request("shutdown", None)
        notify("exit", None)
        proc.stdin.close()
        proc.wait(timeout=60)
    except Exception as e:  # the server died (out of memory, a limit)
        out["status"] = "failed: %s" % (str(e)[:80] or type(e).__name__)
        if t0 is not None and "seconds" not in out:
            out["seconds"] = time.monotonic() - t0  # until it failed
        proc.kill()
        proc.wait()
    print(json.dumps(out))

main()
PY

# run_lsp NAME SCENARIO FILE SERVER... -> sets j (the client's JSON) and rss (MB)
run_lsp() {
  local name=$1 scenario=$2 file=$3; shift 3
  [ "$cache" = cold ] && drop_caches
  j=$(timeout -k 10 "$TIMEOUT" "$PYTHON" "$tmp/client.py" "$TIMEOUT" "$scenario" \
        "$file" "$tmp/time" "$@")
  [ -n "$j" ] || j='{"status":"timeout"}'
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tmp/time" 2>/dev/null)
  rm -f "$tmp/time"
}
field() { "$PYTHON" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("-" if v is None else (("%.3f" % v) if isinstance(v, float) else v))' "$j" "$1"; }
up_cmd=(bash -c "ulimit -v $((UPSTREAM_MEM_GB << 20)); exec \"$MLIR_LSP\"")

rows=() summary=() hover_rows=() latency_rows=()
row() { rows+=("$(printf '%-22s %-24s %-16s %9s %11s %12s  %s' "$@")"); }

convert_files=()
[ "$big" = 1 ] && convert_files+=("$m256" ${m4g:+"$m4g"})
[ "$convert" = 1 ] && read -r -a extra <<<"${LSP_CONVERT_FILES:-}" &&
  convert_files+=("${extra[@]}")
for f in "${convert_files[@]}"; do
  name=$(basename "$f")
  run_lsp ours convert "$f" "$MLIRSCOPE_LSP"
  o_s=$(field seconds) o_rss=$rss o_b=$(field reply_bytes) o_st=$(field status)
  row "convertFromBytecode" "$name" mlirscope-lsp "$o_s" "$o_rss" "$o_b" "$o_st"
  run_lsp upstream convert "$f" "${up_cmd[@]}"
  u_s=$(field seconds) u_rss=$rss u_b=$(field reply_bytes) u_st=$(field status)
  [ "$u_st" = ok ] || { u_s=">$u_s"; u_rss=">$u_rss"; }
  row "convertFromBytecode" "$name" mlir-lsp-server "$u_s" "$u_rss" "$u_b" "$u_st"
  summary+=("$(printf '%-22s %-24s %10s %10s' convertFromBytecode "$name" \
    "$(ratio "$u_s" "$o_s")" "$(ratio "$u_rss" "$o_rss")")")
done

if [ "$big" = 1 ]; then

name=$(basename "$t512")
run_lsp ours open "$t512" "$MLIRSCOPE_LSP"
o_s=$(field seconds) o_rss=$rss o_st=$(field status)
o_h1=$(field hover1_ms) o_h2=$(field hover2_ms) o_hv=$(field hover)
row "didOpen+documentSymbol" "$name" mlirscope-lsp "$o_s" "$o_rss" - "$o_st"
run_lsp upstream open "$t512" "${up_cmd[@]}"
u_s=$(field seconds) u_rss=$rss u_st=$(field status)
u_h1=$(field hover1_ms) u_h2=$(field hover2_ms) u_hv=$(field hover)
[ "$u_st" = ok ] || u_s=">$u_s"
row "didOpen+documentSymbol" "$name" mlir-lsp-server "$u_s" "$u_rss" - "$u_st"
summary+=("$(printf '%-22s %-24s %10s %10s' didOpen+documentSymbol "$name" \
  "$(ratio "$u_s" "$o_s")" "$(ratio "$u_rss" "$o_rss")")")

hover_rows+=("$(printf '%-24s %-16s %12s %12s  %s' "$name" mlirscope-lsp "$o_h1" "$o_h2" "$o_hv")")
hover_rows+=("$(printf '%-24s %-16s %12s %12s  %s' "$name" mlir-lsp-server "$u_h1" "$u_h2" "$u_hv")")
if [ -n "$m4g" ]; then
  run_lsp ours hover "$m4g" "$MLIRSCOPE_LSP"
  hover_rows+=("$(printf '%-24s %-16s %12s %12s  %s' "$(basename "$m4g") (view)" \
    mlirscope-lsp "$(field hover1_ms)" "$(field hover2_ms)" "$(field hover)")")
fi
fi

# --- Keystrokes in large text models --------------------------------------------
keystroke_rows=()
for f in ${keystroke_files[@]+"${keystroke_files[@]}"}; do
  name="$(basename "$f") ($(human "$(stat -c %s "$f")"))"
  for who in ours upstream; do
    if [ "$who" = ours ]; then
      run_lsp ours keystroke "$f" env KEYSTROKES="$KEYSTROKES" \
        KEYSTROKE_BUDGET="$KEYSTROKE_BUDGET" "$MLIRSCOPE_LSP" -debounce-ms=0
      server=mlirscope-lsp
    else
      run_lsp upstream keystroke "$f" env KEYSTROKES="$KEYSTROKES" \
        KEYSTROKE_BUDGET="$KEYSTROKE_BUDGET" "${up_cmd[@]}"
      server=mlir-lsp-server
    fi
    keystroke_rows+=("$(printf '%-30s %-16s %-11s %7s %9s %9s %9s %9s %11s  %s' "$name" "$server" \
      "$(field sync)" "$(field open_s)" "$(field hover_p50)" "$(field hover_p95)" \
      "$(field diag_p50)" "$(field diag_p95)" "$rss" \
      "$(field status) ($(field hover_n)+$(field diag_n) keystrokes)")")
  done
done

# --- Small files: open-to-diagnostics and request latency ----------------------
latency_fields=(open_ms hover_ms definition_ms references_ms documentSymbol_ms completion_ms)
for f in ${small_files[@]+"${small_files[@]}"}; do
  name=$(basename "$f")
  [ "${#name}" -gt 24 ] && name=${name:0:21}...
  run_lsp ours latency "$f" env LATENCY_RUNS="$LATENCY_RUNS" "$MLIRSCOPE_LSP"
  ours_j=$j ours_rss=$rss
  run_lsp upstream latency "$f" env LATENCY_RUNS="$LATENCY_RUNS" "${up_cmd[@]}"
  up_j=$j up_rss=$rss
  for who in ours up; do
    if [ "$who" = ours ]; then j=$ours_j server=mlirscope-lsp r=$ours_rss
    else j=$up_j server=mlir-lsp-server r=$up_rss; fi
    vals=()
    for k in "${latency_fields[@]}"; do vals+=("$(field "$k")"); done
    latency_rows+=("$(printf '%-24s %-16s %8s %8s %8s %8s %8s %8s %8s  %s' "$name" "$server" \
      "${vals[@]}" "$r" "$(field status)")")
  done
  vals=()
  for k in "${latency_fields[@]}"; do
    j=$up_j; u=$(field "$k"); j=$ours_j; o=$(field "$k")
    vals+=("$(ratio "$u" "$o")")
  done
  latency_rows+=("$(printf '%-24s %-16s %8s %8s %8s %8s %8s %8s' "$name" speed-up "${vals[@]}")")
done

# --- Many small requests: latency and throughput -------------------------------
many_fields=(open_p50 open_p95 open_rate hover_p50 hover_p95 hover_rate
             symbols_p50 symbols_p95 symbols_rate)
many_rows=()
# median KEY JSON... -> the median of the field over the runs, or '-'
median_of() {
  "$PYTHON" -c '
import json, sys
k = sys.argv[1]
v = sorted(x for x in (json.loads(a).get(k) for a in sys.argv[2:])
           if isinstance(x, (int, float)))
print("-" if not v else ("%.3f" % v[len(v) // 2]) if v[0] < 100 else
      "%.0f" % v[len(v) // 2])' "$@"
}
for f in ${many_files[@]+"${many_files[@]}"}; do
  name=$(basename "$f")
  ours_runs=() up_runs=() ours_rss=() up_rss=()
  for ((round = 0; round < MANY_ROUNDS; ++round)); do
    run_lsp ours many "$f" env MANY_RUNS="$MANY_RUNS" "$MLIRSCOPE_LSP"
    ours_runs+=("$j") ours_st=$(field status)
    run_lsp upstream many "$f" env MANY_RUNS="$MANY_RUNS" "${up_cmd[@]}"
    up_runs+=("$j") up_st=$(field status)
  done
  declare -A med=()
  for who in ours up; do
    if [ "$who" = ours ]; then runs=("${ours_runs[@]}") server=mlirscope-lsp st=$ours_st
    else runs=("${up_runs[@]}") server=mlir-lsp-server st=$up_st; fi
    vals=()
    for k in "${many_fields[@]}"; do
      med[$who.$k]=$(median_of "$k" "${runs[@]}")
      vals+=("${med[$who.$k]}")
    done
    many_rows+=("$(printf '%-20s %-16s %8s %8s %8s %8s %8s %8s %8s %8s %8s  %s' "$name" \
      "$server" "${vals[@]}" "$st")")
  done
  vals=()
  for k in "${many_fields[@]}"; do
    case $k in
      *_rate) vals+=("$(ratio "${med[ours.$k]}" "${med[up.$k]}")") ;;
      *) vals+=("$(ratio "${med[up.$k]}" "${med[ours.$k]}")") ;;
    esac
  done
  many_rows+=("$(printf '%-20s %-16s %8s %8s %8s %8s %8s %8s %8s %8s %8s' "$name" speed-up "${vals[@]}")")
  unset med
done

echo
echo "mlirscope-lsp:   $MLIRSCOPE_LSP"
echo "mlir-lsp-server: $MLIR_LSP (address space limited to ${UPSTREAM_MEM_GB} GiB)"
echo "cache: $cache; one run per scenario; timeout ${TIMEOUT}s"
disk_rows=()
if [ "$diskhover" = 1 ]; then
  if [ -z "${LSP_DISK_FILES:-}" ]; then
    gen inline-1G.mlir $((2 << 30)) --text --inline --layers 1 --shape 16384x16384 --dtype f32 &&
      gen weight-1G.mlirbc $((1 << 30)) --layers 1 --shape 16384x16384 --dtype f32 &&
      gen weight-4G.mlirbc $((4 << 30)) --layers 1 --shape 32768x32768 --dtype f32 ||
      die "cannot make the diskhover models"
    LSP_DISK_FILES="$BENCH_DIR/inline-1G.mlir $BENCH_DIR/weight-1G.mlirbc $BENCH_DIR/weight-4G.mlirbc"
  fi
  read -r -a disk_files <<<"$LSP_DISK_FILES"
  for f in "${disk_files[@]}"; do
    run_lsp ours diskhover "$f" env HOVER_RUNS="${HOVER_RUNS:-20}" "$MLIRSCOPE_LSP"
    disk_rows+=("$(printf '%-24s %9s %11s %10s %10s %4s %10s %10s  %s' "$(basename "$f")" \
      "$(field seconds)" "$rss" "$(field hover_p50)" "$(field hover_p95)" \
      "$(field hover_n)" "$(field stats_ms)" "$(field cached_ms)" \
      "$(field status) $(field hover)")")
  done
fi
if [ "$diskhover" = 1 ]; then
echo
echo "text models from disk (mlirscope/openFile), mlirscope-lsp: hovers on the"
echo "uncached weight (p50/p95 of n, ms), then until its statistics are ready, cached"
printf '%-24s %9s %11s %10s %10s %4s %10s %10s  %s\n' file open_s peak_rss_MB hover_p50 hover_p95 n stats_ms cached_ms status
for r in ${disk_rows[@]+"${disk_rows[@]}"}; do echo "$r"; done
fi
if [ "$big" = 1 ] || [ "$convert" = 1 ]; then
echo
printf '%-22s %-24s %-16s %9s %11s %12s  %s\n' request file server wall_s peak_rss_MB reply_bytes status
for r in "${rows[@]}"; do echo "$r"; done
echo
printf '%-22s %-24s %10s %10s\n' request file speed-up rss_ratio
for r in "${summary[@]}"; do echo "$r"; done
echo "(speed-up = upstream wall / ours; rss_ratio = upstream peak RSS / ours;"
echo " '>' marks a lower bound: upstream failed or hit its limit first)"
fi
if [ "$big" = 1 ]; then
echo
printf '%-24s %-16s %12s %12s  %s\n' hover server first_ms cached_ms result
for r in "${hover_rows[@]}"; do echo "$r"; done
fi
if [ "$keystroke" = 1 ]; then
echo
echo "keystrokes in the IR of large text models: keystroke -> hover and -> diagnostics, ms"
printf '%-30s %-16s %-11s %7s %9s %9s %9s %9s %11s  %s\n' file server sync open_s \
  hover_p50 hover_p95 diag_p50 diag_p95 peak_rss_MB status
for r in "${keystroke_rows[@]}"; do echo "$r"; done
echo "(mlirscope-lsp with -debounce-ms=0: an editor's diagnostics come 150 ms later, by design)"
fi
if [ "$small" = 1 ]; then
echo
echo "small files: open = didOpen to publishDiagnostics; requests: median of $LATENCY_RUNS, ms"
printf '%-24s %-16s %8s %8s %8s %8s %8s %8s %8s  %s\n' file server open hover def refs symbols complete rss_MB status
for r in ${latency_rows[@]+"${latency_rows[@]}"}; do echo "$r"; done
echo "(speed-up = upstream / ours; 'empty': the server answered nothing there)"
fi
if [ "$many" = 1 ]; then
echo
echo "many small requests: $MANY_RUNS of each kind, one at a time (p50/p95, ms) and"
echo "in one burst (msg/s); median of $MANY_ROUNDS rounds, the servers alternating"
printf '%-20s %-16s %8s %8s %8s %8s %8s %8s %8s %8s %8s  %s\n' file server \
  open50 open95 open/s hover50 hover95 hover/s sym50 sym95 sym/s status
for r in ${many_rows[@]+"${many_rows[@]}"}; do echo "$r"; done
echo "(speed-up = upstream time / ours, or our rate / upstream's)"
fi
