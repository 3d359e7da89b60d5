//===- Npy.h - numpy .npy headers -------------------------------*- C++ -*-===//
//
// Reading and writing the header of numpy's .npy format (versions 1-3): the
// dtype descriptor, memory order and shape. The data that follows is raw
// little-endian elements, written and read in streams by the callers.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_NPY_H
#define MLIRSCOPE_BLOB_NPY_H

#include "mlirscope/Blob/WeightView.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlirscope {

struct NpyHeader {
  std::string descr; ///< e.g. "<f4"
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  /// Offset of the first data byte.
  uint64_t dataOffset = 0;
};

/// Builds a version 1.0 header (2.0 when it would not fit) padded so the data
/// starts at a multiple of 64 bytes.
std::string makeNpyHeader(llvm::StringRef descr, llvm::ArrayRef<int64_t> shape);

/// Parses the header at the start of `bytes`; errors are FormatErrors naming
/// `name` and the offset.
llvm::Expected<NpyHeader> parseNpyHeader(llvm::ArrayRef<uint8_t> bytes,
                                         llvm::StringRef name);

/// The .npy descriptor used for a dtype ("<u2" for bf16, whose bits numpy
/// cannot name otherwise).
std::string npyDescrFor(DType dtype);

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_NPY_H
