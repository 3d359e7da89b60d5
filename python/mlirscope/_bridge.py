"""Where the MLIR bridge plugin is, for text models.

core parses MLIR text through a plugin (libMLIRScopeMLIRBridgePlugin.so)
that it loads on the first text file, from $MLIRSCOPE_MLIR_BRIDGE or from
beside the executable; the executable here is python3, so the package says
where the plugin is before the extension can need it: in the package
itself (a wheel), else in the build tree's lib/ (build/python/mlirscope ->
build/lib).
"""

import os

_PLUGIN = "libMLIRScopeMLIRBridgePlugin.so"


def locate():
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, _PLUGIN),
                      os.path.join(here, "..", "..", "lib", _PLUGIN)):
        if os.path.exists(candidate):
            return os.path.normpath(candidate)
    return None


if not os.environ.get("MLIRSCOPE_MLIR_BRIDGE"):
    _path = locate()
    if _path:
        os.environ["MLIRSCOPE_MLIR_BRIDGE"] = _path
