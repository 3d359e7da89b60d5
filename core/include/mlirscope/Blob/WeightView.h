//===- WeightView.h - Typed, read-only access to one weight ------*- C++ -*-===//
//
// The only place weight bytes are read: a weight (Model/Weight.h) plus its
// element type and shape gives element access, N-d indexing and slices
// straight from where the weight lives (Support/ByteSource.h): raw
// little-endian bytes in a bytecode file or an archive, hex digits in text
// (decoded on access), a splat's one element, i1 packed eight per byte.
// Only a literal list (`dense<[1.0, 2.0]>`) is decoded up front, into memory
// the view owns: producers write literals for small tensors.
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

/// A typed view of one weight. Cheap to copy; valid while the index lives.
class WeightView {
public:
  /// Checks that the weight has a known, supported, static type whose size
  /// matches its data, and returns a view of it.
  static llvm::Expected<WeightView> get(const ModelIndex &index,
                                        const Weight &weight);
  /// The view of a resource blob's weight.
  static llvm::Expected<WeightView> get(const ModelIndex &index,
                                        const Resource &resource);

  const Weight &getWeight() const { return *weight; }
  /// The resource a resource weight is, else null.
  const Resource *getResource() const { return resource; }
  /// The source the stored data is in (the model file, or a bound
  /// archive's) and the offset of the data's first byte in it.
  const ByteSource &getSource() const { return *file; }
  uint64_t getDataOffset() const { return weight->offset; }
  DType getDType() const { return dtype; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  uint64_t size() const { return numElements; }
  uint64_t sizeInBytes() const { return numElements * dtypeSize(dtype); }
  /// True when the elements are stored as they are read: raw bytes in the
  /// source, neither hex nor a splat nor packed bits (fast paths, kernel
  /// copies).
  bool isRaw() const { return storage == Storage::Raw; }
  /// True when the elements are raw bytes of a source that is not memory (a
  /// URL) and larger than one window (WeightStream.h): nothing is held, each
  /// readBytes reads the source, whole-weight passes go through
  /// streamElements, which reads ahead in bounded windows.
  bool isStreamed() const { return storage == Storage::Streamed; }
  /// The raw bytes (when isRaw; else empty).
  llvm::ArrayRef<uint8_t> rawBytes() const {
    return isRaw() ? llvm::ArrayRef<uint8_t>(raw, sizeInBytes())
                   : llvm::ArrayRef<uint8_t>();
  }

  /// Copies the bytes of elements [first, first + count) into `out`
  /// (decoding hex, repeating a splat, unpacking bits). `out` must hold
  /// count * dtypeSize bytes. A streamed view's read that fails leaves
  /// zeros and the reason in the source (see readError).
  void readBytes(uint64_t first, uint64_t count, uint8_t *out) const;
  /// Why a read of a streamed view failed since the last call (the source's
  /// takeReadError: its name and the offset); success for other views.
  llvm::Error readError() const;

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
  WeightView() = default;
  /// How the elements are stored: as read (Raw), as hex digits, as one
  /// element or pattern repeated (Splat: `owned`), bits (i1, raw or hex),
  /// or decoded into `owned` (a literal list).
  /// Ggml: blocks of a quantized gguf tensor, dequantized to f32 on access.
  enum class Storage : uint8_t {
    Raw,
    Hex,
    Splat,
    RawBits,
    HexBits,
    Decoded,
    Ggml,
    Streamed
  };
  static llvm::Expected<WeightView>
  getDequantized(const ModelIndex &index, const Weight &weight,
                 const struct GgmlTypeInfo &type);
  Storage storage = Storage::Raw;
  const Weight *weight = nullptr;
  const Resource *resource = nullptr;
  /// Where the bytes come from (the index's source or an archive's) and the
  /// span of them this view reads; shared by copies of the view.
  const ByteSource *file = nullptr;
  std::shared_ptr<const Span> span;
  const uint8_t *raw = nullptr; ///< Raw, RawBits: first data byte
  const char *hex = nullptr;    ///< Hex, HexBits: first hex digit
  /// Splat: the repeated bytes; Decoded: all elements.
  std::shared_ptr<const std::vector<uint8_t>> owned;
  /// Ggml: the block type, elements and bytes per block.
  uint32_t ggmlType = 0, ggmlBlockSize = 1, ggmlTypeSize = 0;
  DType dtype = DType::Unsupported;
  std::vector<int64_t> shape;
  uint64_t numElements = 0;
};

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_BLOBVIEW_H
