"""Whether two models hold the same weights, byte for byte.

    python same-weights.py CLI A B

Lists the weights of each model with `mlirscope inspect --json` and
compares, for every weight of A, the stored bytes of B's weight of the same
name (same kind, type and size). Prints one line per weight; exits 1 at the
first difference.
"""
import json
import subprocess
import sys

cli, a, b = sys.argv[1:4]


def weights(path):
    out = subprocess.run([cli, "inspect", "--json", path], check=True,
                         stdout=subprocess.PIPE).stdout
    w = json.loads(out)["weights"]
    listed = w["largest"]
    if len(listed) != w["count"]:
        sys.exit("%s: %d weights, %d listed" % (path, w["count"], len(listed)))
    return {x["name"]: x for x in listed}


def stored(path, w):
    with open(path, "rb") as f:
        f.seek(w["offset"])
        return f.read(w["size"])


wa, wb = weights(a), weights(b)
if sorted(wa) != sorted(wb):
    sys.exit("weights differ: %s vs %s" % (sorted(wa), sorted(wb)))
for name in sorted(wa):
    x, y = wa[name], wb[name]
    for field in ("kind", "type", "size", "encoding"):
        if x[field] != y[field]:
            sys.exit("%s: %s %s vs %s" % (name, field, x[field], y[field]))
    if stored(a, x) != stored(b, y):
        sys.exit("%s: the bytes differ" % name)
    print("%s: %s %s, %d bytes, same" % (name, x["kind"], x["type"], x["size"]))
