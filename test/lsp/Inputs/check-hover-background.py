"""Hovers answer from the index at once; statistics follow in the background.

    python check-hover-background.py SERVER GENMODEL TMP

Over the elided view of a generated sparse model (two 1 GiB weights, then
one of 4 GiB): a hover on a weight whose statistics are not cached answers
with dtype, shape and size and says the statistics are being computed;
mlirscope/statisticsReady follows (and workspace/inlayHint/refresh, the
client taking it), and the next hover shows them. Statistics no longer
wanted stop: a hover elsewhere (the weight is still uncached afterwards) and
closing the document while they are computed (the server's threads go back
to what they were, it uses no CPU, and no statisticsReady comes).
Times are bounded generously (a loaded machine); bench/lsp.sh measures them.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, bytecode_uri  # noqa

server, genmodel, tmp = sys.argv[1:4]
os.makedirs(tmp, exist_ok=True)
READY = "mlirscope/statisticsReady"


def position(text, key):
    at = text.index("dense_resource<" + key) + len("dense_resource<") + 1
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def hover(c, uri, pos):
    start = time.monotonic()
    reply = c.result("textDocument/hover", {"textDocument": {"uri": uri},
                                            "position": pos})
    return reply["contents"]["value"] if reply else "", \
        time.monotonic() - start


def facts(md):
    return ", ".join(line[2:] for line in md.splitlines()
                     if line.startswith("- dtype") or
                     line.startswith("- bytes"))


def threads(c):
    return len(os.listdir("/proc/%d/task" % c.proc.pid))


def cpu_seconds(c):
    fields = open("/proc/%d/stat" % c.proc.pid).read().rsplit(")", 1)[1]
    utime, stime = fields.split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def settle(c, baseline, what):
    """Waits (10 s at most) for the server's threads to be `baseline`
    again, then checks it stays idle for a second."""
    deadline = time.monotonic() + 10
    while threads(c) > baseline:
        if time.monotonic() > deadline:
            fail("%s: %d threads, %d before" % (what, threads(c), baseline))
        time.sleep(0.02)
    before = cpu_seconds(c)
    time.sleep(1)
    used = cpu_seconds(c) - before
    check(used < 0.3, "%s: %.2f s of CPU in the second after" % (what, used))
    print("%s: threads back to %d, idle" % (what, baseline))


def open_view(c, model):
    uri = bytecode_uri(model)
    view = c.result("mlir/convertFromBytecode", {"uri": uri})["output"]
    c.open_text(uri, view)
    return uri, view


c = Client([server, "-log=error"],
           capabilities={"workspace": {"inlayHint": {"refreshSupport": True}}})

model = os.path.join(tmp, "1g.mlirbc")
subprocess.run([genmodel, "-o", model, "--layers", "2", "--shape",
                "16384x16384", "--dtype", "f32", "--sparse"], check=True)
uri, view = open_view(c, model)
# Diagnostics of the view come first: the server is idle after them.
c.wait_notification("textDocument/publishDiagnostics",
                    lambda p: p["uri"] == uri, 60)
baseline = threads(c)

# An uncached 1 GiB weight: answered at once, statistics pending.
pos0 = position(view, "layer0.weight")
mark = len(c.notifications)
requests_before = len(c.server_requests)
md, seconds = hover(c, uri, pos0)
check("statistics: computing" in md and "zeros:" not in md, md)
# The statistics' lines are held (the same count as in the hover that shows
# them), so that a hover widget sized for this one does not cut the next.
pending_lines = md.count("\n")
check(seconds < 5, "the first hover took %.1f s" % seconds)
print("first hover: %s; statistics: computing; answered within 5 s"
      % facts(md))
ready = c.wait_notification(READY, lambda p: p["uri"] == uri, 120,
                            after=mark)
if ready is None:
    fail("no %s within 120 s" % READY)
print("%s: %s" % (READY, ready["name"]))
# The refresh request follows the notification.
deadline = time.monotonic() + 10
while not any(r["method"] == "workspace/inlayHint/refresh"
              for r in c.server_requests[requests_before:]):
    if time.monotonic() > deadline:
        fail("no workspace/inlayHint/refresh")
    c.wait_notification("-", timeout=0.1)
print("workspace/inlayHint/refresh: asked")
# Inlay hints pick the cached statistics up; layer1.weight has none yet.
hints = c.result("textDocument/inlayHint", {
    "textDocument": {"uri": uri},
    "range": {"start": {"line": 0, "character": 0},
              "end": {"line": view.count("\n") + 1, "character": 0}}})
labels = {h["position"]["line"]: h["label"] for h in hints}
for key in ("layer0.weight", "layer1.weight"):
    print("inlay hint of %s: %s" % (key, labels.get(position(view, key)["line"])))
md, seconds = hover(c, uri, pos0)
check("| min |" in md and "computing" not in md, md)
check(md.count("\n") == pending_lines, "%d lines, %d while computing:\n%s"
      % (md.count("\n"), pending_lines, md))
zeros = [line for line in md.splitlines() if line.startswith("zeros:")]
print("second hover: %s; %s" % (facts(md), zeros[0] if zeros else md))

# A hover elsewhere (the function's name) before the statistics of
# layer1.weight are in: they are cancelled, not cached.
pos1 = position(view, "layer1.weight")
md, _ = hover(c, uri, pos1)
check("statistics: computing" in md, md)
mark = len(c.notifications)
hover(c, uri, {"line": 1, "character": 13})
settle(c, baseline, "hover elsewhere")
check(c.wait_notification(READY, lambda p: p["name"] == "layer1.weight",
                          0.5, after=mark) is None,
      "statistics of layer1.weight after a hover elsewhere")
md, _ = hover(c, uri, pos1)
check("statistics: computing" in md, "layer1.weight cached: " + md)
print("hover elsewhere: layer1.weight not computed, computing again on "
      "the next hover")
# Elsewhere and back at once: the cancelled job may still be winding down;
# the weight's statistics are computed again all the same.
mark = len(c.notifications)
hover(c, uri, {"line": 1, "character": 13})
md, _ = hover(c, uri, pos1)
check("statistics: computing" in md, md)
check(c.wait_notification(READY, lambda p: p["name"] == "layer1.weight",
                          120, after=mark) is not None,
      "no %s for layer1.weight after a hover elsewhere and back" % READY)
print("elsewhere and back at once: %s: layer1.weight" % READY)
c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

# Closing the document while a 4 GiB weight's statistics are computed.
big = os.path.join(tmp, "4g.mlirbc")
subprocess.run([genmodel, "-o", big, "--layers", "1", "--shape",
                "32768x32768", "--dtype", "f32", "--sparse"], check=True)
big_uri, big_view = open_view(c, big)
c.wait_notification("textDocument/publishDiagnostics",
                    lambda p: p["uri"] == big_uri, 60)
baseline = threads(c)
mark = len(c.notifications)
md, seconds = hover(c, big_uri, position(big_view, "layer0.weight"))
check("statistics: computing" in md, md)
check(seconds < 5, "the hover on 4 GiB took %.1f s" % seconds)
# Computing: threads beyond the baseline (the job and its workers).
deadline = time.monotonic() + 10
while threads(c) <= baseline:
    if time.monotonic() > deadline:
        fail("the statistics never started")
    time.sleep(0.01)
print("4 GiB: hover answered within 5 s, statistics computing")
c.notify("textDocument/didClose", {"textDocument": {"uri": big_uri}})
settle(c, baseline, "closed while computing")
check(c.wait_notification(READY, lambda p: p["uri"] == big_uri, 1,
                          after=mark) is None,
      "%s for a closed document" % READY)
print("closed while computing: no %s" % READY)
c.shutdown()
print("done")
