"""mlirscope.Model: an open model, shaped like safetensors' safe_open."""

import builtins
import os
import warnings

import numpy as np

from . import _mlirscope

# Element types numpy has no dtype for: their arrays hold the stored bits
# (uint16, uint8) as a RawArray that knows the type; to_float32() converts.
_FLOAT8 = ("f8E5M2", "f8E4M3", "f8E4M3FN", "f8E5M2FNUZ", "f8E4M3FNUZ",
           "f8E4M3B11FNUZ", "f8E3M4", "f8E8M0FNU")
_NUMPY_LACKS = ("bf16",) + _FLOAT8


class RawArray(np.ndarray):
    """The stored bits of a weight whose type numpy lacks (bf16: uint16, the
    f8 family: uint8), sharing memory with the file like any other weight
    array. `mlir_dtype` names the type; `to_float32()` converts."""

    mlir_dtype = None

    def __array_finalize__(self, obj):
        if obj is not None:
            self.mlir_dtype = getattr(obj, "mlir_dtype", None)

    def to_float32(self):
        """The values as a new float32 array."""
        return to_float32(self)


def to_float32(array, dtype=None):
    """Converts the stored bits of a weight to float32 (a new array).

    `dtype` is the MLIR element type ("bf16", "f8E4M3FN", ...); a RawArray
    says its own. Arrays numpy can convert itself (f16, f64, integers) are
    converted with astype."""
    dtype = dtype or getattr(array, "mlir_dtype", None)
    bits = np.asarray(array)
    if dtype == "bf16":
        return (bits.astype(np.uint32) << 16).view(np.float32)
    if dtype in _FLOAT8:
        return _mlirscope._float8_table(dtype)[bits]
    return bits.astype(np.float32)


def _parameter_list(parameters):
    """`parameters=`: None, "[SCOPE=]FILE", a list of those, or a dict
    {scope: file} (scope "" binds references without a scope)."""
    if parameters is None:
        return []
    if isinstance(parameters, (str, os.PathLike)):
        return [os.fspath(parameters)]
    if isinstance(parameters, dict):
        return [f"{scope}={os.fspath(path)}" for scope, path in parameters.items()]
    return [os.fspath(p) for p in parameters]


def open(path, parameters=None, min_inline_bytes=None):  # noqa: A001
    """Opens the MLIR model at `path` (bytecode or text) and returns a Model.

    `path` may be a URL: `https://...`, `http://...` or `s3://bucket/key`
    (credentials, region and endpoint from the AWS_* variables and ~/.aws,
    as the CLI reads them). A bytecode model is read where it lives: only
    its IR is fetched to open it, a weight's bytes when they are asked for
    (see get_tensor); a text model is fetched whole, once. Archives in
    `parameters` may be URLs too.

    parameters: archives (.irpa, .safetensors, .gguf) bound to the model's
        `#stream.parameter.named` references as iree-run-module binds them:
        "[SCOPE=]FILE", a list of those, or {scope: file}.
    min_inline_bytes: inline elements attributes smaller than this are not
        weights. None: every inline attribute is one (addressable by name),
        and summary() counts as `mlirscope inspect --summary` does.

    Raises FormatError for a malformed file, OSError when it cannot be read
    (for a URL: FileNotFoundError for HTTP 404, PermissionError for 401/403,
    OSError for other failed transfers; the message is the CLI's line,
    starting with the URL).
    Use it as a context manager to close it (arrays already handed out stay
    valid: each keeps the mapping alive)."""
    return Model(path, parameters, min_inline_bytes)


def _reopen(path, parameters, min_inline_bytes):
    return Model(path, parameters, min_inline_bytes)


class Model:
    """An open model. See mlirscope.open()."""

    def __init__(self, path, parameters=None, min_inline_bytes=None):
        self._path = os.fspath(path)
        self._parameters = _parameter_list(parameters)
        self._min_inline_bytes = min_inline_bytes
        self._m = _mlirscope._Model(self._path, self._parameters,
                                    min_inline_bytes)

    # -- protocols -------------------------------------------------------
    def __reduce__(self):
        """Pickles as (path, options): unpickling opens the file again."""
        return (_reopen, (self._path, self._parameters, self._min_inline_bytes))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        state = "closed" if self.closed else f"{len(self)} weights"
        return f"<mlirscope.Model {self._path!r} ({state})>"

    def __len__(self):
        return len(self._m.keys())

    def __iter__(self):
        return iter(self._m.keys())

    def __contains__(self, key):
        return isinstance(key, str) and self._m.contains(key)

    def __getitem__(self, key):
        return self.get_tensor(key)

    # -- the model -------------------------------------------------------
    @property
    def path(self):
        """The file (or URL) the model was opened from."""
        return self._path

    @property
    def remote(self):
        """True for a model opened from a URL: its weights are fetched when
        read (copies, not mappings) and it cannot be edited."""
        return self._m.remote

    def fetch_counters(self):
        """What reading a remote model cost so far: requests, round_trips,
        bytes_fetched, cache_hits, disk_hits, cache_misses, retries (the
        counters of the CLI's --verbose). Empty for a local model."""
        return self._m.fetch_counters()

    @property
    def parameters(self):
        """The archives bound, as "[SCOPE=]FILE" strings."""
        return list(self._parameters)

    @property
    def closed(self):
        return self._m.closed

    @property
    def format(self):
        """"bytecode" or "text"."""
        return self._m.format()

    def close(self):
        """Drops the model's index. Arrays handed out keep the file mapped
        until they are gone."""
        self._m.close()

    def keys(self):
        """The names of the weights, in the model's order: resource keys,
        `@symbol` / `@scope/op#N` for inline weights, `scope::key` for
        parameters."""
        return self._m.keys()

    def weights(self):
        """Every weight as a dict: name, kind (resource, inline, parameter),
        encoding, dtype, type, shape, bytes, offset, size, and `where`: the
        file holding its data (the model, or the parameter's archive; None
        when the parameter is not bound)."""
        return self._m.weights()

    def summary(self, top=10):
        """The summary, the same dict as `mlirscope inspect --summary --json`
        (schema: docs/inspect-json.md); `top`: how many largest weights."""
        return self._m.summary(top)

    def ops(self):
        """Every op with its details, the dicts of `mlirscope inspect --ops
        --json` (one per op, in pre-order)."""
        return self._m.ops()

    def graph(self, func=None, group=None, expand=None, scopes=True,
              fold=True, progress=None):
        """The laid-out graph, the dict of `mlirscope graph --format json`
        (docs/graph-json.md). func: start at this function; group:
        `/`-separated group labels below it; expand: None (the viewer's first
        view), "none", "all" or a number of levels; scopes=False groups by
        regions only; fold=False draws every repeat."""
        return self._m.graph(func or "", group or "", expand, scopes, fold,
                             progress)

    # -- weights ---------------------------------------------------------
    def get_tensor(self, key):
        """Weight `key` as a read-only numpy array.

        Raw weights (bytecode blobs, archive entries) are the file's mapping
        itself, never copied: `np.shares_memory` holds between two arrays of
        the same weight, and the array keeps the file mapped. Others are
        decoded by core into a new array. A remote model's weights (URL)
        have no mapping to share: each call fetches the weight (through the
        source's block cache, large weights in parallel parts) into a new
        array, and is_copy() says True; get_slice() fetches only the bytes
        of the elements it selects. bf16 and the f8 types come as a
        RawArray of their bits (see to_float32()). Raises NoSuchWeight (a
        KeyError) for an unknown name."""
        array, dtype, _ = self._m.tensor(key)
        if dtype in _NUMPY_LACKS:
            array = array.view(RawArray)
            array.mlir_dtype = dtype
        return array

    def is_copy(self, key):
        """Whether get_tensor(key) decodes or reads into a new array (hex
        text, literal lists, splats, packed i1, quantized gguf, and every
        weight of a remote model) rather than returning the mapping."""
        return self._m.remote or not self._m.info(key)[3]

    def dtype(self, key):
        """The MLIR element type of weight `key` ("f32", "bf16", ...)."""
        return self._m.info(key)[0]

    def get_slice(self, key):
        """A lazy view of weight `key`: `m.get_slice(key)[0:4, ::2]` reads
        only those elements (basic indexing: ints and slices); for a remote
        model, only the byte ranges (whole cache blocks) holding them are
        fetched."""
        return Slice(self, key)

    def torch(self, key):
        """Weight `key` as a torch tensor sharing the array's memory (bf16
        as torch.bfloat16; f8 types where torch has them). The tensor is
        read-only memory: writing to it faults. Needs torch."""
        import torch

        array = self.get_tensor(key)
        dtype = self.dtype(key)
        bits = np.asarray(array)
        with warnings.catch_warnings():
            # from_numpy warns that the array is read-only: it is, by design.
            warnings.simplefilter("ignore", UserWarning)
            if dtype == "bf16":
                return torch.from_numpy(bits.view(np.int16)).view(torch.bfloat16)
            if dtype in _FLOAT8:
                name = "float8_" + dtype[2:].lower()
                if not hasattr(torch, name):
                    raise TypeError(f"{key}: torch {torch.__version__} has no "
                                    f"{dtype}; use get_tensor(key).to_float32()")
                return torch.from_numpy(bits).view(getattr(torch, name))
            if bits.dtype in (np.uint16, np.uint32, np.uint64):
                raise TypeError(f"{key}: torch has no {bits.dtype}; use "
                                "get_tensor(key)")
            return torch.from_numpy(bits)

    def stats(self, key, bins=0, threads=0, progress=None):
        """Statistics of weight `key` in one streaming pass on all cores, the
        GIL released: the dict of `mlirscope stats --json` (min, max, mean,
        std over finite values, zeros, nan, pos_inf, neg_inf, first, and with
        bins a histogram). progress(done, total) is called about every 64 MiB;
        returning False cancels (Cancelled), Ctrl-C raises KeyboardInterrupt.
        For a remote model, a weight of up to one stream window
        (MLIRSCOPE_STREAM_WINDOW, 64 MiB) is fetched first, progress called
        with (bytes fetched, the weight's bytes); a larger one is fetched in
        windows as the pass goes. Either way False or Ctrl-C stops the
        transfers (a window already on its way may finish first)."""
        return self._m.stats(key, bins, threads, progress)

    def edit(self):
        """Same-size edits, committed when the `with` block ends and
        discarded if it raises (a remote model refuses them, with the CLI's
        message saying how to make a local copy):

            with m.edit() as e:
                e["w"][3, 4] = 1.0
                e.replace("b", new_array)
        """
        return Edit(self)


def _selection(index, shape):
    """Per-dimension element indices of a basic index (ints, slices,
    Ellipsis) and which dimensions stay."""
    if not isinstance(index, tuple):
        index = (index,)
    if any(i is Ellipsis for i in index):
        at = index.index(Ellipsis)
        fill = (slice(None),) * (len(shape) - len(index) + 1)
        index = index[:at] + fill + index[at + 1:]
    if len(index) > len(shape):
        raise IndexError(f"too many indices: {len(index)} for {len(shape)} "
                         "dimensions")
    index = index + (slice(None),) * (len(shape) - len(index))
    picks, keep = [], []
    for n, i in zip(shape, index):
        if isinstance(i, slice):
            picks.append(np.arange(n, dtype=np.int64)[i])
            keep.append(True)
        elif isinstance(i, (int, np.integer)):
            if not -n <= i < n:
                raise IndexError(f"index {i} out of range for size {n}")
            picks.append(np.array([i % n], dtype=np.int64))
            keep.append(False)
        else:
            raise TypeError("slices take ints, slices and ... (basic "
                            "indexing)")
    return picks, keep


def _flat_indices(picks, shape):
    flat = np.zeros(1, dtype=np.int64)
    for n, p in zip(shape, picks):
        flat = (flat[:, None] * n + p[None, :]).ravel()
    return flat


class Slice:
    """A weight to index lazily (Model.get_slice)."""

    def __init__(self, model, key):
        self._model = model
        self._key = key
        dtype, shape, storage, raw = model._m.info(key)
        self.dtype = dtype
        self.shape = tuple(shape)
        self._storage = storage
        # A remote weight has no mapping to take a view of: its elements
        # are read by runs, each fetching only its bytes.
        self._mapped = raw and not model._m.remote

    def get_shape(self):
        return list(self.shape)

    def get_dtype(self):
        return self.dtype

    def __getitem__(self, index):
        picks, keep = _selection(index, self.shape)
        if self._mapped:
            # A view of the mapping: only the pages it touches are read.
            return self._model.get_tensor(self._key)[index]
        out_shape = [len(p) for p, k in zip(picks, keep) if k]
        if not self.shape:
            out = self._model._m.read(self._key, 0, 1)
            return self._wrap(out.reshape(()))
        last = picks[-1]
        rows = []
        if len(last):
            lo, hi = int(last.min()), int(last.max()) + 1
            outer = _flat_indices(picks[:-1], self.shape[:-1])
            for base in outer * self.shape[-1]:
                run = self._model._m.read(self._key, int(base) + lo, hi - lo)
                rows.append(run[last - lo])
        out = np.concatenate(rows) if rows else np.empty(0, self._storage)
        return self._wrap(out.reshape(out_shape))

    def _wrap(self, array):
        if self.dtype in _NUMPY_LACKS:
            array = array.view(RawArray)
            array.mlir_dtype = self.dtype
        return array


class _WeightEdit:
    """`e[key]` of an Edit: assign with basic indexing."""

    def __init__(self, edit, key):
        self._edit = edit
        self._key = key

    def __setitem__(self, index, value):
        self._edit._set(self._key, index, value)


class Edit:
    """Same-size edits of a model file, staged in memory and written at once
    under core's undo journal: a crash during the commit leaves the old
    content or the new one. Used through Model.edit(); commit() and
    discard() for use without `with`."""

    def __init__(self, model):
        self._model = model
        self._e = _mlirscope._Edit(model._m)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.discard()
        return False

    def __getitem__(self, key):
        return _WeightEdit(self, key)

    @property
    def pending(self):
        """Staged byte ranges not yet written."""
        return self._e.pending

    def _encode(self, key, values, shape):
        dtype, _, storage, _ = self._model._m.info(key)
        values = np.asarray(values)
        values = np.broadcast_to(values, shape).ravel()
        if dtype in _NUMPY_LACKS:
            if getattr(values, "mlir_dtype", None) == dtype or (
                    values.dtype == storage and not np.issubdtype(
                        values.dtype, np.floating)):
                return np.ascontiguousarray(values.view(storage)).tobytes()
            return _mlirscope._encode_floats(dtype, values.astype(np.float64))
        cast = values.astype(storage)
        if np.issubdtype(storage, np.integer) and not np.array_equal(
                cast.astype(values.dtype, copy=False), values):
            raise ValueError(f"{key}: values not representable as {dtype}")
        return np.ascontiguousarray(cast).tobytes()

    def _set(self, key, index, value):
        _, shape, _, _ = self._model._m.info(key)
        picks, keep = _selection(index, tuple(shape))
        out_shape = tuple(len(p) for p, k in zip(picks, keep) if k)
        flat = _flat_indices(picks, tuple(shape)).astype(np.uint64)
        self._e.stage(key, flat, self._encode(key, value, out_shape))

    def set(self, key, index, value):
        """e.set(key, (3, 4), 1.0) is e[key][3, 4] = 1.0."""
        self._set(key, index, value)

    def replace(self, key, array):
        """Stages all of weight `key` as `array` (its shape; values cast to
        the weight's type, bf16/f8 encoded from floats)."""
        _, shape, _, _ = self._model._m.info(key)
        array = np.asarray(array)
        if tuple(array.shape) != tuple(shape):
            raise ValueError(f"{key}: shape {tuple(array.shape)} is not the "
                             f"weight's {tuple(shape)}")
        self._e.stage_all(key, self._encode(key, array, tuple(shape)))

    def commit(self, progress=None):
        """Writes the staged edits under one journal; the model is indexed
        again afterwards. Arrays handed out see the new bytes."""
        self._e.commit(progress)

    def discard(self):
        """Drops the staged edits: the file is untouched."""
        self._e.discard()
