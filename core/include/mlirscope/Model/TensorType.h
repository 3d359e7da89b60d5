//===- TensorType.h - Element and tensor types, as far as known -*- C++ -*-===//
//
// The types mlirscope reads from the IR (dense_resource and elements
// attributes, parameter references) or from an archive's header: enough to
// size and decode a weight, plus the MLIR spelling.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_MODEL_TENSORTYPE_H
#define MLIRSCOPE_MODEL_TENSORTYPE_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope {

/// Sentinel for "no index" in the index's compact records.
inline constexpr uint32_t kNone = ~0u;

/// The scalar element type of a tensor, as far as mlirscope understands it.
struct ElementType {
  enum class Kind : uint8_t {
    Unknown,   ///< Not decoded (opaque dialect type or unsupported builtin).
    Integer,   ///< iN / siN / uiN.
    Index,     ///< index.
    Float,     ///< f16, bf16, f32, f64, f80, f128, f8*, tf32, ...
    Complex,   ///< complex<inner>; `width` is the inner width.
  };
  enum class Signedness : uint8_t { Signless, Signed, Unsigned };

  Kind kind = Kind::Unknown;
  Signedness signedness = Signedness::Signless;
  /// Bits per scalar (for Complex: bits of one component).
  unsigned width = 0;
  /// MLIR spelling, e.g. "f32", "ui8", "complex<f16>", "!vhlo.f32_v1".
  std::string name;

  /// Bits of one element in a dense blob (complex counts both parts). Zero
  /// when unknown.
  uint64_t storageBits() const;
  bool isKnown() const { return kind != Kind::Unknown; }
};

/// A shaped type (tensor, vector, memref): the type of a weight.
struct TensorType {
  bool ranked = false;
  /// Dimensions; kDynamic for `?`.
  std::vector<int64_t> shape;
  ElementType element;
  /// MLIR spelling of the whole type, e.g. "tensor<2x3xf32>".
  std::string text;

  static constexpr int64_t kDynamic = INT64_MIN;
  /// Number of elements, or nullopt if unranked, dynamic or overflowing.
  std::optional<uint64_t> numElements() const;
  /// "2x3" style shape string ("?" for dynamic, "*" for unranked).
  std::string shapeString() const;
};

} // namespace mlirscope

#endif // MLIRSCOPE_MODEL_TENSORTYPE_H
