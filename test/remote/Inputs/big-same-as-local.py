"""A ~100 GB sparse bytecode model served over HTTP answers what the local
file answers, and reading its summary fetches only megabytes.

    big-same-as-local.py MLIRSCOPE MLIRSCOPE_LSP BASE_URL DIR FILE OUT SMALL

Compares, local path against BASE_URL/FILE (the URL written as the path):
`inspect --summary --json`, `stats --json SMALL`, `extract SMALL` (the .npy
files), `graph --format json`, and through mlirscope-lsp the elided view
and the hover on SMALL. `inspect --summary --verbose` on the URL must fetch
under 8 MiB: a 100 GB model is never downloaded to be summarized. Prints one
line per check; the first difference fails.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lsp",
                                "Inputs"))
from lspclient import Client, check, fail, file_uri  # noqa

tool, lsp, base, folder, name, out, small = sys.argv[1:8]
os.makedirs(out, exist_ok=True)
url = base + "/" + name
local = os.path.abspath(os.path.join(folder, name))


def run(args, stderr=subprocess.DEVNULL):
    p = subprocess.run([tool] + args, stdout=subprocess.PIPE, stderr=stderr,
                       timeout=600)
    if p.returncode != 0:
        fail("%s exited with %d" % (" ".join(args), p.returncode))
    return p


def same(what, a, b):
    if a != b.replace(url.encode() if isinstance(b, bytes) else url,
                      local.encode() if isinstance(b, bytes) else local):
        fail("%s differs between %s and %s" % (what, local, url))
    print("same: " + what)


for what, args in (("inspect --summary --json", ["inspect", "--summary",
                                                 "--json"]),
                   ("stats --json " + small, ["stats", "--json", "%s", small]),
                   ("graph --format json", ["graph", "--format", "json",
                                            "%s", "-o", "-"])):
    answers = []
    for model in (local, url):
        argv = [model if a == "%s" else a for a in args]
        if "%s" not in args:
            argv.append(model)
        answers.append(run(argv).stdout)
    check(answers[0], "%s printed nothing" % what)
    same(what, answers[0], answers[1])

npys = []
for model, tag in ((local, "local"), (url, "remote")):
    path = os.path.join(out, "%s.%s.npy" % (small, tag))
    run(["extract", model, small, "-o", path])
    npys.append(open(path, "rb").read())
same("extract %s (%d bytes)" % (small, len(npys[1])), npys[0], npys[1])

# What summarizing the URL cost: `N requests in M round trips, X fetched`.
err = run(["inspect", "--summary", "--verbose", url],
          stderr=subprocess.PIPE).stderr.decode()
m = re.search(r"(\d+) requests in (\d+) round trips, ([0-9.]+) (B|KiB|MiB|GiB|"
              r"TiB) fetched", err)
check(m, "no fetch figures in --verbose: " + err)
fetched = float(m.group(3)) * 1024 ** ["B", "KiB", "MiB", "GiB",
                                       "TiB"].index(m.group(4))
size = os.path.getsize(local)
check(fetched < 8 << 20, "the summary fetched %s %s of a %d-byte model"
      % (m.group(3), m.group(4), size))
print("summary fetched under 8 MiB of %.1f GiB" % (size / 2 ** 30))

c = Client([lsp, "-log=error"])
views = {}
for uri, path in ((file_uri(local), local), (url, url)):
    views[uri] = c.result("mlirscope/openFile", {"path": path})["output"]
    c.open_text(uri, views[uri])
same("elided view", views[file_uri(local)], views[url])
hovers = []
for uri in (file_uri(local), url):
    text = views[uri]
    at = text.index("dense_resource<" + small) + len("dense_resource<") + 1
    line = text.count("\n", 0, at)
    hover = c.hover_with_statistics(uri, line, at - (text.rfind("\n", 0, at)
                                                     + 1), timeout=300)
    hovers.append(hover["contents"]["value"])
check("| min |" in hovers[1], "no statistics in the hover: " + hovers[1])
same("hover " + small, hovers[0], hovers[1])
c.shutdown()
print("done")
