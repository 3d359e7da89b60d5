"""The tensor preview's first paint never waits; background statistics show
progress and can be cancelled.

    python check-preview-quick.py SERVER GENMODEL TMP

1. `mlirscope/tensorPreview` with `quick` on an uncached 1 GiB weight (a
   sparse generated model, no disk blocks) answers at once with the
   metadata and the first page of values, no statistics and no heatmap
   (`pending` names them); the full request made after it brings them. A
   small weight's quick reply is already complete, and its page holds the
   blob's values (read back from the file here).
2. A hover on an uncached large weight leaves its statistics to a
   background job; with `window.workDoneProgress` that job creates a token
   and reports begin (titled with the weight's name, cancellable), reports,
   end.
3. `window/workDoneProgress/cancel` of that token ends the job: `end` comes,
   no mlirscope/statisticsReady, the statistics are not cached.
Times are bounded generously (a loaded machine).
"""
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, bytecode_uri  # noqa

server, genmodel, tmp = sys.argv[1:4]
os.makedirs(tmp, exist_ok=True)
READY = "mlirscope/statisticsReady"
PROGRESS = "$/progress"


def position(text, key):
    at = text.index("dense_resource<" + key) + len("dense_resource<") + 1
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def open_view(c, model):
    uri = bytecode_uri(model)
    view = c.result("mlir/convertFromBytecode", {"uri": uri})["output"]
    c.open_text(uri, view)
    c.wait_notification("textDocument/publishDiagnostics",
                        lambda p: p["uri"] == uri, 60)
    return uri, view


def generate(name, *args):
    path = os.path.join(tmp, name)
    subprocess.run([genmodel, "-o", path, *args], check=True)
    return path


def stats_tokens(c, after):
    return [r["params"]["token"] for r in c.server_requests[after:]
            if r["method"] == "window/workDoneProgress/create"
            and r["params"]["token"].startswith("mlirscope-stats-")]


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            fail("%s: not within %d s" % (what, timeout))
        c.wait_notification("-", timeout=0.05)


c = Client([server, "-log=error"],
           capabilities={"window": {"workDoneProgress": True}})

# 1. The preview: quick, then full.
big = generate("1g.mlirbc", "--layers", "3", "--shape", "16384x16384",
               "--dtype", "f32", "--sparse")
uri, view = open_view(c, big)
start = time.monotonic()
quick = c.result("mlirscope/tensorPreview",
                 {"uri": uri, "key": "layer0.weight", "quick": True})
seconds = time.monotonic() - start
check(seconds < 5, "the quick preview took %.1f s" % seconds)
check("stats" not in quick and "heatmap" not in quick, str(quick)[:400])
values = quick["values"]
check(values["cells"] == ["0"] * 256, str(values)[:400])
print("quick 1 GiB: %s %s, %d bytes, values %dx%d of %dx%d, pending %s; "
      "answered within 5 s" % (
          quick["dtype"], "x".join(map(str, quick["shape"])), quick["bytes"],
          values["rows"], values["cols"], values["totalRows"],
          values["totalCols"], quick["pending"]))
full = c.result("mlirscope/tensorPreview",
                {"uri": uri, "key": "layer0.weight"})
check(full["values"] == values, "the pages differ")
print("full 1 GiB: count %d zeros %d, heatmap %dx%d, pending %s" % (
    full["stats"]["count"], full["stats"]["zeros"], full["heatmap"]["width"],
    full["heatmap"]["height"], full["pending"]))
# Cached now: the quick form brings the statistics (not the heatmap).
quick = c.result("mlirscope/tensorPreview",
                 {"uri": uri, "key": "layer0.weight", "quick": True})
print("quick again: stats %s, pending %s" % (
    "yes" if quick.get("stats") == full["stats"] else "no", quick["pending"]))

small = generate("small.mlirbc", "--layers", "1", "--shape", "40x24",
                 "--dtype", "f32", "--seed", "7")
small_uri, _ = open_view(c, small)
r = c.result("mlirscope/tensorPreview",
             {"uri": small_uri, "key": "layer0.weight", "quick": True})
with open(small, "rb") as f:
    f.seek(r["offset"])
    blob = struct.unpack("<%df" % (40 * 24), f.read(40 * 24 * 4))
expected = [blob[i * 24 + j] for i in range(16) for j in range(16)]
got = [float(x) for x in r["values"]["cells"]]
check(all(abs(a - b) <= 1e-5 * max(1.0, abs(b))
          for a, b in zip(got, expected)) and len(got) == 256,
      "page %s, blob %s" % (got[:8], expected[:8]))
print("quick small: values %dx%d match the blob, stats %s, heatmap %s, "
      "pending %s" % (r["values"]["rows"], r["values"]["cols"],
                      "yes" if "stats" in r else "no",
                      "yes" if "heatmap" in r else "no", r["pending"]))

# 2. A background job's progress.
requests_before = len(c.server_requests)
mark = len(c.notifications)
md = c.result("textDocument/hover", {"textDocument": {"uri": uri},
                                     "position": position(view,
                                                          "layer1.weight")})
check("statistics: computing" in md["contents"]["value"], str(md))
if c.wait_notification(READY, lambda p: p["name"] == "layer1.weight", 120,
                       after=mark) is None:
    fail("no %s" % READY)
tokens = stats_tokens(c, requests_before)
check(len(tokens) == 1, "tokens %s" % tokens)
wait_for("the end of the progress",
         lambda: any(v["kind"] == "end" for v in c.progress(tokens[0])), 10)
values = c.progress(tokens[0])
kinds = [v["kind"] for v in values]
check(kinds[0] == "begin" and kinds[-1] == "end" and
      set(kinds[1:-1]) <= {"report"}, "progress %s" % kinds)
percents = [v["percentage"] for v in values[:-1]]
check(percents == sorted(percents) and all(0 <= p <= 100 for p in percents),
      "percentages %s" % percents)
print("progress: %s, cancellable %s; %s reports, end" % (
    values[0]["title"], values[0]["cancellable"],
    "some" if len(kinds) > 2 else "no"))

# 3. Cancelled through the progress: a 4 GiB weight.
huge = generate("4g.mlirbc", "--layers", "1", "--shape", "32768x32768",
                "--dtype", "f32", "--sparse")
huge_uri, huge_view = open_view(c, huge)
requests_before = len(c.server_requests)
mark = len(c.notifications)
pos = position(huge_view, "layer0.weight")
md = c.result("textDocument/hover", {"textDocument": {"uri": huge_uri},
                                     "position": pos})
check("statistics: computing" in md["contents"]["value"], str(md))
wait_for("a progress token", lambda: stats_tokens(c, requests_before), 30)
token = stats_tokens(c, requests_before)[0]
wait_for("begin", lambda: c.progress(token), 10)
c.notify("window/workDoneProgress/cancel", {"token": token})
start = time.monotonic()
wait_for("the end after the cancel",
         lambda: any(v["kind"] == "end" for v in c.progress(token)), 10)
print("cancel: end within 10 s")
check(c.wait_notification(READY, lambda p: p["uri"] == huge_uri, 1,
                          after=mark) is None,
      "%s after the cancel" % READY)
md = c.result("textDocument/hover", {"textDocument": {"uri": huge_uri},
                                     "position": pos})
check("statistics: computing" in md["contents"]["value"],
      "cached after the cancel: " + md["contents"]["value"])
print("cancel: no %s, not cached (the next hover computes again)" % READY)
# An unknown token changes nothing.
c.notify("window/workDoneProgress/cancel", {"token": "nope"})
c.notify("textDocument/didClose", {"textDocument": {"uri": huge_uri}})
c.shutdown()
print("done")
