//===- TypeText.h - Builtin tensor/element types from their spelling -*- C++ -*-===//
//
// A small parser for the spellings of builtin element and tensor types
// ("f32", "ui8", "complex<bf16>", "tensor<2x?x3xf16>"). Used where a type is
// only available as text: text files in dialects that are not linked, and
// bytecode entries stored in assembly form.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_MODEL_TYPETEXT_H
#define MLIRSCOPE_MODEL_TYPETEXT_H

#include "mlirscope/Model/ModelIndex.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlirscope {

/// Parses a builtin scalar type spelling; unknown spellings give an
/// ElementType of kind Unknown that keeps the text as its name.
ElementType parseElementTypeText(llvm::StringRef text);

/// Parses `tensor<...>`, `vector<...>` or `memref<...>` (layout and encoding
/// are ignored). Returns nullopt for anything else.
std::optional<TensorType> parseShapedTypeText(llvm::StringRef text);

/// Builds the MLIR spelling of a shaped type from its parts.
std::string formatTensorType(llvm::StringRef kind, bool ranked,
                             llvm::ArrayRef<int64_t> shape,
                             llvm::StringRef elementName);

} // namespace mlirscope

#endif // MLIRSCOPE_MODEL_TYPETEXT_H
