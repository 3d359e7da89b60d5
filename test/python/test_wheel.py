"""The offline wheel (python/setup.py, Debian's setuptools and wheel): built
from this build tree, unpacked alone on sys.path, it opens bytecode and text
(the MLIR bridge plugin inside the package)."""

import os
import subprocess
import sys
import zipfile

import mlirscope

SETUP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "python", "setup.py")


def test_wheel(gen, tmp_path):
    build = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(mlirscope.__file__))))
    env = dict(os.environ, MLIRSCOPE_BUILD_DIR=build)
    subprocess.run([sys.executable, SETUP, "-q", "bdist_wheel", "-d",
                    str(tmp_path / "dist")], env=env, check=True,
                   capture_output=True)
    (wheel,) = os.listdir(tmp_path / "dist")
    assert wheel.startswith(f"mlirscope-{mlirscope.__version__}-cp3")
    site = tmp_path / "site"
    zipfile.ZipFile(tmp_path / "dist" / wheel).extractall(site)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MLIRSCOPE_MLIR_BRIDGE")}
    env["PYTHONPATH"] = str(site)
    script = ("import sys, mlirscope\n"
              "assert mlirscope.__file__.startswith(sys.argv[1]), mlirscope.__file__\n"
              "print(mlirscope.open(sys.argv[2]).keys() == "
              "mlirscope.open(sys.argv[3]).keys())\n")
    out = subprocess.run([sys.executable, "-c", script, str(site), gen["f32"],
                          gen["text"]], env=env, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "True"
