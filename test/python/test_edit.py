"""Edits: committed on exit, discarded on an exception, crash-safe."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mlirscope
from conftest import extract


@pytest.fixture
def copy(gen, tmp_path):
    def make(name):
        src = gen[name]
        dst = tmp_path / os.path.basename(src)
        shutil.copyfile(src, dst)
        return str(dst)
    return make


@pytest.mark.parametrize("name", ["f32", "text", "bf16", "i8", "f8"])
def test_commit(copy, name, tmp_path):
    path = copy(name)
    m = mlirscope.open(path)
    key = m.keys()[-1]
    before = np.asarray(m[key]).copy()
    view = m[key]  # an array handed out before the edit
    value = {"i8": 7, "f8": 2.0, "bf16": 1.5}.get(name, 1.25)
    with m.edit() as e:
        if before.ndim == 2:
            e[key][1, 2] = value
            e[key][-1, 1:3] = value
        else:
            e[key][1] = value
        assert e.pending >= 1
    after = np.asarray(m[key])
    want = before.copy()
    stored = np.asarray(mlirscope.to_float32(m[key])) if name in (
        "bf16", "f8") else after
    if before.ndim == 2:
        assert stored[1, 2] == value and (stored[-1, 1:3] == value).all()
        mask = np.ones(before.shape, bool)
        mask[1, 2] = False
        mask[-1, 1:3] = False
        assert np.array_equal(after[mask], before[mask])
    assert np.array_equal(np.asarray(m[key]), extract(path, key, tmp_path))
    if not m.is_copy(key):
        # The mapping sees the new bytes.
        assert np.array_equal(np.asarray(view), after)
    # replace: the whole weight.
    new = np.arange(before.size).reshape(before.shape) % 5
    with m.edit() as e:
        e.replace(key, new)
    got = np.asarray(mlirscope.to_float32(m[key]) if name in ("bf16", "f8")
                     else m[key])
    assert np.array_equal(got, new.astype(got.dtype))
    assert np.array_equal(np.asarray(m[key]), extract(path, key, tmp_path))


def test_rollback_on_exception(copy):
    path = copy("f32")
    data = open(path, "rb").read()
    m = mlirscope.open(path)
    with pytest.raises(RuntimeError):
        with m.edit() as e:
            e["layer0.weight"][0, 0] = 9.0
            e.replace("layer1.weight", np.zeros((8, 16), np.float32))
            raise RuntimeError("changed my mind")
    assert open(path, "rb").read() == data
    assert not os.path.exists(path + ".mlirscope-journal")


def test_refusals(copy, tmp_path):
    path = copy("f32")
    with mlirscope.open(path) as m:
        with pytest.raises(ValueError, match="shape"):
            with m.edit() as e:
                e.replace("layer0.weight", np.zeros((2, 2)))
        with pytest.raises(KeyError):
            with m.edit() as e:
                e["nope"][0] = 1
    with mlirscope.open(copy("i8")) as m:
        with pytest.raises(ValueError, match="representable"):
            with m.edit() as e:
                e["layer0.weight"][0, 0] = 1000
    # A literal list would change size: core's reason.
    lit = tmp_path / "literal.mlir"
    lit.write_text("func.func @f() -> tensor<2xf32> {\n"
                   "  %0 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>\n"
                   "  return %0 : tensor<2xf32>\n}\n")
    with mlirscope.open(lit) as m:
        (key,) = m.keys()
        assert m[key].tolist() == [1.0, 2.0] and m.is_copy(key)
        with pytest.raises(mlirscope.Error, match="literal"):
            with m.edit() as e:
                e[key][0] = 3.0
    # A read-only file: the editor's one-line reason.
    os.chmod(path, 0o444)
    with mlirscope.open(path) as m:
        with pytest.raises(OSError, match="read-only"):
            with m.edit() as e:
                e["layer0.weight"][0, 0] = 1.0


@pytest.mark.parametrize("failpoint", ["journal-partial", "journal-synced",
                                       "file-partial", "file-synced"])
def test_kill_during_commit(copy, failpoint):
    """kill -9 (core's failpoints SIGKILL the process) in the middle of a
    commit: reopening the model rolls the journal back to the old bytes."""
    path = copy("f32")
    data = open(path, "rb").read()
    script = textwrap.dedent(f"""
        import numpy as np, mlirscope
        m = mlirscope.open({path!r})
        with m.edit() as e:
            e.replace("layer0.weight", np.full((8, 16), 7, np.float32))
            e["layer2.weight"][0, 0] = 3.0
    """)
    env = dict(os.environ, MLIRSCOPE_FAILPOINT=failpoint)
    proc = subprocess.run([sys.executable, "-c", script], env=env)
    assert proc.returncode == -signal.SIGKILL
    with mlirscope.open(path) as m:  # recovery
        assert not os.path.exists(path + ".mlirscope-journal")
        assert open(path, "rb").read() == data
    # Without a failpoint the same edit completes.
    subprocess.run([sys.executable, "-c", script], check=True)
    with mlirscope.open(path) as m:
        assert (m["layer0.weight"] == 7).all() and m["layer2.weight"][0, 0] == 3
