//===- Gguf.cpp - GGUF archives (llama.cpp) -------------------------------===//
//
// GGUF versions 2 and 3 (ggml docs/gguf.md; gguf-py's gguf_reader.py), all
// little-endian with 64-bit counts and string lengths:
//
//   "GGUF", version (u32), tensor_count (u64), kv_count (u64)
//   kv_count x  key (string), value type (u32), value
//   tensor_count x  name (string), n_dims (u32), dims (u64 x n_dims,
//                   innermost first), ggml type (u32), offset (u64)
//   padding to `general.alignment` (u32, default 32), then the tensor data,
//   each tensor's offset relative to that aligned start
//
// Version 1 had 32-bit counts and lengths: it is refused, as gguf-py and
// IREE refuse it. The file stores no tensor sizes: they come from the
// element count and the ggml type's block size (Ggml.h), so an unknown type
// id is an error, as is a row that is not a whole number of blocks (ggml
// quantizes rows). Shapes are turned outermost first, as MLIR spells them.
//
// Metadata values are kept as printable text; arrays are summarized
// ("[32000 x string]"), never read element by element into memory. A key
// appearing twice is a warning (gguf-py refuses it, but GGUFWriter wrote
// `general.architecture` twice in IREE's own test files, which IREE reads).
//
//===----------------------------------------------------------------------===//

#include "ArchiveReader.h"

#include "mlirscope/Archive/Ggml.h"

#include "llvm/ADT/StringExtras.h"

#include <cstdio>
#include <cstdlib>

using namespace mlirscope;
using namespace mlirscope::archive;

namespace {

constexpr uint32_t kDefaultAlignment = 32;
/// Nested arrays (which ggml itself refuses) are skipped up to this depth.
constexpr unsigned kMaxArrayDepth = 4;
/// The bytes of a string value kept for display; the rest is skipped.
constexpr uint64_t kMaxShownString = 1024;

enum ValueType : uint32_t {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
};

/// Bytes of a fixed-size value type, 0 for string and array.
unsigned valueSize(uint32_t type) {
  switch (type) {
  case U8:
  case I8:
  case Bool:
    return 1;
  case U16:
  case I16:
    return 2;
  case U32:
  case I32:
  case F32:
    return 4;
  case U64:
  case I64:
  case F64:
    return 8;
  default:
    return 0;
  }
}

const char *valueTypeName(uint32_t type) {
  static const char *const names[] = {"ui8",  "i8",  "ui16", "i16",    "ui32",
                                      "i32",  "f32", "bool", "string", "array",
                                      "ui64", "i64", "f64"};
  return type < 13 ? names[type] : "?";
}

/// The shortest decimal that reads back as the same value.
template <typename T> std::string shortestFloat(T v) {
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof(buf), "%.*g", digits, double(v));
    if (T(std::strtod(buf, nullptr)) == v || v != v)
      break;
  }
  return buf;
}

struct TensorInfo {
  std::string name;
  std::vector<int64_t> dims; ///< innermost first, as stored
  const GgmlTypeInfo *type = nullptr;
  uint64_t offset = 0;
  uint64_t at = 0, offsetAt = 0;
};

class GgufReader {
public:
  explicit GgufReader(ParameterArchive &archive)
      : archive(archive), in(*archive.file) {}

  llvm::Error read() {
    if (!readAll())
      return in.takeError();
    return llvm::Error::success();
  }

private:
  bool readString(std::string &out, const char *what) {
    uint64_t length;
    return in.read(length, what) && in.readBytes(length, out, what);
  }

  /// A string value: the first kMaxShownString bytes kept, the rest skipped.
  bool readShownString(std::string &out) {
    uint64_t length;
    if (!in.read(length, "a string length"))
      return false;
    if (length > in.remaining())
      return in.fail("a string of " + llvm::Twine(length) +
                     " bytes inside the file");
    uint64_t shown = std::min(length, kMaxShownString);
    if (!in.readBytes(shown, out, "a string"))
      return false;
    if (!in.skip(length - shown, "a string"))
      return false;
    out = printable(out, 256);
    return true;
  }

  /// Skips `count` values of `type` (an array's elements).
  bool skipValues(uint32_t type, uint64_t count, unsigned depth) {
    if (unsigned size = valueSize(type)) {
      if (count > in.remaining() / size)
        return in.fail("an array of " + llvm::Twine(count) + " " +
                       valueTypeName(type) + " inside the file");
      return in.skip(count * size, "array elements");
    }
    if (type == String) {
      if (count > in.remaining() / 8)
        return in.fail("an array of " + llvm::Twine(count) +
                       " strings inside the file");
      for (uint64_t i = 0; i < count; ++i) {
        uint64_t length;
        if (!in.read(length, "a string length") || !in.skip(length, "a string"))
          return false;
      }
      return true;
    }
    if (type == Array) {
      if (depth >= kMaxArrayDepth)
        return in.fail("arrays nested at most " + llvm::Twine(kMaxArrayDepth) +
                       " deep");
      if (count > in.remaining() / 12)
        return in.fail("an array of " + llvm::Twine(count) +
                       " arrays inside the file");
      for (uint64_t i = 0; i < count; ++i) {
        uint32_t inner;
        uint64_t n;
        if (!in.read(inner, "an array's element type") ||
            !in.read(n, "an array's length") ||
            !skipValues(inner, n, depth + 1))
          return false;
      }
      return true;
    }
    return in.fail("a value type 0 to 12, got " + llvm::Twine(type));
  }

  /// One value of `type`, as text.
  bool readValue(uint32_t type, std::string &out, const std::string &key) {
    switch (type) {
    case U8:
    case U16:
    case U32:
    case U64:
    case I8:
    case I16:
    case I32:
    case I64:
    case Bool: {
      unsigned size = valueSize(type);
      uint64_t raw = 0;
      uint8_t bytes[8] = {};
      for (unsigned i = 0; i < size; ++i)
        if (!in.read(bytes[i], "a metadata value"))
          return false;
      std::memcpy(&raw, bytes, 8);
      if (type == Bool) {
        out = raw ? "true" : "false";
      } else if (type == I8 || type == I16 || type == I32 || type == I64) {
        unsigned shift = 64 - 8 * size; // sign-extend
        out = std::to_string(int64_t(raw << shift) >> shift);
      } else {
        out = std::to_string(raw);
      }
      return true;
    }
    case F32: {
      float v;
      if (!in.read(v, "a metadata value"))
        return false;
      out = shortestFloat(v);
      return true;
    }
    case F64: {
      double v;
      if (!in.read(v, "a metadata value"))
        return false;
      out = shortestFloat(v);
      return true;
    }
    case String:
      return readShownString(out);
    case Array: {
      uint32_t inner;
      uint64_t count;
      if (!in.read(inner, "an array's element type") ||
          !in.read(count, "an array's length"))
        return false;
      if (inner == Array)
        archive.warnings.push_back("metadata '" + printable(key, 80) +
                                   "': an array of arrays (llama.cpp refuses "
                                   "them), only summarized");
      if (!skipValues(inner, count, 0))
        return false;
      out = "[" + std::to_string(count) + " x " + valueTypeName(inner) + "]";
      return true;
    }
    default:
      return in.fail("a value type 0 to 12, got " + llvm::Twine(type));
    }
  }

  bool readMetadata(uint64_t count, uint32_t &alignment) {
    llvm::StringMap<uint64_t> seen;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t at = in.offset();
      std::string key, value;
      uint32_t type;
      if (!readString(key, "a metadata key") ||
          !in.read(type, "a metadata value type"))
        return false;
      uint64_t valueAt = in.offset();
      if (key == "general.alignment") {
        if (type != U32)
          return in.failAt(at, "general.alignment of type uint32 (4), got "
                               "type " +
                                   llvm::Twine(type));
        if (!in.read(alignment, "the alignment"))
          return false;
        if (alignment == 0 || (alignment & (alignment - 1)))
          return in.failAt(valueAt, "a power-of-two alignment, got " +
                                        llvm::Twine(alignment));
        value = std::to_string(alignment);
      } else if (!readValue(type, value, key)) {
        return false;
      }
      auto [it, inserted] = seen.try_emplace(key, at);
      if (!inserted)
        archive.warnings.push_back("metadata key '" + printable(key, 80) +
                                   "' at offset " + std::to_string(at) +
                                   " repeats the one at offset " +
                                   std::to_string(it->second));
      archive.metadata.emplace_back(printable(key, 256), std::move(value));
    }
    return true;
  }

  bool readTensorInfo(TensorInfo &t) {
    t.at = in.offset();
    uint32_t numDims, typeId;
    if (!readString(t.name, "a tensor name") ||
        !in.read(numDims, "the tensor's dimension count"))
      return false;
    if (numDims > kMaxRank)
      return in.fail("a tensor of at most " + llvm::Twine(kMaxRank) +
                     " dimensions, got " + llvm::Twine(numDims));
    if (numDims > in.remaining() / 8)
      return in.fail(llvm::Twine(numDims) + " dimensions inside the file");
    t.dims.reserve(numDims);
    for (uint32_t d = 0; d < numDims; ++d) {
      uint64_t dim;
      if (!in.read(dim, "a dimension"))
        return false;
      if (dim > uint64_t(INT64_MAX))
        return in.failAt(in.offset() - 8,
                         "a dimension below 2^63, got " + llvm::Twine(dim));
      t.dims.push_back(int64_t(dim));
    }
    uint64_t typeAt = in.offset();
    if (!in.read(typeId, "the tensor's ggml type"))
      return false;
    t.type = ggmlTypeInfo(typeId);
    if (!t.type)
      return in.failAt(typeAt,
                       "a known ggml type id, got " + llvm::Twine(typeId));
    t.offsetAt = in.offset();
    return in.read(t.offset, "the tensor's data offset");
  }

  bool addEntry(const TensorInfo &t, uint64_t dataStart, uint32_t alignment) {
    const GgmlTypeInfo &type = *t.type;
    // Outermost first, as MLIR spells it; counted in that order, as
    // TensorType::numElements counts it.
    std::vector<int64_t> shape(t.dims.rbegin(), t.dims.rend());
    std::optional<uint64_t> count = elementCount(shape);
    if (!count)
      return in.failAt(t.at, "a shape whose element count fits 64 bits for '" +
                                 printable(t.name, 80) + "'");
    if (type.blockSize > 1 && !t.dims.empty() &&
        t.dims.front() % type.blockSize)
      return in.failAt(t.at, "rows of whole " + llvm::Twine(type.name) +
                                 " blocks (" + llvm::Twine(type.blockSize) +
                                 " elements) for '" + printable(t.name, 80) +
                                 "', got rows of " +
                                 llvm::Twine(t.dims.front()));
    if (*count % type.blockSize)
      return in.failAt(t.at, "whole " + llvm::Twine(type.name) +
                                 " blocks for '" + printable(t.name, 80) + "'");
    uint64_t blocks = *count / type.blockSize;
    if (blocks > UINT64_MAX / type.typeSize)
      return in.failAt(t.at, "a tensor size that fits 64 bits for '" +
                                 printable(t.name, 80) + "'");
    uint64_t bytes = blocks * type.typeSize;
    uint64_t size = in.fileSize();
    if (dataStart > size || !fitsIn(t.offset, bytes, size - dataStart))
      return in.failAt(
          t.offsetAt,
          "the " + llvm::Twine(bytes) + " bytes of '" + printable(t.name, 80) +
              "' (" + type.name + ") inside the tensor data (offset " +
              llvm::Twine(t.offset) + " of " +
              llvm::Twine(dataStart <= size ? size - dataStart : 0) +
              " bytes)");
    if (t.offset % alignment)
      archive.warnings.push_back("tensor '" + printable(t.name, 80) +
                                 "': offset " + std::to_string(t.offset) +
                                 " is not a multiple of the alignment " +
                                 std::to_string(alignment));

    ArchiveEntry e;
    e.key = t.name;
    e.offset = dataStart + t.offset;
    e.size = bytes;
    e.archiveType = type.name;
    e.metadataOffset = t.at;
    if (type.element)
      e.type = makeTensorType(type.element, std::move(shape));
    else
      e.type = makeTensorType("!gguf." + llvm::StringRef(type.name).lower(),
                              std::move(shape));
    archive.entries.push_back(std::move(e));
    return true;
  }

  bool readAll() {
    uint32_t magic, version;
    uint64_t tensorCount, kvCount;
    if (!in.read(magic, "the GGUF magic") || !in.read(version, "the version"))
      return false;
    if (version == 1)
      return in.failAt(4, "GGUF version 2 or 3; version 1 (32-bit counts and "
                          "lengths) is not supported");
    if ((version & 0xffff) == 0)
      return in.failAt(4, "a little-endian GGUF file (this one is "
                          "big-endian)");
    if (version != 2 && version != 3)
      return in.failAt(4, "GGUF version 2 or 3, got " + llvm::Twine(version));
    if (!in.read(tensorCount, "the tensor count") ||
        !in.read(kvCount, "the metadata count"))
      return false;
    // A metadata pair takes at least 13 bytes, a tensor info 24: counts that
    // cannot fit are refused before anything is reserved for them.
    if (kvCount > in.remaining() / 13)
      return in.failAt(16, "a metadata count that fits the file, got " +
                               llvm::Twine(kvCount));
    if (tensorCount > in.remaining() / 24)
      return in.failAt(8, "a tensor count that fits the file, got " +
                              llvm::Twine(tensorCount));
    uint32_t alignment = kDefaultAlignment;
    if (!readMetadata(kvCount, alignment))
      return false;
    if (tensorCount > in.remaining() / 24)
      return in.failAt(8, "a tensor count that fits the file, got " +
                              llvm::Twine(tensorCount));
    // Grown as infos are read (each took 24 bytes or more of the file), not
    // sized from the count.
    std::vector<TensorInfo> infos;
    for (uint64_t i = 0; i < tensorCount; ++i)
      if (!readTensorInfo(infos.emplace_back()))
        return false;
    uint64_t dataStart = (in.offset() + alignment - 1) / alignment * alignment;
    archive.entries.reserve(infos.size());
    for (const TensorInfo &t : infos)
      if (!addEntry(t, dataStart, alignment))
        return false;
    return true;
  }

  ParameterArchive &archive;
  ArchiveCursor in;
};

} // namespace

llvm::Error archive::readGguf(ParameterArchive &archive) {
  return GgufReader(archive).read();
}
