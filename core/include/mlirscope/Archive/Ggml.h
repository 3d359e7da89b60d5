//===- Ggml.h - ggml tensor types: sizes and dequantization -----*- C++ -*-===//
//
// GGUF stores no tensor sizes: a tensor's bytes follow from its element count
// and its ggml type, whose blocks pack `blockSize` elements into `typeSize`
// bytes. The table is gguf-py's GGMLQuantizationType and GGML_QUANT_SIZES
// (llama.cpp gguf-py/gguf/constants.py), every type, so that sizes of files
// using types we cannot decode still validate. Ids that ggml retired (4, 5,
// 31-33, 36-38) are unknown.
//
// dequantizeGgml decodes the block layouts of ggml-quants.c that mlirscope
// implements exactly; it returns false for the others (K-quants, IQ types,
// ...), whose sizes are known but whose values are not shown.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_ARCHIVE_GGML_H
#define MLIRSCOPE_ARCHIVE_GGML_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace mlirscope {

struct GgmlTypeInfo {
  uint32_t id;
  /// gguf-py's name: "F32", "Q4_0", "IQ2_XXS", ...
  const char *name;
  /// Elements per block (1 for plain types) and bytes per block.
  uint32_t blockSize;
  uint32_t typeSize;
  /// The MLIR element type of a plain type ("f32", "bf16", "i8"), null for
  /// block-quantized types.
  const char *element;
  bool isQuantized() const { return element == nullptr; }
};

/// Every known ggml type, by increasing id.
llvm::ArrayRef<GgmlTypeInfo> ggmlTypes();

/// The type with id `id`, or null when ggml has none (retired or future ids).
const GgmlTypeInfo *ggmlTypeInfo(uint32_t id);

/// Decodes `numBlocks` blocks of type `type` at `blocks` (numBlocks *
/// typeSize bytes) into numBlocks * blockSize floats at `out`. Implemented:
/// F32, F16, BF16, F64, I8, I16, I32, I64 (as floats), Q4_0, Q4_1, Q5_0, Q5_1,
/// Q8_0, Q8_1. Returns false, writing nothing, for any other type.
bool dequantizeGgml(uint32_t type, const uint8_t *blocks, uint64_t numBlocks,
                    float *out);

} // namespace mlirscope

#endif // MLIRSCOPE_ARCHIVE_GGML_H
