//===- DType.h - Element types: decode, encode, format ----------*- C++ -*-===//
//
// The one vocabulary for a weight's element type: which storage types core
// reads (DTypes.def lists them), and how one raw little-endian element of
// each becomes a number, becomes text, and is written back from text. The
// CLI, the language server and the viewer all format and parse elements
// through here.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_DTYPE_H
#define MLIRSCOPE_BLOB_DTYPE_H

#include "mlirscope/Model/ModelIndex.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace mlirscope {

/// Storage types a view can read. Integers narrower than 8 bits other than i1
/// are not supported (dense blobs pack them in ways MLIR itself does not
/// document for resources).
enum class DType : uint8_t {
#define DTYPE(Name, Spelling, Bytes, Numpy) Name,
#include "mlirscope/Blob/DTypes.def"
  Unsupported,
};

/// The dtype for an element type, or Unsupported.
DType dtypeFor(const ElementType &type);
/// Bytes per element (0 for Unsupported).
unsigned dtypeSize(DType dtype);
/// MLIR spelling ("f32", "ui8", "complex<f32>", "i1").
const char *dtypeName(DType dtype);
/// numpy's descriptor ("<f4", "|b1", "<c8"); empty where numpy has none
/// (bf16, the one-byte floats).
const char *dtypeNumpy(DType dtype);
bool isFloat(DType dtype);
bool isComplex(DType dtype);
/// One of the one-byte float types.
bool isFloat8(DType dtype);

/// Converts IEEE half / bfloat16 bits to float.
float halfToFloat(uint16_t bits);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
uint16_t floatToBFloat16(float value);
/// Converts the bits of a one-byte float of type `dtype` (isFloat8) to
/// float, exactly (every f8 value is a float).
float float8ToFloat(DType dtype, uint8_t bits);

/// The element at `p` (dtypeSize bytes) as a double: complex numbers give
/// their real part, i1 gives 0 or 1.
double decodeElement(DType dtype, const uint8_t *p);
/// The element at `p` as a complex number (imaginary part 0 for reals).
std::complex<double> decodeComplexElement(DType dtype, const uint8_t *p);

/// How many digits formatElement writes.
enum class ElementStyle : uint8_t {
  /// Enough to read back the same bits (f16 5, bf16 5, f32 9, f64 17): what
  /// the CLI and the language server print.
  RoundTrip,
  /// The fewest that read back the same bits (bf16 4), for a table cell
  /// that shows one value at full precision.
  Exact,
  /// At most 6 significant digits (f16 5, bf16 4): a table of many values.
  Short,
};

/// The element at `p` as MLIR would print it: integers exactly, i1 as
/// true/false, floats with the style's digits ("nan", "inf", "-inf"),
/// complex as "(re,im)".
std::string formatElement(DType dtype, const uint8_t *p,
                          ElementStyle style = ElementStyle::RoundTrip);

/// Encodes `text` as one element of `dtype` (little-endian). Errors say why a
/// value is not representable ("300 is not representable as i8: out of
/// range").
llvm::Expected<std::vector<uint8_t>> encodeElement(DType dtype,
                                                   llvm::StringRef text);

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_DTYPE_H
