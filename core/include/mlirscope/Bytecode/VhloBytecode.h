//===- VhloBytecode.h - StableHLO VHLO attribute/type encodings -*- C++ -*-===//
//
// StableHLO serializes its portable dialect `vhlo` with a bytecode dialect
// interface of its own (openxla/stablehlo, stablehlo/dialect/VhloBytecode.cpp):
// each attribute or type entry is a varint code followed by fields. MLIR
// cannot read these files without StableHLO linked in; mlirscope decodes
// what it shows (strings for symbol names, tensor types, inline tensors)
// from the codes below. The codes are append-only since StableHLO 0.9.0
// ("The order of these codes must not be changed"), so one table reads every
// release from 0.9.0 on; an unknown code leaves its entry opaque.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BYTECODE_VHLOBYTECODE_H
#define MLIRSCOPE_BYTECODE_VHLOBYTECODE_H

#include "mlirscope/Model/ModelIndex.h"

#include <cstdint>
#include <optional>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlirscope {
namespace vhlo {

/// The dialect name in a bytecode file's dialect section.
inline constexpr const char *kDialectName = "vhlo";

enum AttrCode : uint64_t {
  kArrayV1Attr = 1,
  kBooleanV1Attr = 2,
  kDictionaryV1Attr = 6,
  kFloatV1Attr = 8,
  kIntegerV1Attr = 9,
  kStringV1Attr = 14,
  kTensorV1Attr = 15,
  kTypeV1Attr = 17,
};

enum TypeCode : uint64_t {
  kComplexV1Type = 1,
  kFunctionV1Type = 8,
  kRankedTensorV1Type = 20,
  kRankedTensorV1TypeWithEncoding = 21,
  kTokenV1Type = 22,
  kTupleV1Type = 23,
  kUnrankedTensorV1Type = 25,
};

/// The element type a field-less VHLO type code stands for, spelled as the
/// builtin type it is a versioned copy of (`!vhlo.f32_v1` is `f32`,
/// `!vhlo.i32_v1` the signless `i32`, `!vhlo.bool_v1` `i1`): StableHLO turns
/// it back into that type when it reads the file. Nullopt for codes that
/// are not element types or are unknown.
std::optional<ElementType> elementTypeForCode(uint64_t code);

} // namespace vhlo

/// One attribute of an op's native properties, as ODS writes them: in name
/// order, a required one as its attribute index, an optional one as
/// `index << 1 | 1`, or 0 when absent.
struct PropertyField {
  const char *name;
  bool optional;
};

/// The properties of ops whose definitions mlirscope knows (the common
/// upstream ops, and VHLO's, all required) when every property is an
/// attribute; empty for any other op, whose properties stay opaque (a
/// dialect may encode them as it likes).
llvm::ArrayRef<PropertyField> knownPropertyFields(llvm::StringRef opName);

} // namespace mlirscope

#endif // MLIRSCOPE_BYTECODE_VHLOBYTECODE_H
