//===- Format.h - Elements as the viewer prints them ------------*- C++ -*-===//
//
// Byte sizes and counts come from core (mlirscope/Support/Format.h), as in
// the CLI and the language server.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_FORMAT_H
#define MLIRSCOPE_VIEWER_FORMAT_H

#include "mlirscope/Blob/BlobView.h"

#include <cstdint>
#include <string>

namespace mlirscope::view {

/// One element from its raw little-endian bytes: compact for a table cell
/// (`precise` false: 6 significant digits), or with enough digits to
/// round-trip (`precise` true, what an edit box starts from). bf16 and f16
/// are shown as the floats they are; complex as "(re,im)"; i1 as true/false.
std::string formatElement(DType dtype, const uint8_t *bytes, bool precise);
/// A double with 6 significant digits ("nan", "inf" spelled out).
std::string formatDouble(double v);
/// "f32[4096x4096]".
std::string describeType(DType dtype, llvm::ArrayRef<int64_t> shape);

} // namespace mlirscope::view

#endif
