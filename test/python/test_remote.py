"""mlirscope.open(URL): models served over HTTP by a real nginx on 127.0.0.1
(test/remote's servers.py starts it here and the fixture stops it) read as
the same files read locally: keys, summaries, weights, slices and stats;
a slice fetches only its bytes; a missing object, an edit and a cancelled
stats end with the CLI's one-line messages; URL models pickle and scan.
s3:// URLs read through test/remote's S3 API (s3rver behind a SigV4 check)
equal the local files too; a wrong secret is a PermissionError."""

import json
import os
import pickle
import shutil
import sys

import numpy as np
import pytest

import mlirscope
from conftest import cli, cli_json, corpus, genmodel

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "remote", "Inputs"))
import servers  # noqa: E402  (test/remote's nginx, reused)

INPUTS = os.path.join(HERE, "..", "corpus", "Inputs")
MODELS = ("f32", "bf16", "i1", "i8", "f8", "text", "inline", "inline-text",
          "transformer")


@pytest.fixture(scope="module")
def www(tmp_path_factory, gen):
    """(folder, base URL): nginx serving the generated models, a model with
    an 8 MiB weight (several cache blocks) and an irpa archive."""
    # No test writes the user's disk cache; a stalled transfer fails fast.
    os.environ["MLIRSCOPE_REMOTE_CACHE_DIR"] = "off"
    os.environ["MLIRSCOPE_REMOTE_TIMEOUT"] = "5"
    root = tmp_path_factory.mktemp("www")
    for name in MODELS:
        shutil.copy(gen[name], root / os.path.basename(gen[name]))
    genmodel(root / "big.mlirbc", "--layers", 1, "--shape", "2048x1024")
    shutil.copy(os.path.join(INPUTS, "irpa-mixed.mlir"), root)
    shutil.copy(corpus("iree-parameters", "irpa", "mixed.irpa"), root)
    proc, port = servers.start_nginx(str(root),
                                     str(tmp_path_factory.mktemp("nginx")))
    try:
        yield str(root), f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def as_local(value, url, path):
    return json.loads(json.dumps(value).replace(url, path))


@pytest.mark.parametrize("name", MODELS)
def test_same_as_local(www, gen, name):
    root, base = www
    path = os.path.join(root, os.path.basename(gen[name]))
    url = base + "/" + os.path.basename(path)
    with mlirscope.open(path) as local, mlirscope.open(url) as m:
        assert m.remote and not local.remote and m.path == url
        assert m.keys() == local.keys() and m.format == local.format
        assert as_local(m.summary(), url, path) == local.summary()
        assert m.summary() == cli_json("inspect", "--summary", "--json", url)
        assert as_local(m.weights(), url, path) == local.weights()
        for key in m.keys():
            if local.weights()[m.keys().index(key)].get("dtype") is None:
                continue
            got, want = m[key], local[key]
            assert m.is_copy(key)  # no mapping to share
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes(), key
            assert getattr(got, "mlir_dtype", None) == getattr(
                want, "mlir_dtype", None)
            assert m.dtype(key) == local.dtype(key)
            if got.ndim == 2:
                sl = (slice(1, 3), slice(None, None, 3))
                assert (m.get_slice(key)[sl].tobytes() ==
                        local.get_slice(key)[sl].tobytes())
            if m.dtype(key) not in ("i1",):
                assert m.stats(key, bins=8) == local.stats(key, bins=8)
        assert m.fetch_counters()["requests"] >= 1
        assert local.fetch_counters() == {}


def test_slice_fetches_only_its_bytes(www):
    root, base = www
    url, path = base + "/big.mlirbc", os.path.join(root, "big.mlirbc")
    with mlirscope.open(path) as local, mlirscope.open(url) as m:
        key = m.keys()[0]
        assert m.get_slice(key).shape == (2048, 1024)
        before = m.fetch_counters()["bytes_fetched"]
        # Rows past the open's speculative first read (2 MiB).
        part = m.get_slice(key)[1500:1502, 10:20]
        fetched = m.fetch_counters()["bytes_fetched"] - before
        assert part.tobytes() == local[key][1500:1502, 10:20].tobytes()
        # The 1 MiB cache block holding them, not the 8 MiB weight.
        assert 0 < fetched <= (1 << 20), fetched
        whole = m[key]
        assert whole.tobytes() == local[key].tobytes()
        # The rest of it (its head came with the open's first read).
        assert m.fetch_counters()["bytes_fetched"] >= 8 << 20


def test_stats_progress_and_cancel(www):
    root, base = www
    url, path = base + "/big.mlirbc", os.path.join(root, "big.mlirbc")
    with mlirscope.open(path) as local, mlirscope.open(url) as m:
        key = m.keys()[0]
        calls = []
        # One thread: the same sums in the same order as the local pass.
        got = m.stats(key, bins=16, threads=1,
                      progress=lambda d, t: calls.append((d, t)))
        assert got == local.stats(key, bins=16, threads=1)
        # The fetch reports (bytes fetched, the weight's bytes).
        assert calls and all(0 < d <= t == 8 << 20 for d, t in calls), calls
    with mlirscope.open(url) as m:
        with pytest.raises(mlirscope.Cancelled):
            m.stats(m.keys()[0], progress=lambda d, t: False)
        # Cancelling left the model usable.
        assert m.stats(m.keys()[0])["elements"] == 2048 * 1024


def test_parameters_by_url(www, tmp_path):
    root, base = www
    model = os.path.join(root, "irpa-mixed.mlir")
    irpa = os.path.join(root, "mixed.irpa")
    with mlirscope.open(model, parameters={"m": irpa}) as local, \
            mlirscope.open(base + "/irpa-mixed.mlir",
                           parameters={"m": base + "/mixed.irpa"}) as m:
        assert m.keys() == local.keys()
        where = {w["name"]: w["where"] for w in m.weights()}
        assert where["m::key0"] == base + "/mixed.irpa"
        for key in ("m::key0", "m::key1", "m::key3"):
            assert m[key].tobytes() == local[key].tobytes()
            assert m.is_copy(key)


def test_missing_object(www):
    _, base = www
    url = base + "/nope.mlirbc"
    with pytest.raises(FileNotFoundError) as e:
        mlirscope.open(url)
    line = cli("inspect", "--summary", url, check=False).stderr.strip()
    assert line == "mlirscope: " + e.value.args[1]
    assert e.value.args[1] == url + ": offset 0: HTTP 404 Not Found"


def test_edit_refused(www):
    root, base = www
    url = base + "/f32.mlirbc"
    with mlirscope.open(url) as m:
        key = m.keys()[0]
        with pytest.raises(mlirscope.Error) as e:
            with m.edit() as ed:
                ed[key][0, 0] = 1.0
    refused = cli("set", url, key, "0", "1.0", check=False)
    assert refused.returncode != 0
    assert refused.stderr.strip() == "mlirscope set: " + str(e.value)
    assert "mlirscope rewrite " + url + " -o local.mlirbc" in str(e.value)


def test_pickle_and_scan(www):
    _, base = www
    urls = [base + "/f32.mlirbc", base + "/text.mlir", base + "/inline.mlirbc"]
    m = pickle.loads(pickle.dumps(mlirscope.open(urls[0])))
    assert m.remote and m.path == urls[0] and len(m.keys()) == 3
    got = mlirscope.scan(urls, lambda model: model.summary())
    assert got == [cli_json("inspect", "--summary", "--json", u) for u in urls]
    res = mlirscope.scan(urls[:1] + [base + "/nope.mlirbc"], len,
                         errors="return")
    assert res[0] == 3 and isinstance(res[1], FileNotFoundError)


@pytest.fixture(scope="module")
def s3(tmp_path_factory, gen):
    """(bucket folder, endpoint): test/remote's S3 API (s3rver behind a
    SigV4 check) with bucket `models` filled through the S3 API."""
    bucket = tmp_path_factory.mktemp("bucket")
    for name in ("f32", "text"):
        shutil.copy(gen[name], bucket / os.path.basename(gen[name]))
    try:
        proc, front, url = servers.start_s3(
            f"models={bucket}", str(tmp_path_factory.mktemp("s3")))
    except SystemExit as e:  # node_modules missing: say so, fail
        pytest.fail(str(e))
    try:
        yield str(bucket), url
    finally:
        front.shutdown()
        proc.terminate()
        proc.wait(10)


def test_s3(s3, monkeypatch):
    bucket, endpoint = s3
    for v in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "S3RVER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "S3RVER")
    for name in ("f32.mlirbc", "text.mlir"):
        url, path = "s3://models/" + name, os.path.join(bucket, name)
        with mlirscope.open(path) as local, mlirscope.open(url) as m:
            assert m.remote and m.keys() == local.keys()
            assert as_local(m.summary(), url, path) == local.summary()
            for key in m.keys():
                assert m[key].tobytes() == local[key].tobytes()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    with pytest.raises(PermissionError) as e:
        mlirscope.open("s3://models/f32.mlirbc")
    assert e.value.args[1] == ("s3://models/f32.mlirbc: offset 0: HTTP 403 "
                               "Forbidden (SignatureDoesNotMatch)")
