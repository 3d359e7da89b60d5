//===- Format.h - Doubles and types as the viewer prints them ---*- C++ -*-===//
//
// Byte sizes and counts come from core (mlirscope/Support/Format.h), and
// elements too (formatElement in mlirscope/Blob/DType.h: ElementStyle::Short
// in a table cell, ElementStyle::Exact where one value is shown in full), as
// in the CLI and the language server.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_FORMAT_H
#define MLIRSCOPE_VIEWER_FORMAT_H

#include "mlirscope/Blob/WeightView.h"

#include <cstdint>
#include <string>

namespace mlirscope::view {

/// A double with 6 significant digits ("nan", "inf" spelled out).
std::string formatDouble(double v);
/// "f32[4096x4096]".
std::string describeType(DType dtype, llvm::ArrayRef<int64_t> shape);

} // namespace mlirscope::view

#endif
