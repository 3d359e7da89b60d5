//===- BlobView.h - Typed, read-only access to one resource blob -*- C++ -*-===//
//
// The only place blob bytes are read: a resource plus its element type and
// shape gives element access, N-d indexing and slices straight from the
// mapped file. Bytecode blobs are raw little-endian bytes; text blobs are hex
// digits, decoded on access.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_BLOBVIEW_H
#define MLIRSCOPE_BLOB_BLOBVIEW_H

#include "mlirscope/Model/ModelIndex.h"

#include "llvm/ADT/ArrayRef.h"
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
  Bool, ///< i1, one byte per element
  I8, I16, I32, I64,
  U8, U16, U32, U64,
  F16, BF16, F32, F64,
  C64,  ///< complex<f32>
  C128, ///< complex<f64>
  /// One-byte floats (APFloat's Float8* semantics): e.g. f8E4M3FN has 4
  /// exponent bits, 3 mantissa bits and only NaN where IEEE has Inf; FNUZ
  /// kinds have no negative zero (0x80 is their NaN); f8E8M0FNU is a bare
  /// exponent (a scale).
  F8E5M2, F8E4M3, F8E4M3FN, F8E5M2FNUZ, F8E4M3FNUZ, F8E4M3B11FNUZ, F8E3M4,
  F8E8M0FNU,
  Unsupported,
};

/// The dtype for an element type, or Unsupported.
DType dtypeFor(const ElementType &type);
/// Bytes per element (0 for Unsupported).
unsigned dtypeSize(DType dtype);
/// MLIR spelling ("f32", "ui8", "complex<f32>", "i1").
const char *dtypeName(DType dtype);
/// numpy's descriptor ("<f4", "|b1", "<c8"); empty for bf16 (numpy has none).
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

/// A typed view of one blob. Cheap to copy; valid while the index lives.
class BlobView {
public:
  /// Checks that the resource is a blob with a known, supported type whose
  /// size matches its data, and returns a view of it.
  static llvm::Expected<BlobView> get(const ModelIndex &index,
                                      const Resource &resource);

  const Resource &getResource() const { return *resource; }
  DType getDType() const { return dtype; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  uint64_t size() const { return numElements; }
  uint64_t sizeInBytes() const { return numElements * dtypeSize(dtype); }
  /// True for bytecode blobs (raw bytes in the file), false for hex text.
  bool isRaw() const { return raw != nullptr; }
  /// The raw bytes (bytecode only; empty for text).
  llvm::ArrayRef<uint8_t> rawBytes() const {
    return raw ? llvm::ArrayRef<uint8_t>(raw, sizeInBytes())
               : llvm::ArrayRef<uint8_t>();
  }

  /// Copies the bytes of elements [first, first + count) into `out`
  /// (decoding hex for text blobs). `out` must hold count * dtypeSize bytes.
  void readBytes(uint64_t first, uint64_t count, uint8_t *out) const;

  /// Releases the pages holding elements [first, first + count) from this
  /// process (they stay in the page cache); for long streaming passes.
  void releaseElements(uint64_t first, uint64_t count) const;

  /// Element `flat` as a double (complex: the real part; i1: 0 or 1).
  double getDouble(uint64_t flat) const;
  /// Element `flat` as a complex number (imaginary part 0 for reals).
  std::complex<double> getComplex(uint64_t flat) const;
  /// Element `flat` formatted as MLIR would print it (ints exact, floats
  /// with enough digits to round-trip, complex as "(re,im)").
  std::string format(uint64_t flat) const;

  /// Row-major flat index of an N-d index; error if its rank or any
  /// coordinate is out of range.
  llvm::Expected<uint64_t> flatIndex(llvm::ArrayRef<int64_t> index) const;
  /// Parses "i,j,k" (or a single flat number when the rank is not 1) into a
  /// flat index.
  llvm::Expected<uint64_t> parseIndex(llvm::StringRef text) const;

private:
  BlobView() = default;
  const Resource *resource = nullptr;
  const MappedFile *file = nullptr;
  const uint8_t *raw = nullptr; ///< bytecode: first data byte
  const char *hex = nullptr;    ///< text: first hex digit of the data
  DType dtype = DType::Unsupported;
  std::vector<int64_t> shape;
  uint64_t numElements = 0;
};

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_BLOBVIEW_H
