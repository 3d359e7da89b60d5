"""Fixtures of the Python module's tests: the tools of the build, the shared
corpus, and models generated once per session.

The lit test python.test runs pytest here with MLIRSCOPE_TOOLS_DIR (the
build's bin/), MLIRSCOPE_CORPUS and PYTHONPATH (the build's python/) set.
"""

import json
import os
import subprocess

import numpy as np
import pytest

TOOLS = os.environ.get("MLIRSCOPE_TOOLS_DIR", "")
CORPUS = os.environ.get("MLIRSCOPE_CORPUS", "")
MLIR_OPT = os.environ.get("MLIR_OPT", "/usr/lib/llvm-22/bin/mlir-opt")


def tool(name):
    path = os.path.join(TOOLS, name)
    assert os.path.exists(path), f"{path}: not built (MLIRSCOPE_TOOLS_DIR)"
    return path


def cli(*args, check=True):
    """Runs the mlirscope CLI; returns its stdout."""
    proc = subprocess.run([tool("mlirscope"), *map(str, args)],
                          capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def cli_json(*args):
    return json.loads(cli(*args).stdout)


def extract(path, name, out_dir, parameters=()):
    """`mlirscope extract` of one weight, loaded (bf16 as uint16 bits)."""
    out = os.path.join(out_dir, "extract.npy")
    args = ["extract", path, name, "-o", out]
    for p in parameters:
        args += ["--parameters", p]
    cli(*args, "--min-inline-bytes", "0")
    return np.load(out)


def genmodel(out, *args):
    subprocess.run([tool("mlirscope-genmodel"), "-o", str(out), *map(str, args)],
                   check=True, capture_output=True)
    return str(out)


def corpus(*parts):
    path = os.path.join(CORPUS, *parts)
    if not os.path.exists(path):
        pytest.fail(f"corpus file missing: {path} (see /work/shared/corpus)")
    return path


@pytest.fixture(scope="session")
def gen(tmp_path_factory):
    """Generated models by name: NAME.mlirbc (bytecode) of 3 weights of
    8x16 for each dtype, text and inline variants."""
    d = tmp_path_factory.mktemp("models")
    models = {}
    for dtype in ("f32", "f16", "bf16", "f64", "i1", "i8", "i16", "i32",
                  "i64", "ui8", "complex<f32>"):
        name = dtype.replace("<", "-").replace(">", "")
        models[name] = genmodel(d / f"{name}.mlirbc", "--layers", 3,
                                "--shape", "8x16", "--dtype", dtype)
    models["text"] = genmodel(d / "text.mlir", "--layers", 3, "--shape",
                              "8x16", "--text")
    models["inline"] = genmodel(d / "inline.mlirbc", "--layers", 2,
                                "--shape", "64x32", "--inline")
    models["inline-text"] = genmodel(d / "inline-text.mlir", "--layers", 2,
                                     "--shape", "64x32", "--inline", "--text")
    models["transformer"] = genmodel(d / "transformer.mlirbc", "--model",
                                     "transformer", "--layers", 2)
    models["scalar"] = genmodel(d / "scalar.mlirbc", "--shape", "scalar")
    # f8: MLIR's own writer, from text (genmodel has no f8).
    text = d / "f8.mlir"
    text.write_text(
        'module {\n'
        '  func.func @f() -> tensor<2x4xf8E4M3FN> {\n'
        '    %0 = arith.constant dense_resource<w8> : tensor<2x4xf8E4M3FN>\n'
        '    return %0 : tensor<2x4xf8E4M3FN>\n'
        '  }\n'
        '}\n'
        '{-#\n  dialect_resources: {\n    builtin: {\n'
        '      w8: "0x04000000003840444850C0FE"\n'
        '    }\n  }\n#-}\n')
    models["f8-text"] = str(text)
    subprocess.run([MLIR_OPT, "--emit-bytecode", str(text), "-o",
                    str(d / "f8.mlirbc")], check=True)
    models["f8"] = str(d / "f8.mlirbc")
    return models
