"""scan: a Dask LocalCluster of two worker processes over 200 models gives
the summaries the CLI gives; the local pool too; models pickle."""

import pytest

import mlirscope
from conftest import cli_json, genmodel


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    d = tmp_path_factory.mktemp("fleet")
    paths = []
    for i in range(200):
        args = ["--layers", 1 + i % 3, "--shape", f"{4 + i % 5}x8",
                "--seed", i]
        if i % 7 == 0:
            args.append("--text")
        paths.append(genmodel(d / (f"m{i}.mlir" if i % 7 == 0 else
                                   f"m{i}.mlirbc"), *args))
    return paths


def _summary(model):
    return model.summary()


def test_dask_two_workers(fleet):
    import distributed  # python3-distributed (scripts/dev.sh TEST_PACKAGES)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        got = mlirscope.scan(fleet, _summary, client=client)
        # Models themselves travel too: pickled as (path, options).
        models = [mlirscope.open(p) for p in fleet[:5]]
        keys = client.gather(client.map(lambda m: m.keys(), models))
        assert keys == [m.keys() for m in models]
    want = [cli_json("inspect", "--summary", "--json", p) for p in fleet]
    assert got == want


def test_local_pool(fleet):
    got = mlirscope.scan(fleet[:20], lambda m: (m.path, len(m.keys())))
    assert got == [(p, 1 + i % 3) for i, p in enumerate(fleet[:20])]
    bad = fleet[:2] + ["/nonexistent.mlirbc"]
    with pytest.raises(FileNotFoundError):
        mlirscope.scan(bad, len)
    res = mlirscope.scan(bad, len, errors="return")
    assert res[:2] == [1, 2] and isinstance(res[2], FileNotFoundError)


def test_find_nonfinite_example(tmp_path):
    """examples/python/find_nonfinite.py over a directory of checkpoints, two
    of them given NaN and -Inf through an edit."""
    import os
    import subprocess
    import sys
    for i in range(6):
        genmodel(tmp_path / f"ckpt{i}.mlirbc", "--layers", 2, "--shape", "4x8",
                 "--seed", i)
    with mlirscope.open(tmp_path / "ckpt2.mlirbc") as m, m.edit() as e:
        e["layer1.weight"][1, 2:4] = float("nan")
    with mlirscope.open(tmp_path / "ckpt5.mlirbc") as m, m.edit() as e:
        e["layer0.weight"][0, 0] = float("-inf")
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                           "..", "examples", "python", "find_nonfinite.py")
    proc = subprocess.run([sys.executable, example, str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines == [
        f"{tmp_path}/ckpt2.mlirbc: layer1.weight: 2 NaN, 0 +Inf, 0 -Inf",
        f"{tmp_path}/ckpt5.mlirbc: layer0.weight: 0 NaN, 0 +Inf, 1 -Inf",
        "6 models, 2 weights with NaN/Inf"]
