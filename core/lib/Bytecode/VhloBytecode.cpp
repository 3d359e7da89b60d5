//===- VhloBytecode.cpp - StableHLO VHLO attribute/type encodings ---------===//

#include "mlirscope/Bytecode/VhloBytecode.h"

using namespace mlirscope;

std::optional<ElementType> mlirscope::vhlo::elementTypeForCode(uint64_t code) {
  using Kind = ElementType::Kind;
  using Sign = ElementType::Signedness;
  struct Entry {
    uint64_t code;
    Kind kind;
    Sign sign;
    unsigned width;
    const char *name;
  };
  // vhlo_encoding::TypeCode of VhloBytecode.cpp, element types only.
  static const Entry table[] = {
      {0, Kind::Integer, Sign::Signless, 1, "i1"},        // BooleanV1
      {2, Kind::Float, Sign::Signless, 16, "bf16"},       // FloatBF16V1
      {3, Kind::Float, Sign::Signless, 16, "f16"},        // FloatF16V1
      {4, Kind::Float, Sign::Signless, 32, "f32"},        // FloatF32V1
      {5, Kind::Float, Sign::Signless, 64, "f64"},        // FloatF64V1
      {6, Kind::Float, Sign::Signless, 8, "f8E4M3FN"},    // FloatF8E4M3FNV1
      {7, Kind::Float, Sign::Signless, 8, "f8E5M2"},      // FloatF8E5M2V1
      {9, Kind::Index, Sign::Signless, 64, "index"},      // IndexV1
      {10, Kind::Integer, Sign::Signless, 4, "i4"},       // IntegerSI4V1
      {11, Kind::Integer, Sign::Signless, 8, "i8"},       // IntegerSI8V1
      {12, Kind::Integer, Sign::Signless, 16, "i16"},     // IntegerSI16V1
      {13, Kind::Integer, Sign::Signless, 32, "i32"},     // IntegerSI32V1
      {14, Kind::Integer, Sign::Signless, 64, "i64"},     // IntegerSI64V1
      {15, Kind::Integer, Sign::Unsigned, 4, "ui4"},      // IntegerUI4V1
      {16, Kind::Integer, Sign::Unsigned, 8, "ui8"},      // IntegerUI8V1
      {17, Kind::Integer, Sign::Unsigned, 16, "ui16"},    // IntegerUI16V1
      {18, Kind::Integer, Sign::Unsigned, 32, "ui32"},    // IntegerUI32V1
      {19, Kind::Integer, Sign::Unsigned, 64, "ui64"},    // IntegerUI64V1
      {27, Kind::Float, Sign::Signless, 8, "f8E4M3FNUZ"}, // FloatF8E4M3FNUZV1
      {28, Kind::Float, Sign::Signless, 8, "f8E5M2FNUZ"}, // FloatF8E5M2FNUZV1
      {29, Kind::Float, Sign::Signless, 8, "f8E4M3B11FNUZ"},
      {31, Kind::Integer, Sign::Signless, 2, "i2"},       // IntegerSI2V1
      {32, Kind::Integer, Sign::Unsigned, 2, "ui2"},      // IntegerUI2V1
      {34, Kind::Float, Sign::Signless, 19, "tf32"},      // FloatTF32V1
      {35, Kind::Float, Sign::Signless, 8, "f8E4M3"},     // FloatF8E4M3V1
      {36, Kind::Float, Sign::Signless, 8, "f8E3M4"},     // FloatF8E3M4V1
      {37, Kind::Float, Sign::Signless, 4, "f4E2M1FN"},   // FloatF4E2M1FNV1
      {38, Kind::Float, Sign::Signless, 6, "f6E2M3FN"},   // FloatF6E2M3FNV1
      {39, Kind::Float, Sign::Signless, 6, "f6E3M2FN"},   // FloatF6E3M2FNV1
      {40, Kind::Float, Sign::Signless, 8, "f8E8M0FNU"},  // FloatF8E8M0FNUV1
  };
  for (const Entry &e : table) {
    if (e.code != code)
      continue;
    ElementType t;
    t.kind = e.kind;
    t.signedness = e.sign;
    t.width = e.width;
    t.name = e.name;
    return t;
  }
  return std::nullopt;
}

llvm::ArrayRef<PropertyField>
mlirscope::knownPropertyFields(llvm::StringRef op) {
  static const PropertyField module[] = {{"sym_name", true},
                                         {"sym_visibility", true}};
  static const PropertyField func[] = {
      {"arg_attrs", true}, {"function_type", false}, {"no_inline", true},
      {"res_attrs", true}, {"sym_name", false},      {"sym_visibility", true}};
  static const PropertyField call[] = {{"arg_attrs", true},
                                       {"callee", false},
                                       {"no_inline", true},
                                       {"res_attrs", true}};
  static const PropertyField constant[] = {{"value", false}};
  // Globals holding inline weights (Weight.h names them by symbol).
  static const PropertyField memrefGlobal[] = {
      {"alignment", true}, {"constant", true},       {"initial_value", true},
      {"sym_name", false}, {"sym_visibility", true}, {"type", false}};

  static const PropertyField vhloFunc[] = {{"arg_attrs", false},
                                           {"function_type", false},
                                           {"res_attrs", false},
                                           {"sym_name", false},
                                           {"sym_visibility", false}};
  static const PropertyField vhloCall[] = {{"callee", false}};
  static const PropertyField vhloCompare[] = {{"compare_type", false},
                                              {"comparison_direction", false}};
  static const struct {
    const char *op;
    llvm::ArrayRef<PropertyField> fields;
  } table[] = {{"builtin.module", module},       {"func.func", func},
               {"func.call", call},              {"arith.constant", constant},
               {"vhlo.func_v1", vhloFunc},       {"vhlo.constant_v1", constant},
               {"vhlo.call_v1", vhloCall},       {"vhlo.compare_v1", vhloCompare},
               {"memref.global", memrefGlobal}};
  for (const auto &e : table)
    if (op == e.op)
      return e.fields;
  return {};
}
