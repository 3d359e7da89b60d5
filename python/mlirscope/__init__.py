"""mlirscope: the weights of large MLIR models as zero-copy numpy arrays.

    import mlirscope
    with mlirscope.open("model.mlirbc") as m:
        m.keys()                    # weight names
        w = m["layer3.weight"]      # read-only numpy array over the file's mapping
        part = m.get_slice("layer3.weight")[0:16, ::2]
        m.stats("layer3.weight", bins=32)
        m.summary()                 # the dict of `mlirscope inspect --summary --json`

A model opens MLIR bytecode (.mlirbc) or text (.mlir); its weights are
`dense_resource` blobs, inline elements attributes and parameters of archives
bound with `parameters=` (.irpa, .safetensors, .gguf), all through the same
calls. Raw weights are never copied: the array is the mapped file, and it
keeps the file mapped while it lives. Weights stored otherwise (hex digits in
text, literal lists, splats, packed i1, quantized gguf blocks) are decoded by
core into a new array.

A model may be a URL (`https://`, `http://`, `s3://bucket/key`): it is read
where it lives, fetching only its IR to open and a weight's bytes when they
are read; those weights come as new arrays (there is no mapping to share),
and edits are refused.

Errors are exceptions carrying mlirscope's one-line message: FormatError
(a ValueError) for malformed files, NoSuchWeight (a KeyError) naming the close
names, OSError for the file system, Error for the rest; Ctrl-C interrupts long
work (stats, graph, a commit) with KeyboardInterrupt.

Models pickle as (path, options) and reopen where they are unpickled, so
Dask, Ray or Spark can ship them: see scan().
"""

from . import _bridge  # noqa: F401  (before the extension may parse text)
from ._mlirscope import Cancelled, Error, FormatError, NoSuchWeight, __version__
from ._model import Edit, Model, RawArray, Slice, open, to_float32
from ._scan import scan

__all__ = [
    "Cancelled", "Edit", "Error", "FormatError", "Model", "NoSuchWeight",
    "RawArray", "Slice", "open", "scan", "to_float32", "__version__",
]
