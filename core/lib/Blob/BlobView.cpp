//===- BlobView.cpp - Typed, read-only access to one resource blob --------===//

#include "mlirscope/Blob/BlobView.h"
#include "mlirscope/Index/Summary.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlirscope;

llvm::Expected<BlobView> BlobView::get(const ModelIndex &index,
                                       const Resource &r) {
  auto err = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "resource '" + r.key + "': " + msg);
  };
  if (r.kind != ResourceKind::Blob)
    return err("is not a blob");
  if (!r.type)
    return err("no dense_resource attribute gives its type");
  if (!r.type->ranked || !r.type->numElements())
    return err("its type " + r.type->text + " has no static shape");
  DType dtype = dtypeFor(r.type->element);
  if (dtype == DType::Unsupported)
    return err("element type " + r.type->element.name + " is not supported");
  std::optional<uint64_t> expected = expectedBlobSize(*r.type);
  if (!expected || *expected != r.size)
    return err("holds " + llvm::Twine(r.size) + " bytes but " + r.type->text +
               " needs " + llvm::Twine(expected ? *expected : 0));
  if (!index.file)
    return err("the file is not open");
  uint64_t span = r.isHexText ? r.size * 2 : r.size;
  if (r.dataOffset > index.file->size() ||
      span > index.file->size() - r.dataOffset)
    return err("its data lies past the end of the file");
  // The blob's bytes as one span of the source (for a mapped file, a pointer
  // into the mapping: nothing is read until an element is).
  llvm::Expected<Span> bytes = index.file->read(r.dataOffset, span);
  if (!bytes)
    return bytes.takeError();
  BlobView v;
  v.resource = &r;
  v.file = index.file.get();
  v.dtype = dtype;
  v.shape = r.type->shape;
  v.numElements = *r.type->numElements();
  if (r.isHexText)
    v.hex = reinterpret_cast<const char *>(bytes->begin());
  else
    v.raw = bytes->begin();
  v.span = std::make_shared<Span>(std::move(*bytes));
  return v;
}

void BlobView::releaseElements(uint64_t first, uint64_t count) const {
  uint64_t esz = dtypeSize(dtype), scale = raw ? 1 : 2;
  file->dropPages(resource->dataOffset + scale * first * esz,
                  scale * count * esz);
}

void BlobView::readBytes(uint64_t first, uint64_t count, uint8_t *out) const {
  unsigned esz = dtypeSize(dtype);
  uint64_t begin = first * esz, n = count * esz;
  if (raw) {
    std::memcpy(out, raw + begin, n);
    return;
  }
  for (uint64_t i = 0; i < n; ++i) {
    unsigned hi = llvm::hexDigitValue(hex[2 * (begin + i)]);
    unsigned lo = llvm::hexDigitValue(hex[2 * (begin + i) + 1]);
    // A non-hex digit reads as zero; the text indexer does not validate
    // every digit of a multi-gigabyte blob up front.
    out[i] = uint8_t(((hi & 0xf) << 4) | (lo & 0xf));
    if (hi == ~0u || lo == ~0u)
      out[i] = 0;
  }
}

std::complex<double> BlobView::getComplex(uint64_t flat) const {
  uint8_t element[16];
  readBytes(flat, 1, element);
  return decodeComplexElement(dtype, element);
}

double BlobView::getDouble(uint64_t flat) const {
  uint8_t element[16];
  readBytes(flat, 1, element);
  return decodeElement(dtype, element);
}

std::string BlobView::format(uint64_t flat, ElementStyle style) const {
  uint8_t element[16];
  readBytes(flat, 1, element);
  return formatElement(dtype, element, style);
}

llvm::Expected<uint64_t>
BlobView::flatIndex(llvm::ArrayRef<int64_t> index) const {
  if (index.size() != shape.size())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "index has %zu coordinates, the tensor has rank %zu", index.size(),
        shape.size());
  uint64_t flat = 0;
  for (size_t i = 0; i < index.size(); ++i) {
    if (index[i] < 0 || index[i] >= shape[i])
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "index %lld is out of range for dimension %zu of size %lld",
          (long long)index[i], i, (long long)shape[i]);
    flat = flat * uint64_t(shape[i]) + uint64_t(index[i]);
  }
  return flat;
}

llvm::Expected<uint64_t> BlobView::parseIndex(llvm::StringRef text) const {
  llvm::SmallVector<llvm::StringRef> parts;
  text.trim().trim("[]()").split(parts, ',');
  llvm::SmallVector<int64_t> coords;
  for (llvm::StringRef p : parts) {
    int64_t v;
    if (p.trim().getAsInteger(10, v))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "'%s' is not an index",
                                     text.str().c_str());
    coords.push_back(v);
  }
  if (coords.size() == 1 && shape.size() != 1) {
    if (coords[0] < 0 || uint64_t(coords[0]) >= numElements)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "flat index %lld is out of range for %llu elements",
          (long long)coords[0], (unsigned long long)numElements);
    return uint64_t(coords[0]);
  }
  return flatIndex(coords);
}
