"""tensorPreview and exportResource run off the message thread and cancel.

    python check-blob-cancel.py SERVER MODEL TMP

MODEL is a large sparse model (layer0.weight of several GB). A tensorPreview
of it reports progress on the client's token; meanwhile a hover is answered
(the preview runs on a thread of its own); $/cancelRequest ends the preview
with RequestCancelled (-32800) and its progress with "end". The same for an
exportResource, which must leave nothing in the target directory. Then the
server still answers a hover and shuts down cleanly. Prints the time from
each cancel to its reply (a number, not a check).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail, bytecode_uri  # noqa

server, model, tmp = sys.argv[1:4]
os.makedirs(tmp, exist_ok=True)
uri = bytecode_uri(model)
c = Client([server, "-log=error"])
view = c.result("mlir/convertFromBytecode", {"uri": uri})["output"]
c.open_text(uri, view)
line = next(i for i, l in enumerate(view.splitlines()) if "arith.addf" in l)
op_hover = {"textDocument": {"uri": uri},
            "position": {"line": line, "character": view.splitlines()[line]
                         .index("arith.addf") + 2}}


def wait_report(token):
    """Waits for the first $/progress report on `token`."""
    while not any(v["kind"] == "report" for v in c.progress(token)):
        message = c.next_message()
        if "id" in message and "method" not in message:
            fail("a reply before any progress report: %s" % message)


def cancel_and_wait(request_id, what):
    start = time.monotonic()
    c.notify("$/cancelRequest", {"id": request_id})
    reply = c.wait_reply(request_id)
    took = time.monotonic() - start
    check("error" in reply and reply["error"]["code"] == -32800,
          "%s: expected RequestCancelled, got %s" % (what, reply))
    print("%s: cancelled: %d %s" % (what, reply["error"]["code"],
                                    reply["error"]["message"]),
          file=sys.stdout)
    print("%s: reply %.0f ms after the cancel" % (what, took * 1000),
          file=sys.stderr)


# The preview runs on its own thread: a hover sent after it is answered
# first.
preview = c.request("mlirscope/tensorPreview", {
    "uri": uri, "key": "layer0.weight", "workDoneToken": "preview"})
wait_report("preview")
hover = c.request("textDocument/hover", op_hover)
while True:
    message = c.next_message()
    if message.get("id") == preview and "method" not in message:
        fail("the preview was answered before the hover: %s" % message)
    if message.get("id") == hover and "method" not in message:
        break
check("arith.addf" in message["result"]["contents"]["value"], "hover text")
print("preview: hover answered while it runs")
cancel_and_wait(preview, "preview")
kinds = [v["kind"] for v in c.progress("preview")]
check(kinds[0] == "begin" and kinds[-1] == "end", "progress %s" % kinds)
print("preview: progress begin, report..., end")

out = os.path.join(tmp, "out")
os.makedirs(out, exist_ok=True)
target = os.path.join(out, "weight.npy")
export = c.request("mlirscope/exportResource", {
    "uri": uri, "key": "layer0.weight", "path": target,
    "workDoneToken": "export"})
wait_report("export")
cancel_and_wait(export, "export")
left = os.listdir(out)
check(not left, "a cancelled export left %s" % left)
print("export: nothing left behind")

# Cancelled right behind the request: before its job starts, or as it does.
for method, params in (
        ("mlirscope/tensorPreview", {"uri": uri, "key": "layer0.weight"}),
        ("mlirscope/exportResource", {"uri": uri, "key": "layer0.weight",
                                      "path": target})):
    cancel_and_wait(c.request(method, params), method + " at once")
left = os.listdir(out)
check(not left, "a cancelled export left %s" % left)
print("export at once: nothing left behind")

reply = c.result("textDocument/hover", op_hover)
check("arith.addf" in reply["contents"]["value"], "hover text")
print("hover after the cancels: answered")
c.shutdown()
print("done")
