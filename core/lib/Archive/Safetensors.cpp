//===- Safetensors.cpp - Hugging Face .safetensors archives ---------------===//
//
// An 8-byte little-endian header length N, N bytes of UTF-8 JSON, the data:
//
//   {"__metadata__": {"k": "v", ...},
//    "NAME": {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]},
//    ...}
//
// with offsets relative to the end of the header (byte 8 + N), END - BEGIN
// the entry's bytes. The JSON is read by a small strict parser of just this
// subset, not a JSON library: it keeps every key's offset (for messages and
// "go to definition") and the order of the entries, and it refuses what
// Hugging Face's reader refuses (a header over 100 MB, text that is not
// UTF-8, a size that disagrees with dtype and shape). Fields of an entry it
// does not know are skipped; an unknown dtype keeps the entry without a type
// (a warning): the data range is explicit, so only the type is lost.
//
//===----------------------------------------------------------------------===//

#include "ArchiveReader.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/JSON.h"

using namespace mlirscope;
using namespace mlirscope::archive;

namespace {

/// safetensors' own limit (MAX_HEADER_SIZE in safetensors/src/tensor.rs).
constexpr uint64_t kMaxHeaderSize = 100'000'000;
/// How deep an unknown field's value may nest before we stop skipping it.
constexpr unsigned kMaxSkipDepth = 64;

struct DtypeInfo {
  const char *element; ///< MLIR spelling.
  unsigned bits;       ///< Stored bits per element (F4 and F6 are packed).
};

std::optional<DtypeInfo> lookupDtype(llvm::StringRef dtype) {
  return llvm::StringSwitch<std::optional<DtypeInfo>>(dtype)
      .Case("BOOL", DtypeInfo{"i1", 8})
      .Case("F4", DtypeInfo{"f4E2M1FN", 4})
      .Case("F6_E2M3", DtypeInfo{"f6E2M3FN", 6})
      .Case("F6_E3M2", DtypeInfo{"f6E3M2FN", 6})
      .Case("U8", DtypeInfo{"ui8", 8})
      .Case("I8", DtypeInfo{"i8", 8})
      .Case("F8_E5M2", DtypeInfo{"f8E5M2", 8})
      .Case("F8_E4M3", DtypeInfo{"f8E4M3FN", 8})
      .Case("F8_E8M0", DtypeInfo{"f8E8M0FNU", 8})
      .Case("F8_E4M3FNUZ", DtypeInfo{"f8E4M3FNUZ", 8})
      .Case("F8_E5M2FNUZ", DtypeInfo{"f8E5M2FNUZ", 8})
      .Case("I16", DtypeInfo{"i16", 16})
      .Case("U16", DtypeInfo{"ui16", 16})
      .Case("F16", DtypeInfo{"f16", 16})
      .Case("BF16", DtypeInfo{"bf16", 16})
      .Case("I32", DtypeInfo{"i32", 32})
      .Case("U32", DtypeInfo{"ui32", 32})
      .Case("F32", DtypeInfo{"f32", 32})
      .Case("C64", DtypeInfo{"complex<f32>", 64})
      .Case("F64", DtypeInfo{"f64", 64})
      .Case("I64", DtypeInfo{"i64", 64})
      .Case("U64", DtypeInfo{"ui64", 64})
      .Default(std::nullopt);
}

/// The header JSON, parsed in place. Offsets in errors are file offsets.
class HeaderParser {
public:
  HeaderParser(ParameterArchive &archive, llvm::StringRef json,
               uint64_t dataStart)
      : archive(archive), json(json), dataStart(dataStart),
        dataSize(archive.file->size() - dataStart) {}

  llvm::Error parse() {
    if (!parseTop())
      return makeFormatError(archive.file->getName(), errorAt, expected);
    return llvm::Error::success();
  }

private:
  static constexpr uint64_t kHeaderStart = 8;

  bool fail(size_t at, const llvm::Twine &what) {
    errorAt = kHeaderStart + at;
    expected = what.str();
    return false;
  }
  bool fail(const llvm::Twine &what) { return fail(pos, what); }

  void skipSpace() {
    while (pos < json.size() && (json[pos] == ' ' || json[pos] == '\t' ||
                                 json[pos] == '\n' || json[pos] == '\r'))
      ++pos;
  }
  bool peek(char c) {
    skipSpace();
    return pos < json.size() && json[pos] == c;
  }
  bool expect(char c, const char *what) {
    if (!peek(c))
      return fail(what);
    ++pos;
    return true;
  }

  bool parseHex4(unsigned &out) {
    if (json.size() - pos < 4)
      return fail("four hex digits after \\u");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = json[pos++];
      unsigned d = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : 16;
      if (d == 16)
        return fail(pos - 1, "a hex digit after \\u");
      out = out * 16 + d;
    }
    return true;
  }

  bool parseString(std::string &out) {
    skipSpace();
    if (pos >= json.size() || json[pos] != '"')
      return fail("a string");
    ++pos;
    out.clear();
    while (true) {
      if (pos >= json.size())
        return fail("the closing '\"' of a string");
      char c = json[pos];
      if (c == '"') {
        ++pos;
        return true;
      }
      if (uint8_t(c) < 0x20)
        return fail("a control character escaped in a string");
      if (c != '\\') {
        out += c;
        ++pos;
        continue;
      }
      size_t escape = pos++;
      if (pos >= json.size())
        return fail("an escape after '\\'");
      char e = json[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned cp;
        if (!parseHex4(cp))
          return false;
        if (cp >= 0xdc00 && cp <= 0xdfff)
          return fail(escape, "a \\u escape of a character, not a lone low "
                              "surrogate");
        if (cp >= 0xd800 && cp <= 0xdbff) {
          unsigned low;
          if (json.substr(pos, 2) != "\\u")
            return fail(escape, "a low surrogate after a high one");
          pos += 2;
          if (!parseHex4(low))
            return false;
          if (low < 0xdc00 || low > 0xdfff)
            return fail(escape, "a low surrogate after a high one");
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
        char utf8[4];
        char *end = utf8;
        llvm::ConvertCodePointToUTF8(cp, end);
        out.append(utf8, end);
        break;
      }
      default:
        return fail(escape, "an escape of \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
                            "or \\u");
      }
    }
  }

  /// A non-negative integer without sign, fraction or exponent.
  bool parseUInt(uint64_t &out, const char *what) {
    skipSpace();
    size_t start = pos;
    if (pos >= json.size() || !llvm::isDigit(json[pos]))
      return fail(llvm::Twine(what) + ": a non-negative integer");
    if (json[pos] == '0' && pos + 1 < json.size() &&
        llvm::isDigit(json[pos + 1]))
      return fail(llvm::Twine(what) + ": an integer without leading zeros");
    out = 0;
    while (pos < json.size() && llvm::isDigit(json[pos])) {
      unsigned d = json[pos] - '0';
      if (out > (UINT64_MAX - d) / 10)
        return fail(start, llvm::Twine(what) + ": an integer below 2^64");
      out = out * 10 + d;
      ++pos;
    }
    if (pos < json.size() &&
        (json[pos] == '.' || json[pos] == 'e' || json[pos] == 'E'))
      return fail(start, llvm::Twine(what) + ": an integer");
    return true;
  }

  /// [a, b, ...] of non-negative integers.
  bool parseUIntArray(std::vector<uint64_t> &out, const char *what) {
    out.clear();
    if (!expect('[', what))
      return false;
    if (peek(']')) {
      ++pos;
      return true;
    }
    while (true) {
      uint64_t v;
      if (!parseUInt(v, what))
        return false;
      out.push_back(v);
      if (peek(',')) {
        ++pos;
        continue;
      }
      return expect(']', "',' or ']' in an array");
    }
  }

  /// Any JSON value, for fields we do not read.
  bool skipValue(unsigned depth) {
    if (depth > kMaxSkipDepth)
      return fail("a value nested at most 64 deep");
    skipSpace();
    if (pos >= json.size())
      return fail("a value");
    char c = json[pos];
    if (c == '"') {
      std::string ignored;
      return parseString(ignored);
    }
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++pos;
      if (peek(close)) {
        ++pos;
        return true;
      }
      while (true) {
        if (c == '{') {
          std::string ignored;
          if (!parseString(ignored) || !expect(':', "':' after a key"))
            return false;
        }
        if (!skipValue(depth + 1))
          return false;
        if (peek(',')) {
          ++pos;
          continue;
        }
        return expect(close, c == '{' ? "',' or '}' in an object"
                                      : "',' or ']' in an array");
      }
    }
    for (llvm::StringRef word : {"true", "false", "null"})
      if (json.substr(pos).starts_with(word)) {
        pos += word.size();
        return true;
      }
    // A number: -?int(.digits)?([eE][+-]?digits)?
    size_t start = pos;
    if (json[pos] == '-')
      ++pos;
    auto digits = [&] {
      size_t from = pos;
      while (pos < json.size() && llvm::isDigit(json[pos]))
        ++pos;
      return pos > from;
    };
    if (!digits())
      return fail(start, "a JSON value");
    if (pos < json.size() && json[pos] == '.') {
      ++pos;
      if (!digits())
        return fail("digits after '.'");
    }
    if (pos < json.size() && (json[pos] == 'e' || json[pos] == 'E')) {
      ++pos;
      if (pos < json.size() && (json[pos] == '+' || json[pos] == '-'))
        ++pos;
      if (!digits())
        return fail("digits in an exponent");
    }
    return true;
  }

  bool parseMetadata() {
    if (!expect('{', "an object of strings for \"__metadata__\""))
      return false;
    if (peek('}')) {
      ++pos;
      return true;
    }
    while (true) {
      std::string key, value;
      if (!parseString(key) || !expect(':', "':' after a key"))
        return false;
      skipSpace();
      if (!peek('"'))
        return fail("a string value in \"__metadata__\"");
      if (!parseString(value))
        return false;
      archive.metadata.emplace_back(std::move(key), std::move(value));
      if (peek(',')) {
        ++pos;
        continue;
      }
      return expect('}', "',' or '}' in \"__metadata__\"");
    }
  }

  bool parseEntry(std::string key, size_t keyAt) {
    ArchiveEntry e;
    e.key = std::move(key);
    e.metadataOffset = kHeaderStart + keyAt;
    size_t objectAt = (skipSpace(), pos);
    if (!expect('{', "an object describing the tensor"))
      return false;
    std::optional<std::string> dtype;
    std::optional<std::vector<uint64_t>> shape, offsets;
    size_t offsetsAt = pos;
    if (peek('}')) {
      ++pos;
    } else {
      while (true) {
        std::string field;
        size_t fieldAt = (skipSpace(), pos);
        if (!parseString(field) || !expect(':', "':' after a key"))
          return false;
        auto once = [&](bool present) {
          return present ? fail(fieldAt, "\"" + field + "\" only once") : true;
        };
        if (field == "dtype") {
          if (!once(dtype.has_value()))
            return false;
          dtype.emplace();
          if (!parseString(*dtype))
            return false;
        } else if (field == "shape") {
          if (!once(shape.has_value()))
            return false;
          shape.emplace();
          if (!parseUIntArray(*shape, "a shape"))
            return false;
        } else if (field == "data_offsets") {
          if (!once(offsets.has_value()))
            return false;
          offsets.emplace();
          offsetsAt = (skipSpace(), pos);
          if (!parseUIntArray(*offsets, "data offsets"))
            return false;
        } else if (!skipValue(0)) {
          return false;
        }
        if (peek(',')) {
          ++pos;
          continue;
        }
        if (!expect('}', "',' or '}' in a tensor's object"))
          return false;
        break;
      }
    }
    if (!dtype || !shape || !offsets)
      return fail(objectAt, llvm::Twine("\"") +
                                (!dtype   ? "dtype"
                                 : !shape ? "shape"
                                          : "data_offsets") +
                                "\" in the object of '" + printable(e.key, 80) +
                                "'");
    if (offsets->size() != 2)
      return fail(offsetsAt, "data offsets [BEGIN, END], got " +
                                 llvm::Twine(offsets->size()) + " numbers");
    uint64_t begin = (*offsets)[0], end = (*offsets)[1];
    if (begin > end)
      return fail(offsetsAt, "data offsets with BEGIN <= END, got [" +
                                 llvm::Twine(begin) + ", " + llvm::Twine(end) +
                                 "]");
    if (end > dataSize)
      return fail(offsetsAt,
                  "data offsets within the " + llvm::Twine(dataSize) +
                      " bytes after the header, got [" + llvm::Twine(begin) +
                      ", " + llvm::Twine(end) + "]");
    e.offset = dataStart + begin;
    e.size = end - begin;
    e.archiveType = *dtype;

    if (shape->size() > kMaxRank)
      return fail(objectAt, "a shape of at most " + llvm::Twine(kMaxRank) +
                                " dimensions for '" + printable(e.key, 80) +
                                "', got " + llvm::Twine(shape->size()));
    std::vector<int64_t> dims;
    for (uint64_t d : *shape) {
      if (d > uint64_t(INT64_MAX))
        return fail(objectAt, "dimensions below 2^63 in the shape of '" +
                                  printable(e.key, 80) + "'");
      dims.push_back(int64_t(d));
    }
    std::optional<DtypeInfo> info = lookupDtype(*dtype);
    if (!info) {
      archive.warnings.push_back("entry '" + printable(e.key, 80) +
                                 "': unknown dtype '" + printable(*dtype, 40) +
                                 "', listed without a type");
      archive.entries.push_back(std::move(e));
      return true;
    }
    std::optional<uint64_t> count = elementCount(dims);
    if (!count || *count > UINT64_MAX / info->bits)
      return fail(objectAt, "a shape whose size fits 64 bits for '" +
                                printable(e.key, 80) + "'");
    uint64_t bits = *count * info->bits;
    if (bits % 8 || bits / 8 != e.size) {
      std::string need = bits % 8 ? std::to_string(bits) + " bits"
                                  : std::to_string(bits / 8) + " bytes";
      return fail(offsetsAt, "data offsets spanning the " + need + " of " +
                                 *dtype + " " + formatShape(dims) + ", got " +
                                 std::to_string(e.size) + " bytes");
    }
    e.type = makeTensorType(info->element, std::move(dims));
    archive.entries.push_back(std::move(e));
    return true;
  }

  static std::string formatShape(llvm::ArrayRef<int64_t> dims) {
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i)
      s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
  }

  bool parseTop() {
    if (!expect('{', "'{' opening the header"))
      return false;
    bool sawMetadata = false;
    if (peek('}')) {
      ++pos;
    } else {
      while (true) {
        std::string key;
        size_t keyAt = (skipSpace(), pos);
        if (!parseString(key) || !expect(':', "':' after a key"))
          return false;
        if (key == "__metadata__") {
          if (sawMetadata)
            return fail(keyAt, "\"__metadata__\" only once");
          sawMetadata = true;
          if (!parseMetadata())
            return false;
        } else if (!parseEntry(std::move(key), keyAt)) {
          return false;
        }
        if (peek(',')) {
          ++pos;
          continue;
        }
        if (!expect('}', "',' or '}' in the header"))
          return false;
        break;
      }
    }
    skipSpace();
    if (pos != json.size())
      return fail("only spaces after the header's object");
    return true;
  }

  ParameterArchive &archive;
  llvm::StringRef json;
  size_t pos = 0;
  uint64_t dataStart, dataSize;
  uint64_t errorAt = 0;
  std::string expected;
};

} // namespace

llvm::Error archive::readSafetensors(ParameterArchive &archive) {
  const ByteSource &file = *archive.file;
  ArchiveCursor in(file);
  uint64_t length;
  if (!in.read(length, "the header length"))
    return in.takeError();
  if (length > kMaxHeaderSize)
    return makeFormatError(file.getName(), 0,
                           "a header of at most 100000000 bytes (safetensors' "
                           "limit), got " +
                               llvm::Twine(length));
  if (length > file.size() - 8)
    return makeFormatError(file.getName(), 0,
                           "a header of " + llvm::Twine(length) +
                               " bytes inside the file, but only " +
                               llvm::Twine(file.size() - 8) +
                               " bytes follow the length");
  auto span = file.read(8, length);
  if (!span)
    return span.takeError();
  llvm::StringRef json(reinterpret_cast<const char *>(span->begin()),
                       span->size());
  size_t bad = 0;
  if (!llvm::json::isUTF8(json, &bad))
    return makeFormatError(file.getName(), 8 + bad, "a UTF-8 header");
  return HeaderParser(archive, json, 8 + length).parse();
}
