"""A 100 GiB model (sparse: its weights are holes): opening it and reading a
1 GiB weight costs no copy, so the process stays small."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import genmodel


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    d = tmp_path_factory.mktemp("huge")
    path = genmodel(d / "huge.mlirbc", "--layers", 100, "--shape",
                    "16384x16384", "--sparse")
    assert os.path.getsize(path) > 100 * 2**30
    yield path
    os.unlink(path)


def test_rss_stays_small(huge):
    # A fresh interpreter, so the figures are the module's alone.
    script = textwrap.dedent(f"""
        import json, numpy as np, mlirscope
        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        start = rss()
        m = mlirscope.open({huge!r})
        a = m["layer57.weight"]
        assert a.nbytes == 2**30 and a.shape == (16384, 16384)
        b = m.get_tensor("layer57.weight")
        shared = bool(np.shares_memory(a, b))
        # Read across the whole weight (a row every 256) and one block.
        sample = float(a[::256].sum()) + float(a[8000:8064].sum())
        stats = m.stats("layer57.weight")
        print(json.dumps(dict(start=start, peak=rss(), shared=shared,
                              sample=sample, zeros=stats["zeros"],
                              copy=m.is_copy("layer57.weight"))))
    """)
    out = subprocess.run([sys.executable, "-c", script], check=True,
                         capture_output=True, text=True).stdout
    r = json.loads(out)
    assert r["shared"] and not r["copy"]
    assert r["sample"] == 0 and r["zeros"] == 16384 * 16384
    assert r["peak"] < 200 * 2**20, f"peak RSS {r['peak'] / 2**20:.0f} MiB"
