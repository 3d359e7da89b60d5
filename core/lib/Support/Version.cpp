//===- Version.cpp - mlirscope version string -----------------------------===//
//
// Part of the mlirscope project.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/Version.h"

const char *mlirscope::getVersionString() { return "0.1.0"; }
