"""Opening models, their documents (summary, weights, ops, graph) against
the CLI's, arrays against `mlirscope extract`, zero copies, errors."""

import gc
import os
import pickle
import shutil

import numpy as np
import pytest

import mlirscope
from conftest import cli, cli_json, corpus, extract


def test_keys_and_weights(gen):
    with mlirscope.open(gen["f32"]) as m:
        assert m.keys() == ["layer0.weight", "layer1.weight", "layer2.weight"]
        assert len(m) == 3 and "layer1.weight" in m and "nope" not in m
        assert list(m) == m.keys()
        listed = cli_json("inspect", "--weights", "--json", gen["f32"])
        weights = m.weights()
        for mine, theirs in zip(weights, listed["weights"]):
            assert mine.pop("where") == gen["f32"]
            assert mine == theirs
        assert m.format == "bytecode"
    assert m.closed
    with pytest.raises(ValueError, match="closed"):
        m.keys()


@pytest.mark.parametrize("name", ["f32", "text", "inline", "transformer"])
def test_summary_is_the_cli_json(gen, name):
    with mlirscope.open(gen[name]) as m:
        assert m.summary() == cli_json("inspect", "--summary", "--json",
                                       gen[name])
        assert m.summary(top=3) == cli_json("inspect", "--summary", "--json",
                                            "--top", "3", gen[name])


def test_summary_on_corpus():
    for path in (corpus("third-party"),):
        files = sorted(os.path.join(r, f) for r, _, fs in os.walk(path)
                       for f in fs if f.endswith((".mlir", ".mlirbc")))
        assert len(files) > 10
        for f in files:
            proc = cli("inspect", "--summary", "--json", f, check=False)
            if proc.returncode != 0:
                # Split files and the like: the module raises the same line.
                continue
            import json
            with mlirscope.open(f) as m:
                assert m.summary() == json.loads(proc.stdout), f


def test_ops_and_graph_are_the_cli_json(gen, tmp_path):
    import json
    path = gen["transformer"]
    with mlirscope.open(path) as m:
        lines = cli("inspect", "--ops", "--json", path).stdout.splitlines()
        assert m.ops() == [json.loads(line) for line in lines]
        out = tmp_path / "g.json"
        cli("graph", "--format", "json", "-o", out, path)
        assert m.graph() == json.loads(out.read_text())
        cli("graph", "--format", "json", "--expand", "all", "-o", out, path)
        assert m.graph(expand="all") == json.loads(out.read_text())
        cli("graph", "--format", "json", "--expand", "1", "--no-scopes",
            "-o", out, path)
        assert m.graph(expand=1, scopes=False) == json.loads(out.read_text())
        with pytest.raises(KeyError, match="no function @nope"):
            m.graph(func="nope")


@pytest.mark.parametrize("name", ["f32", "f16", "bf16", "f64", "i1", "i8",
                                  "i16", "i32", "i64", "ui8", "complex-f32",
                                  "text", "inline", "inline-text", "scalar",
                                  "f8", "f8-text"])
def test_arrays_equal_extract(gen, name, tmp_path):
    with mlirscope.open(gen[name]) as m:
        for key in m.keys():
            want = extract(gen[name], key, tmp_path)
            got = np.asarray(m[key])
            assert got.shape == want.shape, key
            assert got.tobytes() == want.tobytes(), key
            assert not got.flags.writeable


def test_corpus_arrays_equal_extract(tmp_path):
    """Inline hex, literal lists (bool), complex and bf16 of JAX's test data,
    and parameters of IREE's archives."""
    testdata = corpus("stablehlo-testdata")
    files = sorted(f for f in os.listdir(testdata) if f.endswith(".mlir"))
    picked = [f for f in files if any(t in f for t in (
        "bfloat16", "complex64", "bool", "float16", "uint64"))][:12]
    picked.append("fft_float32_14_15_16_17.mlir")
    assert len(picked) >= 4
    checked = 0
    for f in picked:
        path = os.path.join(testdata, f)
        with mlirscope.open(path) as m:
            for key in m.keys():
                listed = [w for w in m.weights() if w["name"] == key][0]
                if listed.get("dtype") is None:
                    continue
                want = extract(path, key, tmp_path)
                got = np.asarray(m[key])
                assert got.tobytes() == want.tobytes(), (f, key)
                assert m.is_copy(key)  # hex or literal text: decoded
                checked += 1
    assert checked >= 8


def test_parameters(tmp_path):
    d = corpus("iree-parameters", "tools-test")
    model = os.path.join(d, "parameters_scoped.mlir")
    params = {"a": os.path.join(d, "parameters_a.safetensors"),
              "b": os.path.join(d, "parameters_b.safetensors")}
    with mlirscope.open(model, parameters=params) as m:
        assert "a::a0" in m.keys()
        a0 = m["a::a0"]
        assert a0.tolist() == [0, 1, 2, 3]
        assert not m.is_copy("a::a0")  # the archive's mapping
        where = {w["name"]: w["where"] for w in m.weights()}
        assert where["a::a0"] == params["a"]
        flags = [f"{s}={p}" for s, p in params.items()]
        for key in m.keys():
            want = extract(model, key, tmp_path, flags)
            assert np.asarray(m[key]).tobytes() == want.tobytes()
    with mlirscope.open(model) as m:  # unbound: a clear error
        with pytest.raises(mlirscope.Error):
            m["a::a0"]


INPUTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                      "corpus", "Inputs")


def test_archives_irpa_and_gguf(tmp_path):
    """irpa data entries are the archive's mapping; an irpa splat is
    decoded (a copy); gguf tensors bound without a scope."""
    model = os.path.join(INPUTS, "irpa-mixed.mlir")
    irpa = corpus("iree-parameters", "irpa", "mixed.irpa")
    with mlirscope.open(model, parameters=f"m={irpa}") as m:
        assert np.allclose(m["m::key0"], 100.1) and m["m::key0"].dtype == np.float32
        assert not m.is_copy("m::key0")
        k3 = m["m::key3"]
        assert m.is_copy("m::key3") and k3.shape == (4096, 1024)
        assert k3.dtype == np.int64 and (k3 == k3[0, 0]).all()
        for key in ("m::key0", "m::key1", "m::key3"):
            want = extract(model, key, tmp_path, [f"m={irpa}"])
            assert np.asarray(m[key]).tobytes() == want.tobytes()
    model = os.path.join(INPUTS, "unscoped-parameters.mlir")
    gguf = corpus("iree-parameters", "gguf", "multiple.gguf")
    with mlirscope.open(model, parameters=[gguf]) as m:
        assert (m["tensor0"] == 1).all() and m["tensor2"].shape == (4, 3)
        assert m.stats("tensor2")["mean"] == 1


def test_zero_copy(gen):
    m = mlirscope.open(gen["f32"])
    a = m["layer1.weight"]
    b = m.get_tensor("layer1.weight")
    assert np.shares_memory(a, b)
    assert a.ctypes.data == b.ctypes.data
    assert not a.flags.owndata and not a.flags.writeable
    with pytest.raises(ValueError):
        a[0, 0] = 1.0
    # The array keeps the mapping: close the model, drop it, read on.
    want = a.copy()
    m.close()
    del m, b
    gc.collect()
    assert np.array_equal(a, want)
    # A slice of a raw weight is a view of the same mapping.
    with mlirscope.open(gen["f32"]) as m:
        s = m.get_slice("layer1.weight")[2:4, ::2]
        assert np.shares_memory(s, m["layer1.weight"])
        # Text keeps hex digits: decoded, so a copy each time.
    with mlirscope.open(gen["text"]) as m:
        x, y = m["layer0.weight"], m["layer0.weight"]
        assert not np.shares_memory(x, y) and m.is_copy("layer0.weight")


def test_errors(gen, tmp_path):
    with pytest.raises(FileNotFoundError):
        mlirscope.open(tmp_path / "missing.mlirbc")
    bad = tmp_path / "bad.mlirbc"
    data = open(gen["f32"], "rb").read()
    bad.write_bytes(data[:40])
    with pytest.raises(mlirscope.FormatError) as e:
        mlirscope.open(bad)
    assert isinstance(e.value, ValueError)
    line = cli("inspect", bad, check=False).stderr.strip()
    assert str(e.value) in line and "offset" in str(e.value)
    assert "\n" not in str(e.value)
    with mlirscope.open(gen["f32"]) as m:
        with pytest.raises(KeyError) as k:
            m["layer1.wieght"]
        assert "did you mean 'layer1.weight'" in str(k.value)
        assert isinstance(k.value, mlirscope.NoSuchWeight)
        with pytest.raises(TypeError):
            m.get_slice("layer1.weight")[[1, 2]]
        with pytest.raises(IndexError):
            m.get_slice("layer1.weight")[0, 0, 0]


def test_hostile_files_raise(tmp_path):
    """Every prefix and a few corruptions of real models raise, never crash
    (a crash fails the whole pytest run)."""
    sources = [corpus("third-party", d, f)
               for d in sorted(os.listdir(corpus("third-party")))
               if os.path.isdir(corpus("third-party", d))
               for f in sorted(os.listdir(corpus("third-party", d)))
               if f.endswith((".mlirbc", ".bc"))][:3]
    assert sources
    rng = np.random.default_rng(1)
    opened = failed = 0
    for src in sources:
        data = open(src, "rb").read()
        variants = [data[:n] for n in range(0, len(data), max(1, len(data) // 40))]
        for _ in range(20):
            b = bytearray(data)
            for at in rng.integers(0, len(b), 8):
                b[at] = int(rng.integers(0, 256))
            variants.append(bytes(b))
        for v in variants:
            p = tmp_path / "hostile.mlirbc"
            p.write_bytes(v)
            try:
                with mlirscope.open(p) as m:
                    for key in m.keys():
                        try:
                            np.asarray(m[key]).sum()
                            m.stats(key)
                        except (mlirscope.Error, ValueError):
                            pass
                    m.summary()
                opened += 1
            except (mlirscope.FormatError, mlirscope.Error):
                failed += 1
    assert failed > 0 and opened + failed > 60


def test_pickle(gen):
    with mlirscope.open(gen["f32"], min_inline_bytes=16) as m:
        m2 = pickle.loads(pickle.dumps(m))
        assert m2.path == m.path and m2.keys() == m.keys()
        assert m2._min_inline_bytes == 16
        assert np.array_equal(m2["layer0.weight"], m["layer0.weight"])


def test_help_and_stubs():
    assert "zero-copy" in mlirscope.__doc__
    assert "mapping" in mlirscope.Model.get_tensor.__doc__
    stub = os.path.join(os.path.dirname(mlirscope.__file__), "__init__.pyi")
    assert os.path.exists(stub)
    text = open(stub).read()
    for name in ("def open", "def get_tensor", "def get_slice", "def torch",
                 "def stats", "def edit", "def scan", "class FormatError"):
        assert name in text, name


def test_hostile_files_match_cli(tmp_path):
    """Each file of make-hostile-files.py (bad-input.test's) raises with the
    CLI's one-line message, or opens where the CLI opens it."""
    import subprocess
    import sys
    maker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                         "utils", "make-hostile-files.py")
    subprocess.run([sys.executable, maker, str(tmp_path)], check=True)
    files = sorted(os.listdir(tmp_path))
    assert len(files) > 10
    raised = 0
    for f in files:
        path = str(tmp_path / f)
        proc = cli("inspect", "--summary", "--json", path, check=False)
        try:
            with mlirscope.open(path) as m:
                for key in m.keys():
                    try:
                        np.asarray(m[key])
                    except mlirscope.Error:
                        pass
                summary = m.summary()
            if proc.returncode == 0:
                import json
                assert summary == json.loads(proc.stdout), f
        except (mlirscope.Error, OSError) as e:
            raised += 1
            assert proc.returncode != 0, f
            assert str(e).strip("'\"") in proc.stderr, (f, str(e), proc.stderr)
    assert raised >= len(files) // 2
