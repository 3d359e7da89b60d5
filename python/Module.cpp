//===- Module.cpp - The extension module mlirscope._mlirscope -------------===//
//
// The C++ half of `import mlirscope`: core's index, views, statistics, JSON
// writers and in-place editor, bound with pybind11. The package's Python
// files (mlirscope/*.py) are the API people call; this module is theirs.
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "Model.h"

#include "mlirscope/Support/Version.h"

namespace py = pybind11;

PYBIND11_MODULE(_mlirscope, m) {
  m.doc() = "mlirscope's C++ core (use the mlirscope package)";
  mlirscope::python::defineExceptions(m);
  mlirscope::python::defineModel(m);
  mlirscope::python::defineEdit(m);
  m.attr("__version__") = mlirscope::getVersionString();
}
