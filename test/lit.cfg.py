# -*- Python -*-

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MLIRSCOPE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mlirscope_obj_root, "test")

# Unit/ is not excluded: lit finds it as a sub-suite (the gtest binaries).
config.excludes = ["Inputs", "unittests", "CMakeLists.txt", "README.md",
                   "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# FileCheck, `| not`, `| count` and %python.
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Third-party MLIR files that sit beside the repository (shared/corpus). Tests
# that use them fail, rather than skip, when the corpus is missing.
config.substitutions.append(("%corpus", config.mlirscope_corpus_dir))
# The source tree and the build's libraries (scripts/check-layers.py).
config.substitutions.append(("%mlirscope_src", config.mlirscope_src_root))
config.substitutions.append(
    ("%mlirscope_libs", os.path.join(config.mlirscope_obj_root, "lib")))
# How a memory limit can be set on the tools: an address-space rlimit, or
# (ASan reserves terabytes of address space) ASan's own allocation limits.
config.substitutions.append(
    ("%memory-limit",
     "asan" if str(config.mlirscope_sanitizers).upper() in ("ON", "TRUE", "1")
     else "rlimit"))

tool_dirs = [config.mlirscope_tools_dir, config.llvm_tools_dir]
tools = [
    "mlirscope",
    "mlirscope-corrupt-check",
    "mlirscope-fuzz-archive",
    "mlirscope-fuzz-bytecode",
    "mlirscope-fuzz-lsp",
    "mlirscope-fuzz-npy",
    "mlirscope-fuzz-text",
    "mlirscope-genmodel",
    "mlirscope-lsp",
    "mlirscope-remote-check",
    "mlir-opt",
    "not",
    "count",
    "split-file",
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
