"""bf16, f8, complex; to_float32; slices of raw and decoded weights; torch
tensors sharing the mapping."""

import numpy as np
import pytest

import mlirscope
from conftest import cli_json


def test_bf16(gen):
    with mlirscope.open(gen["bf16"]) as m:
        a = m["layer0.weight"]
        assert isinstance(a, mlirscope.RawArray) and a.mlir_dtype == "bf16"
        assert a.dtype == np.uint16 and a.shape == (8, 16)
        assert np.shares_memory(a, m["layer0.weight"])
        f = a.to_float32()
        assert f.dtype == np.float32
        s = m.stats("layer0.weight")
        assert f.min() == pytest.approx(s["min"]) and f.max() == pytest.approx(s["max"])
        assert f.mean() == pytest.approx(s["mean"], rel=1e-5)
        # A slice keeps the type.
        part = m.get_slice("layer0.weight")[1:3, ::5]
        assert part.mlir_dtype == "bf16"
        assert np.array_equal(part.to_float32(), f[1:3, ::5])


@pytest.mark.parametrize("name", ["f8", "f8-text"])
def test_f8(gen, name):
    with mlirscope.open(gen[name]) as m:
        (key,) = m.keys()
        a = m[key]
        assert a.mlir_dtype == "f8E4M3FN" and a.dtype == np.uint8
        assert a.ravel().tolist() == [0x00, 0x38, 0x40, 0x44, 0x48, 0x50, 0xC0, 0xFE]
        # f8E4M3FN: 0x38 = 1.0, 0x40 = 2, 0x44 = 3, 0x48 = 4, 0x50 = 8,
        # 0xC0 = -2, 0xFE = -448.
        assert mlirscope.to_float32(a).ravel().tolist() == [
            0, 1, 2, 3, 4, 8, -2, -448]
        assert m.is_copy(key) == (name == "f8-text")
        s = m.stats(key)
        assert s["min"] == -448 and s["max"] == 8


def test_complex(gen):
    with mlirscope.open(gen["complex-f32"]) as m:
        a = m["layer2.weight"]
        assert a.dtype == np.complex64 and not m.is_copy("layer2.weight")
        s = m.stats("layer2.weight")
        mags = np.abs(a.astype(np.complex128))
        assert mags.max() == pytest.approx(s["max"], rel=1e-6)


def test_i1_and_integers(gen):
    with mlirscope.open(gen["i1"]) as m:
        a = m["layer0.weight"]
        assert a.dtype == np.bool_ and a.shape == (8, 16)
    with mlirscope.open(gen["ui8"]) as m:
        assert m["layer0.weight"].dtype == np.uint8


@pytest.mark.parametrize("name", ["f32", "text", "inline-text"])
def test_slices(gen, name):
    with mlirscope.open(gen[name]) as m:
        key = m.keys()[-1]
        full = np.asarray(m[key])
        sl = m.get_slice(key)
        assert sl.get_shape() == list(full.shape)
        for index in [np.s_[0:4, ::2], np.s_[3], np.s_[-1, 5], np.s_[..., 1:3],
                      np.s_[::-3, 2:9:3], np.s_[5:2], np.s_[:, -1],
                      np.s_[...]]:
            got = sl[index]
            assert np.array_equal(np.asarray(got), full[index]), index
            assert np.asarray(got).shape == full[index].shape, index
        with pytest.raises(IndexError):
            sl[100]


def test_decoded_slice_reads_only_its_region(gen, monkeypatch):
    """A slice of a hex weight reads one run of elements per row it
    touches, not the weight."""
    with mlirscope.open(gen["text"]) as m:
        reads = []
        inner = m._m

        class Counting:
            def __getattr__(self, name):
                return getattr(inner, name)

            def read(self, key, first, count):
                reads.append((first, count))
                return inner.read(key, first, count)

        m._m = Counting()
        m.get_slice("layer0.weight")[2:4, 3:6]
        assert reads == [(2 * 16 + 3, 3), (3 * 16 + 3, 3)]
        m._m = inner


def test_torch_shares_memory(gen):
    import torch  # python3-torch (scripts/dev.sh TEST_PACKAGES)
    with mlirscope.open(gen["f32"]) as m:
        t = m.torch("layer0.weight")
        a = m["layer0.weight"]
        assert t.dtype == torch.float32 and tuple(t.shape) == a.shape
        assert t.data_ptr() == a.ctypes.data
        assert np.array_equal(t.numpy(), a)
    with mlirscope.open(gen["bf16"]) as m:
        t = m.torch("layer0.weight")
        a = m["layer0.weight"]
        assert t.dtype == torch.bfloat16 and t.data_ptr() == a.ctypes.data
        assert np.array_equal(t.float().numpy(), a.to_float32())
    with mlirscope.open(gen["complex-f32"]) as m:
        t = m.torch("layer0.weight")
        assert t.dtype == torch.complex64
    with mlirscope.open(gen["f8"]) as m:
        (key,) = m.keys()
        if hasattr(torch, "float8_e4m3fn"):
            assert m.torch(key).float().flatten().tolist()[1] == 1.0
        else:
            with pytest.raises(TypeError, match="to_float32"):
                m.torch(key)
