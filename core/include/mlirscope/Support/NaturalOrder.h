//===- NaturalOrder.h - Names ordered as people count -----------*- C++ -*-===//
//
// Checkpoint keys number their layers (`model.layers.10.mlp`): byte order
// puts layer 10 between 1 and 2. Natural order compares runs of digits as
// numbers, so lists read layer 1, 2, ..., 10. One comparison for every C++
// front-end that lists names.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_NATURALORDER_H
#define MLIRSCOPE_SUPPORT_NATURALORDER_H

#include "llvm/ADT/StringRef.h"

namespace mlirscope {

/// <0, 0 or >0 as `a` sorts before, with or after `b`: runs of ASCII digits
/// compare by value (`layer2` < `layer10`), other bytes as bytes. Names that
/// differ only in leading zeros (`a01`, `a1`) fall back to byte order, so the
/// order is total and 0 means equal strings.
int naturalCompare(llvm::StringRef a, llvm::StringRef b);

/// naturalCompare(a, b) < 0, for std::sort.
inline bool naturalLess(llvm::StringRef a, llvm::StringRef b) {
  return naturalCompare(a, b) < 0;
}

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_NATURALORDER_H
