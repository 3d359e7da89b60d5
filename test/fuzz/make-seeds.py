#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, one folder per target.

Usage: make-seeds.py OUTDIR --mlir-opt PATH

Seeds come from what the tests already use: the example model, the test
inputs, the third-party files of ../shared/corpus, the hostile files of
bad-input.test and the .npy files of edit.test, each written at every
bytecode version MLIR can emit; the LSP target gets the lit transcripts of
test/lsp re-framed with Content-Length headers, as an editor sends them; the
archive target gets the parameter archives (irpa, safetensors, gguf) of
../shared/corpus/iree-parameters.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
UTILS = os.path.join(ROOT, "test", "utils")
MAX_SEED = 256 << 10  # larger files mostly slow the fuzzer down


def copy(src, dst_dir, name=None):
    if os.path.getsize(src) > MAX_SEED:
        return
    shutil.copyfile(src, os.path.join(dst_dir, name or os.path.basename(src)))


def bytecode_seeds(out, mlir_opt, scratch):
    for f in glob.glob(os.path.join(ROOT, "examples", "*.mlirbc")):
        copy(f, out)
    corpus = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
    for f in sorted(glob.glob(os.path.join(corpus, "**", "*.bc"), recursive=True)):
        copy(f, out)
    for src in glob.glob(os.path.join(ROOT, "test", "mlirscope", "Inputs", "*.mlir")) + \
            glob.glob(os.path.join(ROOT, "examples", "*.mlir")):
        base = os.path.splitext(os.path.basename(src))[0]
        for v in range(7):
            dst = os.path.join(out, "%s.v%d.mlirbc" % (base, v))
            r = subprocess.run([mlir_opt, "--allow-unregistered-dialect",
                                "--emit-bytecode", "--emit-bytecode-version=%d" % v,
                                src, "-o", dst], capture_output=True)
            if r.returncode != 0 and os.path.exists(dst):
                os.remove(dst)
    for f in glob.glob(os.path.join(scratch, "hostile", "*")):
        with open(f, "rb") as h:
            if h.read(4) == b"ML\xefR":
                copy(f, out)


def text_seeds(out, scratch):
    for f in glob.glob(os.path.join(ROOT, "examples", "*.mlir")) + \
            glob.glob(os.path.join(ROOT, "test", "mlirscope", "Inputs", "*.mlir")):
        copy(f, out)
    corpus = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
    for f in sorted(glob.glob(os.path.join(corpus, "**", "*.mlir"), recursive=True))[:8]:
        copy(f, out)
    for f in glob.glob(os.path.join(scratch, "hostile", "*")):
        with open(f, "rb") as h:
            if h.read(4) != b"ML\xefR":
                copy(f, out)


def npy_seeds(out, scratch):
    for f in glob.glob(os.path.join(scratch, "npy", "*.npy")):
        copy(f, out)


def archive_seeds(out):
    corpus = os.path.join(os.path.dirname(ROOT), "shared", "corpus",
                          "iree-parameters")
    for ext in ("irpa", "safetensors", "gguf"):
        for f in sorted(glob.glob(os.path.join(corpus, "**", "*." + ext),
                                  recursive=True)):
            # Names repeat across folders (single.irpa, single.gguf, ...).
            rel = os.path.relpath(f, corpus).replace(os.sep, "-")
            copy(f, out, rel)


def lsp_seeds(out):
    """Each transcript's messages, framed; %S/%t point at real places."""
    inputs = os.path.join(ROOT, "test", "mlirscope", "Inputs")
    for test in sorted(glob.glob(os.path.join(ROOT, "test", "lsp", "*.test"))):
        with open(test, encoding="utf-8") as f:
            text = f.read()
        if "-lit-test" not in text:
            continue
        messages, current = [], []
        for line in text.splitlines():
            s = line.strip()
            if s == "// -----":
                messages.append("\n".join(current))
                current = []
            elif not s.startswith("//"):
                current.append(line)
        messages.append("\n".join(current))
        stream = b""
        for m in messages:
            m = m.strip().replace("%S", inputs).replace("%t", "/nonexistent")
            if not m:
                continue
            try:
                body = json.dumps(json.loads(m)).encode()
            except ValueError:
                body = m.encode()  # deliberately bad JSON stays bad
            stream += b"Content-Length: %d\r\n\r\n" % len(body) + body
        if stream:
            name = os.path.splitext(os.path.basename(test))[0] + ".lsp"
            with open(os.path.join(out, name), "wb") as f:
                f.write(stream)
    framed = subprocess.run([sys.executable,
                             os.path.join(ROOT, "test", "lsp", "Inputs",
                                          "frame-messages.py")],
                            capture_output=True, check=True).stdout
    with open(os.path.join(out, "headers.lsp"), "wb") as f:
        f.write(framed)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--mlir-opt", default="mlir-opt")
    a = p.parse_args()
    scratch = os.path.join(a.out, ".scratch")
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(scratch)
    subprocess.run([sys.executable, os.path.join(UTILS, "make-hostile-files.py"),
                    os.path.join(scratch, "hostile")], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, os.path.join(UTILS, "make-npy-files.py"),
                    os.path.join(scratch, "npy")], check=True,
                   stdout=subprocess.DEVNULL)
    dirs = {t: os.path.join(a.out, t)
            for t in ("bytecode", "text", "npy", "archive", "lsp")}
    for d in dirs.values():
        os.makedirs(d)
    bytecode_seeds(dirs["bytecode"], a.mlir_opt, scratch)
    text_seeds(dirs["text"], scratch)
    npy_seeds(dirs["npy"], scratch)
    archive_seeds(dirs["archive"])
    lsp_seeds(dirs["lsp"])
    shutil.rmtree(scratch)
    for t, d in dirs.items():
        n = len(os.listdir(d))
        print("%s: %d seeds" % (t, n))
        if n == 0:
            sys.exit("no seeds for " + t)


if __name__ == "__main__":
    main()
