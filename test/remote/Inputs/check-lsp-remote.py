"""mlirscope-lsp on a model where it lives: the answers for a URL equal those
for the same file read locally.

    check-lsp-remote.py SERVER TMP BASE_URL DIR FILE [ACCESS_LOG]

Opens DIR/FILE (a file: uri) and BASE_URL/FILE (`mlirscope/openFile` with
the URL: the server shows it under the URL itself) and compares the elided
views, then, on the URL's document: hovers on each blob, mlirscope/weights,
mlirscope/summary, tensorPreview and exportResource (the .npy files equal).
The open reports `$/progress` with the bytes fetched; a save of the remote
model (mlir/convertToBytecode) is refused with how to make a local copy.
With ACCESS_LOG (the HTTP server's, one line per request), mlirscope/summary
of chunk 1, asked twice after the open, equals the local file's and sends
no request: the server reads the IR it already fetched.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lsp",
                                "Inputs"))
from lspclient import Client, check, fail, file_uri  # noqa

server, tmp, base, folder, name = sys.argv[1:6]
access_log = sys.argv[6] if len(sys.argv) > 6 else None
os.makedirs(tmp, exist_ok=True)
url = base + "/" + name
local = os.path.abspath(os.path.join(folder, name))

c = Client([server, "-log=error"],
           capabilities={"window": {"workDoneProgress": True}})


def position(text, key):
    at = text.index("dense_resource<" + key) + len("dense_resource<") + 1
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def as_local(value):
    """`value` (any JSON) with the URL written as the local path."""
    return json.loads(json.dumps(value).replace(url, local))


def same(what, a, b):
    if as_local(a) != as_local(b):
        fail("%s differs:\nlocal:  %s\nremote: %s" % (what, a, b))
    print("same: " + what)


views = {}
for uri, path in ((file_uri(local), local), (url, url)):
    views[uri] = c.result("mlirscope/openFile", {"path": path})["output"]
    c.open_text(uri, views[uri])
same("elided view", views[file_uri(local)], views[url])
text = views[url]

fetch = [n["params"] for n in c.notifications
         if n["method"] == "$/progress"
         and str(n["params"]["token"]).startswith("mlirscope-fetch-")]
check(fetch, "no $/progress for the fetch")
kinds = [p["value"]["kind"] for p in fetch]
check(kinds[0] == "begin" and kinds[-1] == "end", "progress %s" % kinds)
print("progress: %s; %s" % (fetch[0]["value"]["title"],
                            fetch[-1]["value"].get("message", "")))

keys = [line.split(":")[0].strip() for line in text.splitlines()
        if "mlirscope-elided:" in line]
check(keys, "no elided blob in the view")
for key in keys:
    hovers = [c.result("textDocument/hover", {
        "textDocument": {"uri": uri}, "position": position(text, key)})
        ["contents"]["value"] for uri in (file_uri(local), url)]
    check("| min |" in hovers[1], "no statistics in the hover: " + hovers[1])
    same("hover " + key, hovers[0], hovers[1])

for method, params in (("mlirscope/weights", {}), ("mlirscope/summary", {}),
                       ("mlirscope/tensorPreview", {"key": keys[0]})):
    answers = [c.result(method, dict(params, uri=uri))
               for uri in (file_uri(local), url)]
    same(method, answers[0], answers[1])

if access_log:
    def requests():
        with open(access_log) as f:
            return sum(1 for _ in f)
    before = requests()
    answers = [c.result("mlirscope/summary", {"uri": uri, "chunk": 1})
               for uri in (file_uri(local), url, url)]
    same("mlirscope/summary chunk 1", answers[0], answers[1])
    same("mlirscope/summary chunk 1 again", answers[0], answers[2])
    print("summary chunk 1 twice: %d requests" % (requests() - before))

npys = []
for uri, tag in ((file_uri(local), "local"), (url, "remote")):
    path = os.path.join(tmp, "%s.%s.npy" % (keys[0], tag))
    c.result("mlirscope/exportResource", {"uri": uri, "key": keys[0],
                                          "path": path})
    npys.append(open(path, "rb").read())
check(npys[0] == npys[1], "the exported .npy files differ")
print("same: exportResource %s (%d bytes)" % (keys[0], len(npys[1])))

e = c.error("mlir/convertToBytecode", {"uri": url, "text": text,
                                       "output": os.path.join(tmp, "x.mlirbc")})
print("save refused: %s" % e["message"])
check(not os.path.exists(os.path.join(tmp, "x.mlirbc")), "a file was written")
c.shutdown()
print("done")
