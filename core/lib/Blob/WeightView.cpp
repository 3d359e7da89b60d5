//===- WeightView.cpp - Typed, read-only access to one weight -------------===//

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Archive/Ggml.h"
#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Blob/ElementsLiteral.h"
#include "mlirscope/Blob/WeightStream.h"
#include "mlirscope/Index/Summary.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlirscope;

llvm::Expected<WeightView> WeightView::get(const ModelIndex &index,
                                           const Resource &r) {
  if (r.kind != ResourceKind::Blob)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "resource '" + r.key + "': is not a blob");
  const Weight *w =
      index.weightOfResource(uint32_t(&r - index.resources.data()));
  if (!w)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "resource '" + r.key + "': not indexed");
  return get(index, *w);
}

/// The ggml block type of a parameter bound to a quantized gguf tensor
/// that the IR does not retype (it gives no type, or the archive's), when
/// mlirscope dequantizes that block format; else null.
static const GgmlTypeInfo *quantizedEntry(const ModelIndex &index,
                                          const Weight &w) {
  if (w.kind != WeightKind::Parameter || w.entry == kNone ||
      w.archive >= index.archives.size())
    return nullptr;
  const ParameterArchive &a = *index.archives[w.archive].archive;
  if (a.format != ArchiveFormat::Gguf || w.entry >= a.entries.size())
    return nullptr;
  const ArchiveEntry &e = a.entries[w.entry];
  if (!e.type || (w.type && w.type->text != e.type->text))
    return nullptr;
  for (const GgmlTypeInfo &t : ggmlTypes())
    if (e.archiveType == t.name)
      return t.isQuantized() ? &t : nullptr;
  return nullptr;
}

llvm::Expected<WeightView> WeightView::getDequantized(const ModelIndex &index,
                                                      const Weight &w,
                                                      const GgmlTypeInfo &q) {
  auto err = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "weight '" + w.name + "': " + msg);
  };
  std::optional<uint64_t> n = w.type->numElements();
  if (!n)
    return err("its type " + w.type->text + " has no static shape");
  if (*n % q.blockSize)
    return err(llvm::Twine(*n) + " elements are not whole " + q.name +
               " blocks of " + llvm::Twine(q.blockSize));
  uint64_t blocks = *n / q.blockSize;
  if (w.dataBytes != blocks * q.typeSize)
    return err("holds " + llvm::Twine(w.dataBytes) + " bytes but " +
               llvm::Twine(blocks) + " " + q.name + " blocks need " +
               llvm::Twine(blocks * q.typeSize));
  // Probe the format: a block format mlirscope does not decode is shown by
  // its size and type only.
  std::vector<uint8_t> zero(q.typeSize);
  std::vector<float> probe(q.blockSize);
  if (!dequantizeGgml(q.id, zero.data(), 1, probe.data()))
    return err(llvm::Twine("ggml ") + q.name +
               " blocks are not decoded by mlirscope (its size and type are "
               "known, its values are not)");
  const ByteSource &source = *index.archives[w.archive].archive->file;
  if (w.offset > source.size() || w.size > source.size() - w.offset)
    return err("its data lies past the end of the archive");
  llvm::Expected<Span> bytes = source.read(w.offset, w.size);
  if (!bytes)
    return bytes.takeError();
  WeightView v;
  v.weight = &w;
  v.file = &source;
  v.raw = bytes->begin();
  v.span = std::make_shared<Span>(std::move(*bytes));
  v.dtype = DType::F32;
  v.shape = w.type->shape;
  v.numElements = *n;
  v.storage = Storage::Ggml;
  v.ggmlType = q.id;
  v.ggmlBlockSize = q.blockSize;
  v.ggmlTypeSize = q.typeSize;
  return v;
}

llvm::Expected<WeightView> WeightView::get(const ModelIndex &index,
                                           const Weight &w) {
  const char *what = w.kind == WeightKind::Resource ? "resource" : "weight";
  auto err = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   llvm::Twine(what) + " '" + w.name +
                                       "': " + msg);
  };
  if (w.encoding == WeightEncoding::Strings)
    return err("holds strings, not numbers");
  if (w.kind == WeightKind::Parameter && w.entry == kNone)
    return err(llvm::none_of(index.archives,
                             [&](const BoundArchive &a) {
                               return a.scope == w.scope;
                             })
                   ? llvm::Twine("no archive is bound to its scope "
                                 "(--parameters ") +
                         (w.scope.empty() ? "" : w.scope + "=") + "FILE)"
                   : llvm::Twine("no archive bound to its scope holds key '") +
                         w.key + "'");
  if (const GgmlTypeInfo *q = quantizedEntry(index, w))
    return getDequantized(index, w, *q);
  if (!w.type)
    return err(w.kind == WeightKind::Resource
                   ? "no dense_resource attribute gives its type"
                   : "nothing gives its type");
  if (!w.type->ranked || !w.type->numElements())
    return err("its type " + w.type->text + " has no static shape");
  DType dtype = dtypeFor(w.type->element);
  if (dtype == DType::Unsupported)
    return err("element type " + w.type->element.name + " is not supported");
  uint64_t n = *w.type->numElements();
  std::optional<uint64_t> expected = w.logicalBytes();
  uint64_t esz = dtypeSize(dtype);
  // What the stored data must hold: all elements, or one for a splat (an
  // archive's splat repeats its pattern over the entry's whole size).
  bool archiveSplat = w.kind == WeightKind::Parameter && w.splat;
  uint64_t want = archiveSplat || !w.splat ? (expected ? *expected : 0) : esz;
  if (w.bitPacked)
    want = (n + 7) / 8;
  // A parameter's archive entry may be larger than the global's type: IREE
  // binds its leading bytes (the summary still reports the mismatch).
  bool leading = w.kind == WeightKind::Parameter && !w.splat &&
                 w.dataBytes > want;
  if (w.encoding != WeightEncoding::Literal && w.dataBytes != want && !leading)
    return err("holds " + llvm::Twine(w.dataBytes) + " bytes but " +
               w.type->text + " needs " + llvm::Twine(want));

  WeightView v;
  v.weight = &w;
  v.resource = w.kind == WeightKind::Resource && w.resource < index.resources.size()
                   ? &index.resources[w.resource]
                   : nullptr;
  v.dtype = dtype;
  v.shape = w.type->shape;
  v.numElements = n;

  if (archiveSplat) {
    const ParameterArchive &a = *index.archives[w.archive].archive;
    const ArchiveEntry &e = a.entries[w.entry];
    if (e.pattern.empty() || esz % e.pattern.size())
      return err("its archive splat pattern of " +
                 llvm::Twine(e.pattern.size()) + " bytes does not tile " +
                 dtypeName(dtype) + " elements");
    auto element = std::make_shared<std::vector<uint8_t>>();
    for (uint64_t i = 0; i < esz; ++i)
      element->push_back(e.pattern[i % e.pattern.size()]);
    v.owned = std::move(element);
    v.storage = Storage::Splat;
    v.file = a.file.get();
    return v;
  }

  const ByteSource *source = index.file.get();
  if (w.kind == WeightKind::Parameter)
    source = index.archives[w.archive].archive->file.get();
  if (!source)
    return err("the file is not open");
  if (w.offset > source->size() || w.size > source->size() - w.offset)
    return err("its data lies past the end of the file");
  v.file = source;

  if (w.encoding == WeightEncoding::Literal) {
    llvm::Expected<Span> text = source->read(w.offset, w.size);
    if (!text)
      return text.takeError();
    llvm::StringRef body(reinterpret_cast<const char *>(text->begin()),
                         w.size);
    auto bytes = decodeElementsLiteral(body, dtype, n);
    if (!bytes)
      return err(llvm::toString(bytes.takeError()));
    bool splat = bytes->size() == esz && n != 1;
    v.owned =
        std::make_shared<const std::vector<uint8_t>>(std::move(*bytes));
    v.storage = splat ? Storage::Splat : Storage::Decoded;
    return v;
  }
  // Raw elements of a source that is not memory, more than a window of
  // them: read when asked for, never copied whole into memory.
  if (!source->memory() && w.encoding == WeightEncoding::Raw && !w.splat &&
      !w.bitPacked && w.size > streamWindowBytes()) {
    v.storage = Storage::Streamed;
    return v;
  }
  // The stored data as one span of the source (for a mapped file, a
  // pointer into the mapping: nothing is read until an element is).
  llvm::Expected<Span> bytes = source->read(w.offset, w.size);
  if (!bytes)
    return bytes.takeError();
  bool isHex = w.encoding == WeightEncoding::Hex;
  if (isHex)
    v.hex = reinterpret_cast<const char *>(bytes->begin());
  else
    v.raw = bytes->begin();
  v.span = std::make_shared<Span>(std::move(*bytes));
  if (w.splat) {
    auto element = std::make_shared<std::vector<uint8_t>>(esz);
    if (w.bitPacked || (dtype == DType::Bool && w.dataBytes == 1 && n > 1)) {
      // One byte of i1 data, 0x00 or 0xff, is every element.
      uint8_t byte = isHex ? uint8_t(llvm::hexDigitValue(v.hex[0]) << 4 |
                                     (llvm::hexDigitValue(v.hex[1]) & 0xf))
                           : v.raw[0];
      (*element)[0] = byte ? 1 : 0;
    } else if (isHex) {
      v.storage = Storage::Hex;
      v.readBytes(0, 1, element->data());
    } else {
      std::memcpy(element->data(), v.raw, esz);
    }
    v.owned = std::move(element);
    v.storage = Storage::Splat;
    return v;
  }
  if (w.bitPacked)
    v.storage = isHex ? Storage::HexBits : Storage::RawBits;
  else
    v.storage = isHex ? Storage::Hex : Storage::Raw;
  return v;
}

llvm::Error WeightView::readError() const {
  if (storage != Storage::Streamed)
    return llvm::Error::success();
  return file->takeReadError();
}

void WeightView::releaseElements(uint64_t first, uint64_t count) const {
  uint64_t esz = dtypeSize(dtype);
  switch (storage) {
  case Storage::Raw:
    file->dropPages(weight->offset + first * esz, count * esz);
    return;
  case Storage::Hex:
    file->dropPages(weight->offset + 2 * first * esz, 2 * count * esz);
    return;
  default:
    return; // small, or bits: nothing worth releasing
  }
}

namespace {
/// Each character's digit value, 0x80 for a character that is not one.
struct HexTable {
  uint8_t value[256];
  constexpr HexTable() : value() {
    for (unsigned c = 0; c < 256; ++c)
      value[c] = c >= '0' && c <= '9'   ? uint8_t(c - '0')
                 : c >= 'a' && c <= 'f' ? uint8_t(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? uint8_t(c - 'A' + 10)
                                        : 0x80;
  }
};
constexpr HexTable kHex;
} // namespace

/// The byte at `i` of hex digits (a non-hex digit reads as zero: the text
/// indexer does not validate every digit of a multi-gigabyte blob up front).
static uint8_t hexByte(const char *hex, uint64_t i) {
  uint8_t hi = kHex.value[uint8_t(hex[2 * i])];
  uint8_t lo = kHex.value[uint8_t(hex[2 * i + 1])];
  if ((hi | lo) & 0x80)
    return 0;
  return uint8_t((hi << 4) | lo);
}

/// Decodes `n` bytes of hex digits: the hot loop of statistics over text
/// weights, a table lookup per digit and no branch per byte.
static void decodeHex(const char *hex, uint64_t n, uint8_t *out) {
  const uint8_t *in = reinterpret_cast<const uint8_t *>(hex);
  uint8_t bad = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint8_t hi = kHex.value[in[2 * i]], lo = kHex.value[in[2 * i + 1]];
    bad |= hi | lo;
    out[i] = uint8_t((hi << 4) | (lo & 0xf));
  }
  if (bad & 0x80) // rare: redo with non-digits read as zero
    for (uint64_t i = 0; i < n; ++i)
      out[i] = hexByte(hex, i);
}

void WeightView::readBytes(uint64_t first, uint64_t count, uint8_t *out) const {
  // Nothing to read: `out` may be null (an empty vector's data()), which
  // memcpy must not be given even for zero bytes.
  if (count == 0)
    return;
  unsigned esz = dtypeSize(dtype);
  uint64_t begin = first * esz, n = count * esz;
  switch (storage) {
  case Storage::Raw:
    std::memcpy(out, raw + begin, n);
    return;
  case Storage::Decoded:
    std::memcpy(out, owned->data() + begin, n);
    return;
  case Storage::Splat:
    for (uint64_t i = 0; i < count; ++i)
      std::memcpy(out + i * esz, owned->data(), esz);
    return;
  case Storage::RawBits:
    for (uint64_t i = 0; i < count; ++i)
      out[i] = (raw[(first + i) / 8] >> ((first + i) % 8)) & 1;
    return;
  case Storage::HexBits:
    for (uint64_t i = 0; i < count; ++i)
      out[i] = (hexByte(hex, (first + i) / 8) >> ((first + i) % 8)) & 1;
    return;
  case Storage::Hex:
    decodeHex(hex + 2 * begin, n, out);
    return;
  case Storage::Streamed:
    if (file->readAt(weight->offset + begin, out, n) != n)
      std::memset(out, 0, n); // the reason waits in the source: readError()
    return;
  case Storage::Ggml: {
    // Whole blocks are decoded; the elements asked for are copied out.
    uint64_t firstBlock = first / ggmlBlockSize;
    uint64_t lastBlock = (first + count + ggmlBlockSize - 1) / ggmlBlockSize;
    std::vector<float> values(size_t((lastBlock - firstBlock) * ggmlBlockSize));
    dequantizeGgml(ggmlType, raw + firstBlock * ggmlTypeSize,
                   lastBlock - firstBlock, values.data());
    std::memcpy(out, values.data() + (first - firstBlock * ggmlBlockSize),
                count * sizeof(float));
    return;
  }
  }
}

std::complex<double> WeightView::getComplex(uint64_t flat) const {
  uint8_t element[16];
  readBytes(flat, 1, element);
  return decodeComplexElement(dtype, element);
}

double WeightView::getDouble(uint64_t flat) const {
  uint8_t element[16];
  readBytes(flat, 1, element);
  return decodeElement(dtype, element);
}

std::string WeightView::format(uint64_t flat, ElementStyle style) const {
  uint8_t element[16];
  readBytes(flat, 1, element);
  return formatElement(dtype, element, style);
}

llvm::Expected<uint64_t>
WeightView::flatIndex(llvm::ArrayRef<int64_t> index) const {
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

llvm::Expected<uint64_t> WeightView::parseIndex(llvm::StringRef text) const {
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
