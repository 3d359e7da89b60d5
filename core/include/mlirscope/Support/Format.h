//===- Format.h - Sizes and counts as people read them ----------*- C++ -*-===//
//
// The one place byte sizes and counts become text, for the CLI, the language
// server and the viewer alike (elements are formatted by their dtype,
// Blob/DType.h).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_FORMAT_H
#define MLIRSCOPE_SUPPORT_FORMAT_H

#include <cstdint>
#include <string>

namespace mlirscope {

/// How formatBytes writes the number of a scaled size.
enum class SizeStyle : uint8_t {
  /// Always one decimal: "1.0 KiB", "2.5 GiB" (tables, where columns align).
  OneDecimal,
  /// One decimal unless it is zero: "1 KiB", "2.5 GiB" (prose, hovers).
  Short,
};

/// Bytes in binary units: "512 B", "1.5 KiB", ..., up to PiB.
std::string formatBytes(uint64_t bytes,
                        SizeStyle style = SizeStyle::OneDecimal);

/// A count with thousands separators: "1,234,567".
std::string formatCount(uint64_t n);

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_FORMAT_H
