//===- Version.h - mlirscope version string ---------------------*- C++ -*-===//
//
// Part of the mlirscope project.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_VERSION_H
#define MLIRSCOPE_SUPPORT_VERSION_H

namespace mlirscope {

/// Returns the mlirscope version, e.g. "0.1.0".
const char *getVersionString();

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_VERSION_H
