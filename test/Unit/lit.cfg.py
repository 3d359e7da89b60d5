# -*- Python -*-

# Runs the gtest binaries (names ending in "Tests") built from test/unittests.

import os

import lit.formats

config.name = "MLIRSCOPE-Unit"
config.suffixes = []

config.test_exec_root = os.path.join(config.mlirscope_obj_root, "test", "unittests")
config.test_source_root = config.test_exec_root

config.test_format = lit.formats.GoogleTest(".", "Tests")

# Sanitizer runtimes read these.
for var in ["ASAN_OPTIONS", "UBSAN_OPTIONS", "HOME", "TMP", "TEMP"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]
