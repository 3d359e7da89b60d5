//===- BlobView.h - Typed, read-only access to one resource blob -*- C++ -*-===//
//
// The only place blob bytes are read: a resource plus its element type and
// shape gives element access, N-d indexing and slices straight from the
// model's byte source (Support/ByteSource.h). Bytecode blobs are raw little-endian bytes; text blobs are hex
// digits, decoded on access.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_BLOBVIEW_H
#define MLIRSCOPE_BLOB_BLOBVIEW_H

#include "mlirscope/Blob/DType.h"
#include "mlirscope/Model/ModelIndex.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace mlirscope {

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
  /// with enough digits to round-trip, complex as "(re,im)"; formatElement).
  std::string format(uint64_t flat,
                     ElementStyle style = ElementStyle::RoundTrip) const;

  /// Row-major flat index of an N-d index; error if its rank or any
  /// coordinate is out of range.
  llvm::Expected<uint64_t> flatIndex(llvm::ArrayRef<int64_t> index) const;
  /// Parses "i,j,k" (or a single flat number when the rank is not 1) into a
  /// flat index.
  llvm::Expected<uint64_t> parseIndex(llvm::StringRef text) const;

private:
  BlobView() = default;
  const Resource *resource = nullptr;
  /// Where the bytes come from (the index's source) and the span of them
  /// this view reads; shared by copies of the view.
  const ByteSource *file = nullptr;
  std::shared_ptr<const Span> span;
  const uint8_t *raw = nullptr; ///< bytecode: first data byte
  const char *hex = nullptr;    ///< text: first hex digit of the data
  DType dtype = DType::Unsupported;
  std::vector<int64_t> shape;
  uint64_t numElements = 0;
};

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_BLOBVIEW_H
