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
/// A weight's type as the lists show it: "f32[4096x4096]", "?" when the IR
/// gives none.
std::string weightTypeText(const Weight &weight);
/// Where a weight's bytes are and how they are written: "hex at byte 1061",
/// "literal", "splat", "in a.safetensors at byte 0", "unbound (scope a)".
std::string weightPlaceText(const ModelIndex &index, const Weight &weight);

} // namespace mlirscope::view

#endif
