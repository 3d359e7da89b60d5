//===- Png.h - Writing screenshots as PNG ------------------------*- C++ -*-===//
//
// An RGB(A) image to a PNG file with stored (uncompressed) deflate blocks:
// no zlib, no image library. Screenshots are a few MB; that is fine.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_PNG_H
#define MLIRSCOPE_VIEWER_PNG_H

#include <cstdint>
#include <string>

namespace mlirscope::view {

/// Writes `width` x `height` pixels of `channels` (3 or 4) bytes each, rows
/// top to bottom. Returns an error message, or "" on success.
std::string writePng(const std::string &path, const uint8_t *pixels,
                     uint32_t width, uint32_t height, unsigned channels);

} // namespace mlirscope::view

#endif
