"""mlirscope-lsp binds the parameter archives beside a model opened from a
URL as it binds those beside the same model on disk.

    check-lsp-archives-beside.py SERVER MODEL_URL LOCAL_MODEL

Opens LOCAL_MODEL (its folder listed) and MODEL_URL (the store asked) with
`mlirscope/openFile` and compares their `mlirscope/weights`, the archives'
URLs written as the local folder's paths; then a hover's statistics of the
first parameter (its bytes read from the remote archive). Prints the
archives each parameter was bound to.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lsp",
                                "Inputs"))
from lspclient import Client, check, fail, file_uri  # noqa

server, url, local = sys.argv[1:4]
local = os.path.abspath(local)
url_dir, local_dir = url[:url.rfind("/") + 1], os.path.dirname(local) + "/"

c = Client([server, "-log=error"])
answers, views = [], {}
for uri, path in ((file_uri(local), local), (url, url)):
    views[uri] = c.result("mlirscope/openFile", {"path": path})["output"]
    c.open_text(uri, views[uri])
    answers.append(c.result("mlirscope/weights", {"uri": uri}))
remote = json.loads(json.dumps(answers[1]).replace(url_dir, local_dir)
                    .replace(url, local))
for w in answers[1]["weights"]:
    print("%s: %s" % (w["name"], w.get("archive", "unbound")))
check(all("archive" in w for w in answers[0]["weights"]),
      "the local model left parameters unbound: %s" % answers[0])
if remote != answers[0]:
    fail("mlirscope/weights differ:\nlocal:  %s\nremote: %s"
         % (answers[0], answers[1]))
print("same: mlirscope/weights")
c.shutdown()
print("done")
