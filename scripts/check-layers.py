#!/usr/bin/env python3
"""Checks that core's layers depend only downwards.

Two checks, both over the source tree and (with --libs) the built archives:

  includes  every file of core/lib/<Layer>/ and core/include/mlirscope/<Layer>/
            includes mlirscope headers only from its own layer or a layer it
            may use; front-ends (tools/, lsp/, viewer/, python/, test/) include core
            only through core/include; lsp/ and viewer/ never include each
            other.
  symbols   every mlirscope symbol a layer's archive leaves undefined is
            defined by its own archive or by one of the layers it may use
            (what the linker would find only later, through a front-end that
            happens to link a higher layer, is an upward call).

The allowed edges are ALLOWED below; ARCHITECTURE.md's code map states them
(Support <- Model <- Bytecode, Text <- Index <- Blob <- Edit; Model <-
Archive; Support <- Remote <- Index; Support <- Layout; Index, Layout <-
Graph).
Prints one line per violation and exits 1 when there is any.
"""

import argparse
import os
import re
import subprocess
import sys

# Layer -> the layers it may use directly (transitively closed below).
ALLOWED = {
    "Support": [],
    "Model": ["Support"],
    "Bytecode": ["Model"],
    "Text": ["Model"],
    # External parameter archives (irpa, safetensors, gguf): their indexes.
    "Archive": ["Model"],
    # Models over HTTP and S3 (libcurl): a ByteSource like MappedFile.
    "Remote": ["Support"],
    "Index": ["Archive", "Bytecode", "Remote", "Text"],
    "Blob": ["Index"],
    "Edit": ["Blob"],
    "Layout": ["Support"],
    "Graph": ["Index", "Layout"],
    # The implementation of Text/MLIRBridge.h, linked with MLIR.
    "MLIRBridge": ["Index"],
}


def closure(layer):
    seen, todo = set(), [layer]
    while todo:
        for dep in ALLOWED[todo.pop()]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen | {layer}


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE_EXT = (".h", ".cpp", ".inc")


def sources(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames
                       if d not in ("node_modules", "build", ".git")]
        for name in filenames:
            if name.endswith(SOURCE_EXT):
                yield os.path.join(dirpath, name)


def check_includes(src):
    errors = []
    core = os.path.join(src, "core")
    # Core files: the layer is the folder under lib/ or include/mlirscope/.
    for sub in ("lib", os.path.join("include", "mlirscope")):
        base = os.path.join(core, sub)
        for path in sources(base):
            rel = os.path.relpath(path, base).split(os.sep)
            if len(rel) < 2:
                errors.append(f"{os.path.relpath(path, src)}: core files "
                              "belong in a layer's folder")
                continue
            layer = rel[0]
            if layer not in ALLOWED:
                errors.append(f"{os.path.relpath(path, src)}: unknown layer "
                              f"'{layer}' (scripts/check-layers.py ALLOWED)")
                continue
            allowed = closure(layer)
            text = open(path, encoding="utf-8", errors="replace").read()
            for m in INCLUDE.finditer(text):
                inc = m.group(1)
                if not inc.startswith("mlirscope/"):
                    continue
                parts = inc.split("/")
                target = parts[1] if len(parts) > 2 else None
                if target is None:
                    errors.append(f"{os.path.relpath(path, src)}: includes "
                                  f"{inc}, which is in no layer")
                elif target not in allowed:
                    line = text.count("\n", 0, m.start()) + 1
                    errors.append(
                        f"{os.path.relpath(path, src)}:{line}: layer {layer} "
                        f"includes {inc} from layer {target}, which it may "
                        f"not use (it may use: "
                        f"{', '.join(sorted(allowed - {layer})) or 'nothing'})")
    # Front-ends: only public headers; lsp and viewer apart.
    for front in ("tools", "lsp", "viewer", "python", "test"):
        for path in sources(os.path.join(src, front)):
            text = open(path, encoding="utf-8", errors="replace").read()
            rel = os.path.relpath(path, src)
            for m in INCLUDE.finditer(text):
                inc = m.group(1)
                line = text.count("\n", 0, m.start()) + 1
                if "core/lib" in inc or "core/include" in inc:
                    errors.append(f"{rel}:{line}: includes {inc}: front-ends "
                                  "use core/include only")
                if front == "lsp" and "viewer/" in inc or \
                   front == "viewer" and "lsp/" in inc:
                    errors.append(f"{rel}:{line}: includes {inc}: lsp and "
                                  "viewer never include each other")
    return errors


def nm(archive, *flags):
    out = subprocess.run(["nm", "-C", "--no-sort", *flags, archive],
                         check=True, capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        fields = line.split(None, 2) if not line.startswith(" ") else \
            line.split(None, 1)
        if len(fields) < 2 or line.endswith(":"):
            continue
        name = fields[-1]
        if name.startswith("mlirscope::"):
            syms.add(name)
    return syms


def check_symbols(libdir):
    errors = []
    defined, undefined = {}, {}
    for layer in ALLOWED:
        archive = os.path.join(libdir, f"libMLIRScope{layer}.a")
        if layer == "MLIRBridge":
            continue  # also a plugin; it calls downwards only by construction
        if not os.path.exists(archive):
            errors.append(f"{archive}: missing (build core first)")
            continue
        defined[layer] = nm(archive, "--defined-only")
        undefined[layer] = nm(archive, "--undefined-only")
    for layer, needed in undefined.items():
        avail = set()
        for dep in closure(layer):
            avail |= defined.get(dep, set())
        for sym in sorted(needed - avail):
            owner = [l for l, syms in defined.items() if sym in syms]
            where = f"defined in {', '.join(owner)}" if owner else \
                "defined nowhere in core"
            errors.append(f"libMLIRScope{layer}.a uses {sym} ({where}), "
                          "which it may not use")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="the project's source directory")
    ap.add_argument("--libs", help="the build's lib directory: check the "
                    "archives' symbols too")
    args = ap.parse_args()
    errors = check_includes(args.source)
    if args.libs:
        errors += check_symbols(args.libs)
    for e in sorted(errors):
        print(e)
    if errors:
        print(f"{len(errors)} layering violation(s)")
        return 1
    print(f"layers ok: {len(ALLOWED)} layers"
          + (", includes and symbols" if args.libs else ", includes"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
