"""A wheel of the mlirscope package, built offline from a build tree.

    /usr/bin/python3 python/setup.py -q bdist_wheel -d dist   # from the repository

CMake assembles the package (the extension and the Python files) in
$MLIRSCOPE_BUILD_DIR/python/mlirscope (default build/); this adds the MLIR
bridge plugin (text models) beside it and packs the folder with Debian's
setuptools and wheel. No download: nothing is fetched, nothing compiled.
The wheel is for the interpreter and the LLVM 22 it was built with (the
plugin links Debian's libMLIR.so).
"""

import os
import re
import shutil
import sys

from setuptools import setup
from setuptools.dist import Distribution

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.abspath(os.environ.get("MLIRSCOPE_BUILD_DIR",
                                       os.path.join(root, "build")))
package = os.path.join(build, "python", "mlirscope")
if not any(f.startswith("_mlirscope") for f in os.listdir(package)
           if os.path.isfile(os.path.join(package, f))):
    sys.exit(f"{package}: no extension; build it first "
             "(ninja -C build mlirscope-python)")
# Staged in a folder of its own: the package of the build tree stays as it
# is (a process using it has its files mapped; rewriting one under it is
# not safe).
stage = os.path.join(build, "python", "wheel-stage")
shutil.rmtree(stage, ignore_errors=True)
shutil.copytree(package, os.path.join(stage, "mlirscope"),
                ignore=shutil.ignore_patterns("__pycache__"))
plugin = os.path.join(build, "lib", "libMLIRScopeMLIRBridgePlugin.so")
if os.path.exists(plugin):
    shutil.copy2(plugin, os.path.join(stage, "mlirscope"))

version = re.search(r'return "([^"]+)"', open(os.path.join(
    root, "core", "lib", "Support", "Version.cpp")).read()).group(1)


class BinaryDistribution(Distribution):
    """The package holds a compiled extension: a platform wheel."""

    def has_ext_modules(self):
        return True


os.chdir(stage)
setup(
    name="mlirscope",
    version=version,
    description="Zero-copy numpy and torch arrays of large MLIR models' weights",
    license="Apache-2.0 WITH LLVM-exception",
    packages=["mlirscope"],
    package_data={"mlirscope": ["*.so", "*.pyi", "py.typed"]},
    install_requires=["numpy"],
    python_requires=">=3.9",
    distclass=BinaryDistribution,
    zip_safe=False,
)
