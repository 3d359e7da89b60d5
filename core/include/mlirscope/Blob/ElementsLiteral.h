//===- ElementsLiteral.h - Decoding `dense<[...]>` literal lists -*- C++ -*-===//
//
// Producers write small tensors as numbers in the IR (`dense<[1.0, 2.5]>`,
// `dense<[[true, false]]>`, `dense<(1.0,2.0)>`, NaN and infinities as hex bit
// patterns `0x7FC00000`). A view of such a weight decodes the literal once
// into little-endian element bytes, the form every other weight has.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_ELEMENTSLITERAL_H
#define MLIRSCOPE_BLOB_ELEMENTSLITERAL_H

#include "mlirscope/Blob/DType.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mlirscope {

/// Decodes the text between `dense<` and `>` into the bytes of its
/// elements (brackets flattened, in row-major order). Expects
/// `numElements` elements, or one for a splat (then one element's bytes are
/// returned). Errors name the element that does not fit and its offset in
/// `text`.
llvm::Expected<std::vector<uint8_t>>
decodeElementsLiteral(llvm::StringRef text, DType dtype, uint64_t numElements);

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_ELEMENTSLITERAL_H
