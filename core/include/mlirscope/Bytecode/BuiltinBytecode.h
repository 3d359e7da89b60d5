//===- BuiltinBytecode.h - Codes of the builtin dialect's encodings -*- C++ -*-===//
//
// The builtin dialect writes each attribute and type as a varint code and its
// fields (mlir/IR/BuiltinDialectBytecode.td, whose order "should generally be
// unchanged, as any changes will inevitably break compatibility").
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BYTECODE_BUILTINBYTECODE_H
#define MLIRSCOPE_BYTECODE_BUILTINBYTECODE_H

#include <cstdint>

namespace mlirscope {

/// Deepest attribute/type nesting decoded: complex<complex<...>>, arrays of
/// arrays or cycles in a hostile file stop here, never the C++ stack.
inline constexpr unsigned kMaxAttrTypeDepth = 32;

namespace builtin_encoding {

enum AttrCode : uint64_t {
  kArrayAttr = 0,
  kDictionaryAttr = 1,
  kStringAttr = 2,
  kStringAttrWithType = 3,
  kFlatSymbolRefAttr = 4,
  kSymbolRefAttr = 5,
  kTypeAttr = 6,
  kUnitAttr = 7,
  kIntegerAttr = 8,
  kFloatAttr = 9,
  kCallSiteLoc = 10,
  kFileLineColLoc = 11,
  kFusedLoc = 12,
  kFusedLocWithMetadata = 13,
  kNameLoc = 14,
  kUnknownLoc = 15,
  kDenseResourceElementsAttr = 16,
  kDenseArrayAttr = 17,
  kDenseIntOrFPElementsAttr = 18,
  kDenseStringElementsAttr = 19,
  kSparseElementsAttr = 20,
  kDistinctAttr = 21,
  kFileLineColRange = 22,
};

enum TypeCode : uint64_t {
  kIntegerType = 0,
  kIndexType = 1,
  kFunctionType = 2,
  kBFloat16Type = 3,
  kFloat16Type = 4,
  kFloat32Type = 5,
  kFloat64Type = 6,
  kFloat80Type = 7,
  kFloat128Type = 8,
  kComplexType = 9,
  kMemRefType = 10,
  kMemRefTypeWithMemSpace = 11,
  kNoneType = 12,
  kRankedTensorType = 13,
  kRankedTensorTypeWithEncoding = 14,
  kTupleType = 15,
  kUnrankedMemRefType = 16,
  kUnrankedMemRefTypeWithMemSpace = 17,
  kUnrankedTensorType = 18,
  kVectorType = 19,
  kVectorTypeWithScalableDims = 20,
};

} // namespace builtin_encoding
} // namespace mlirscope

#endif // MLIRSCOPE_BYTECODE_BUILTINBYTECODE_H
