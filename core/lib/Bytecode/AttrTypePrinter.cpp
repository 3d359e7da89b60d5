//===- AttrTypePrinter.cpp - Bytecode attributes and types as text --------===//
//
// Prints decoded entries the way MLIR's AsmPrinter prints them (generic
// attribute and type syntax, `loc(...)` bodies), so what mlirscope shows of a
// bytecode file matches `mlir-opt --mlir-print-op-generic
// --mlir-print-debuginfo --mlir-print-local-scope` of it. Dense elements are
// the exception: only small ones print in full, larger ones as their first
// values and a count (the values are IR bytes, but can be megabytes).
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Bytecode/AttrTypeReader.h"
#include "mlirscope/Bytecode/BuiltinBytecode.h"
#include "mlirscope/Bytecode/VhloBytecode.h"

#include "mlirscope/Model/TypeText.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace mlirscope;
using namespace mlirscope::builtin_encoding;

namespace {

/// Elements of dense attributes printed before "..." in a summary.
constexpr uint64_t kMaxDenseElements = 16;

std::string quoted(llvm::StringRef s) {
  std::string out = "\"";
  llvm::raw_string_ostream os(out);
  llvm::printEscapedString(s, os);
  os << '"';
  return out;
}

bool isBareIdentifier(llvm::StringRef s) {
  if (s.empty() || !(std::isalpha((unsigned char)s[0]) || s[0] == '_'))
    return false;
  for (char c : s)
    if (!(std::isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.'))
      return false;
  return true;
}

std::string symbolRef(llvm::StringRef s) {
  return "@" + (isBareIdentifier(s) ? s.str() : quoted(s));
}

const llvm::fltSemantics *semanticsOf(const ElementType &t) {
  llvm::StringRef n = t.name;
  if (n == "f16")
    return &llvm::APFloat::IEEEhalf();
  if (n == "bf16")
    return &llvm::APFloat::BFloat();
  if (n == "f32")
    return &llvm::APFloat::IEEEsingle();
  if (n == "f64")
    return &llvm::APFloat::IEEEdouble();
  if (n == "f80")
    return &llvm::APFloat::x87DoubleExtended();
  if (n == "f128")
    return &llvm::APFloat::IEEEquad();
  if (n == "tf32")
    return &llvm::APFloat::FloatTF32();
  if (n == "f8E5M2")
    return &llvm::APFloat::Float8E5M2();
  if (n == "f8E4M3")
    return &llvm::APFloat::Float8E4M3();
  if (n == "f8E4M3FN")
    return &llvm::APFloat::Float8E4M3FN();
  if (n == "f8E5M2FNUZ")
    return &llvm::APFloat::Float8E5M2FNUZ();
  if (n == "f8E4M3FNUZ")
    return &llvm::APFloat::Float8E4M3FNUZ();
  if (n == "f8E4M3B11FNUZ")
    return &llvm::APFloat::Float8E4M3B11FNUZ();
  if (n == "f8E3M4")
    return &llvm::APFloat::Float8E3M4();
  if (n == "f8E8M0FNU")
    return &llvm::APFloat::Float8E8M0FNU();
  if (n == "f4E2M1FN")
    return &llvm::APFloat::Float4E2M1FN();
  if (n == "f6E2M3FN")
    return &llvm::APFloat::Float6E2M3FN();
  if (n == "f6E3M2FN")
    return &llvm::APFloat::Float6E3M2FN();
  return nullptr;
}

/// MLIR's printFloatValue: exponential notation when it reads back exactly,
/// APFloat's shortest form when that has a '.', else the bits in hex.
std::string floatText(const llvm::APFloat &v) {
  llvm::SmallString<128> s;
  if (!v.isInfinity() && !v.isNaN()) {
    v.toString(s, /*FormatPrecision=*/6, /*FormatMaxPadding=*/0,
               /*TruncateZero=*/false);
    llvm::APFloat back(v.getSemantics());
    auto status =
        back.convertFromString(s, llvm::APFloat::rmNearestTiesToEven);
    if (status && back.bitwiseIsEqual(v))
      return std::string(s);
    s.clear();
    v.toString(s);
    if (llvm::StringRef(s).contains('.'))
      return std::string(s);
  }
  llvm::APInt bits = v.bitcastToAPInt();
  llvm::SmallString<32> hex;
  bits.toString(hex, 16, /*Signed=*/false, /*formatAsCLiteral=*/false,
                /*UpperCase=*/true);
  return "0x" + std::string(hex);
}

std::string intText(const llvm::APInt &v, bool isSigned) {
  llvm::SmallString<32> s;
  v.toString(s, 10, isSigned);
  return std::string(s);
}

bool isSignedInt(const ElementType &t) {
  return t.kind == ElementType::Kind::Index ||
         t.signedness != ElementType::Signedness::Unsigned;
}

/// Reads `n` bytes little-endian into an APInt of `width` bits. Built in
/// whole bytes first: an i2 or f4 element is stored in a byte, and an APInt
/// cannot be shifted by more than its width.
llvm::APInt littleEndian(const uint8_t *p, uint64_t n, unsigned width) {
  unsigned bits = std::max<unsigned>(unsigned(n) * 8, std::max(width, 1u));
  llvm::APInt v(bits, 0);
  for (uint64_t i = n; i-- > 0;) {
    v <<= 8;
    v |= llvm::APInt(bits, p[i]);
  }
  return v.trunc(std::max(width, 1u));
}

} // namespace

std::string AttrTypeReader::opaque(const AttrTypeEntry &e, char sigil) const {
  std::string dialect =
      e.dialect < dialects.size() ? dialects[e.dialect] : std::string("?");
  return std::string(1, sigil) + dialect + "<opaque, " +
         std::to_string(e.end - e.begin) + " bytes>";
}

std::optional<llvm::APInt> AttrTypeReader::readAPIntBits(ByteCursor &in,
                                                         unsigned width) {
  // DialectWriter::writeAPIntWithKnownWidth: a byte up to 8 bits, a signed
  // varint of the zero-extended value up to 64, else 64-bit words.
  if (width <= 8) {
    uint8_t b;
    if (!in.readByte(b))
      return std::nullopt;
    return llvm::APInt(std::max(width, 1u), b, /*isSigned=*/false,
                       /*implicitTrunc=*/true);
  }
  if (width <= 64) {
    int64_t s;
    if (!in.readSignedVarInt(s))
      return std::nullopt;
    return llvm::APInt(width, uint64_t(s), /*isSigned=*/false,
                       /*implicitTrunc=*/true);
  }
  uint64_t numWords;
  if (!in.readVarInt(numWords) || numWords > (width + 63) / 64)
    return std::nullopt;
  llvm::SmallVector<uint64_t, 4> words;
  for (uint64_t i = 0; i < numWords; ++i) {
    int64_t w;
    if (!in.readSignedVarInt(w))
      return std::nullopt;
    words.push_back(uint64_t(w));
  }
  return llvm::APInt(width, words);
}

std::optional<std::string> AttrTypeReader::readAPInt(ByteCursor &in,
                                                     unsigned width,
                                                     bool isSigned) {
  std::optional<llvm::APInt> v = readAPIntBits(in, width);
  return v ? std::optional<std::string>(intText(*v, isSigned)) : std::nullopt;
}

std::optional<std::string>
AttrTypeReader::readAPFloat(ByteCursor &in, const ElementType &type) {
  // An APFloat is written as the APInt of its bits.
  const llvm::fltSemantics *sem = semanticsOf(type);
  if (!sem)
    return std::nullopt;
  std::optional<llvm::APInt> bits =
      readAPIntBits(in, llvm::APFloat::getSizeInBits(*sem));
  if (!bits)
    return std::nullopt;
  return floatText(llvm::APFloat(*sem, *bits));
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

bool AttrTypeReader::spend(unsigned depth) {
  // Each top-level request may print this many entries: a hostile file can
  // make a DAG whose every entry names the next one twice, 2^depth prints.
  if (depth == 0)
    printBudget = kPrintBudget;
  if (printBudget == 0)
    return false;
  --printBudget;
  return true;
}

std::string AttrTypeReader::typeText(uint64_t idx, unsigned depth) {
  if (idx >= types.size())
    return "<type " + std::to_string(idx) + ">";
  return entryText(types[idx], '!', depth,
                   [&](ByteCursor &in, uint64_t code) -> std::string {
                     if (types[idx].dialect == builtinDialect)
                       return builtinTypeText(in, code, depth);
                     if (types[idx].dialect == vhloDialect)
                       return vhloTypeText(in, code, depth);
                     return "";
                   });
}

std::string AttrTypeReader::entryText(
    const AttrTypeEntry &e, char sigil, unsigned depth,
    llvm::function_ref<std::string(ByteCursor &, uint64_t)> decode) {
  if (depth > kMaxAttrTypeDepth || !spend(depth))
    return "...";
  ByteCursor in = cursorFor(e);
  // An entry the dialect wrote as text, or could not: its assembly.
  if (!e.custom) {
    llvm::StringRef text;
    return in.readCString(text) ? text.str() : opaque(e, sigil);
  }
  uint64_t code;
  std::string s = in.readVarInt(code) ? decode(in, code) : "";
  return s.empty() ? opaque(e, sigil) : s;
}

std::optional<std::vector<std::string>>
AttrTypeReader::typeList(ByteCursor &in, unsigned depth) {
  uint64_t n;
  if (!in.readVarInt(n) || n > in.remaining())
    return std::nullopt;
  std::vector<std::string> out;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t t;
    if (!in.readVarInt(t))
      return std::nullopt;
    out.push_back(typeText(t, depth + 1));
  }
  return out;
}

std::string AttrTypeReader::functionText(ByteCursor &in, unsigned depth) {
  // Builtin and VHLO function types alike: the inputs, then the results.
  auto ins = typeList(in, depth);
  auto outs = ins ? typeList(in, depth) : std::nullopt;
  if (!outs)
    return "";
  std::string s = "(" + llvm::join(*ins, ", ") + ") -> ";
  // One result prints bare unless it is itself a function type.
  if (outs->size() == 1 && !llvm::StringRef((*outs)[0]).starts_with("("))
    return s + (*outs)[0];
  return s + "(" + llvm::join(*outs, ", ") + ")";
}

std::string AttrTypeReader::builtinTypeText(ByteCursor &in, uint64_t code,
                                            unsigned depth) {
  auto dims = [&](std::vector<int64_t> &shape) {
    uint64_t rank;
    if (!in.readVarInt(rank) || rank > in.remaining())
      return false;
    for (uint64_t i = 0; i < rank; ++i) {
      int64_t d;
      if (!in.readSignedVarInt(d))
        return false;
      shape.push_back(d);
    }
    return true;
  };
  auto shaped = [&](const char *kind, const std::vector<int64_t> &shape,
                    uint64_t elt, llvm::StringRef suffix) {
    std::string s = formatTensorType(kind, true, shape,
                                     typeText(elt, depth + 1));
    if (!suffix.empty())
      s.insert(s.size() - 1, (", " + suffix).str());
    return s;
  };
  // An identity layout (`affine_map<(d0, d1) -> (d0, d1)>`) is not printed.
  auto layoutText = [&](uint64_t attr) -> std::string {
    std::string t = attrText(attr, depth + 1);
    llvm::StringRef r(t);
    if (r.consume_front("affine_map<(") && r.consume_back(")>")) {
      auto [dimsPart, results] = r.split(") -> (");
      if (dimsPart == results)
        return "";
    }
    return t;
  };
  std::vector<int64_t> shape;
  uint64_t a, b;
  switch (code) {
  case kIntegerType: {
    uint64_t ws;
    if (!in.readVarInt(ws) || (ws & 3) == 3)
      return "";
    static const char *prefix[] = {"i", "si", "ui"};
    return prefix[ws & 3] + std::to_string(ws >> 2);
  }
  case kIndexType:
    return "index";
  case kFunctionType:
    return functionText(in, depth);
  case kBFloat16Type:
    return "bf16";
  case kFloat16Type:
    return "f16";
  case kFloat32Type:
    return "f32";
  case kFloat64Type:
    return "f64";
  case kFloat80Type:
    return "f80";
  case kFloat128Type:
    return "f128";
  case kComplexType:
    return in.readVarInt(a) ? "complex<" + typeText(a, depth + 1) + ">" : "";
  case kMemRefType:
    if (!dims(shape) || !in.readVarInt(a) || !in.readVarInt(b))
      return "";
    return shaped("memref", shape, a, layoutText(b));
  case kMemRefTypeWithMemSpace: {
    uint64_t space;
    if (!in.readVarInt(space) || !dims(shape) || !in.readVarInt(a) ||
        !in.readVarInt(b))
      return "";
    std::string layout = layoutText(b);
    std::string suffix = layout.empty() ? "" : layout + ", ";
    return shaped("memref", shape, a,
                  suffix + attrText(space, depth + 1, /*mayElideType=*/true));
  }
  case kNoneType:
    return "none";
  case kRankedTensorType:
    if (!dims(shape) || !in.readVarInt(a))
      return "";
    return shaped("tensor", shape, a, "");
  case kRankedTensorTypeWithEncoding: {
    uint64_t encoding;
    if (!in.readVarInt(encoding) || !dims(shape) || !in.readVarInt(a))
      return "";
    return shaped("tensor", shape, a, attrText(encoding, depth + 1));
  }
  case kTupleType: {
    auto elts = typeList(in, depth);
    return elts ? "tuple<" + llvm::join(*elts, ", ") + ">" : "";
  }
  case kUnrankedMemRefType:
    return in.readVarInt(a) ? "memref<*x" + typeText(a, depth + 1) + ">" : "";
  case kUnrankedMemRefTypeWithMemSpace: {
    uint64_t space;
    if (!in.readVarInt(space) || !in.readVarInt(a))
      return "";
    return "memref<*x" + typeText(a, depth + 1) + ", " +
           attrText(space, depth + 1, /*mayElideType=*/true) + ">";
  }
  case kUnrankedTensorType:
    return in.readVarInt(a) ? "tensor<*x" + typeText(a, depth + 1) + ">" : "";
  case kVectorType:
    if (!dims(shape) || !in.readVarInt(a))
      return "";
    return shaped("vector", shape, a, "");
  case kVectorTypeWithScalableDims: {
    uint64_t n;
    if (!in.readVarInt(n) || n > in.remaining())
      return "";
    std::vector<bool> scalable;
    for (uint64_t i = 0; i < n; ++i) {
      uint8_t flag;
      if (!in.readByte(flag))
        return "";
      scalable.push_back(flag != 0);
    }
    if (!dims(shape) || !in.readVarInt(a))
      return "";
    std::string s = "vector<";
    for (size_t i = 0; i < shape.size(); ++i) {
      bool sc = i < scalable.size() && scalable[i];
      s += (sc ? "[" : "") + std::to_string(shape[i]) + (sc ? "]" : "") + "x";
    }
    return s + typeText(a, depth + 1) + ">";
  }
  default:
    return "";
  }
}

std::string AttrTypeReader::vhloTypeText(ByteCursor &in, uint64_t code,
                                         unsigned depth) {
  if (auto elt = vhlo::elementTypeForCode(code))
    return elt->name;
  uint64_t a;
  switch (code) {
  case vhlo::kComplexV1Type:
    return in.readVarInt(a) ? "complex<" + typeText(a, depth + 1) + ">" : "";
  case vhlo::kFunctionV1Type:
    return functionText(in, depth);
  case vhlo::kRankedTensorV1Type:
  case vhlo::kRankedTensorV1TypeWithEncoding: {
    uint64_t encoding = 0;
    if (code == vhlo::kRankedTensorV1TypeWithEncoding &&
        !in.readVarInt(encoding))
      return "";
    std::optional<DecodedType> t = readShapedType(in, "tensor", true, depth);
    if (!t)
      return "";
    std::string s = t->tensor.text;
    if (code == vhlo::kRankedTensorV1TypeWithEncoding)
      s.insert(s.size() - 1, ", " + attrText(encoding, depth + 1));
    return s;
  }
  case vhlo::kUnrankedTensorV1Type:
    return in.readVarInt(a) ? "tensor<*x" + typeText(a, depth + 1) + ">" : "";
  case vhlo::kTokenV1Type:
    return "!stablehlo.token";
  case 26: // WitnessV1
    return "!shape.witness";
  case 33: // NoneV1
    return "none";
  case vhlo::kTupleV1Type: {
    auto elts = typeList(in, depth);
    return elts ? "tuple<" + llvm::join(*elts, ", ") + ">" : "";
  }
  default:
    return "";
  }
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

std::string AttrTypeReader::attrText(uint64_t idx, unsigned depth,
                                     bool mayElideType) {
  if (idx >= attrs.size())
    return "<attr " + std::to_string(idx) + ">";
  return entryText(attrs[idx], '#', depth,
                   [&](ByteCursor &in, uint64_t code) -> std::string {
                     if (attrs[idx].dialect == builtinDialect)
                       return builtinAttrText(in, code, idx, depth,
                                              mayElideType);
                     if (attrs[idx].dialect == vhloDialect)
                       return vhloAttrText(in, code, depth);
                     return "";
                   });
}

std::string AttrTypeReader::arrayText(ByteCursor &in, unsigned depth,
                                      bool mayElideType) {
  auto elts = indexList(in);
  if (!elts)
    return "";
  std::vector<std::string> parts;
  for (uint64_t x : *elts)
    parts.push_back(attrText(x, depth + 1, mayElideType));
  return "[" + llvm::join(parts, ", ") + "]";
}

std::string AttrTypeReader::dictionaryText(ByteCursor &in, unsigned depth,
                                           bool builtin) {
  // Builtin dictionaries name entries with StringAttrs and print a unit
  // value as the bare name; VHLO's keys are attributes of any kind.
  uint64_t n, a, b;
  if (!in.readVarInt(n) || n > in.remaining())
    return "";
  std::vector<std::string> parts;
  for (uint64_t i = 0; i < n; ++i) {
    if (!in.readVarInt(a) || !in.readVarInt(b))
      return "";
    auto name = stringAttr(a);
    if (!name && builtin)
      return "";
    std::string key = !name                    ? attrText(a, depth + 1)
                      : isBareIdentifier(*name) ? name->str()
                                                : quoted(*name);
    std::string value = attrText(b, depth + 1);
    parts.push_back(builtin && value == "unit" ? key : key + " = " + value);
  }
  return "{" + llvm::join(parts, ", ") + "}";
}

std::string AttrTypeReader::numberText(ByteCursor &in, unsigned depth,
                                       bool isFloat, bool mayElideType,
                                       bool boolKeywords) {
  // Builtin IntegerAttr/FloatAttr and VHLO's copies: a type, then the value
  // at that type's width.
  uint64_t typeIdx;
  if (!in.readVarInt(typeIdx))
    return "";
  const DecodedType *t = decodeType(typeIdx, depth + 1);
  if (!t || t->shaped)
    return "";
  const ElementType &elt = t->element;
  std::optional<std::string> v;
  if (isFloat) {
    v = readAPFloat(in, elt);
    // An f64 may go without its type (not when printed as hex bits).
    if (v && mayElideType && elt.name == "f64" &&
        !llvm::StringRef(*v).starts_with("0x"))
      return *v;
  } else {
    unsigned width = elt.kind == ElementType::Kind::Index ? 64 : elt.width;
    v = readAPInt(in, width, isSignedInt(elt));
    // i1 prints as a keyword, and without its type.
    if (v && boolKeywords && elt.kind == ElementType::Kind::Integer &&
        width == 1 && elt.signedness == ElementType::Signedness::Signless)
      return *v == "0" ? "false" : "true";
    if (v && mayElideType && elt.name == "i64")
      return *v;
  }
  return v ? *v + " : " + typeText(typeIdx, depth + 1) : "";
}

std::optional<std::vector<uint64_t>> AttrTypeReader::indexList(ByteCursor &in) {
  uint64_t n;
  if (!in.readVarInt(n) || n > in.remaining())
    return std::nullopt;
  std::vector<uint64_t> out(n);
  for (uint64_t &v : out)
    if (!in.readVarInt(v))
      return std::nullopt;
  return out;
}

std::string AttrTypeReader::elementsText(const DecodedType &type,
                                         const uint8_t *data, uint64_t size,
                                         bool packedBools) {
  const TensorType &t = type.tensor;
  const ElementType &elt = t.element;
  std::optional<uint64_t> n = t.numElements();
  uint64_t bits = elt.storageBits();
  if (!n || !bits)
    return "";
  bool isBool = elt.kind == ElementType::Kind::Integer && elt.width == 1;
  uint64_t eltBytes = bits / 8;
  // A splat stores one element. i1 data may be bit-packed: as MLIR's
  // DenseElementsAttr::isValidRawBuffer reads it, one byte 0x00 or 0xFF is a
  // splat, a byte per element is unpacked, anything else packed bits.
  bool splat, packed = false;
  if (isBool && packedBools) {
    splat = *n > 1 && size == 1 && (data[0] == 0 || data[0] == 0xFF);
    packed = !splat && size != *n;
    if (packed && (*n + 7) / 8 > size)
      return "";
  } else {
    splat = *n > 1 && size == eltBytes;
  }
  uint64_t stored = splat ? 1 : *n;
  if (!packed && stored * eltBytes > size)
    return "";
  auto element = [&](uint64_t i) -> std::string {
    if (isBool) {
      bool v = packed ? (data[i / 8] >> (i % 8)) & 1 : data[i] != 0;
      return v ? "true" : "false";
    }
    const uint8_t *p = data + i * eltBytes;
    if (elt.kind == ElementType::Kind::Float) {
      const llvm::fltSemantics *sem = semanticsOf(elt);
      if (!sem)
        return "?";
      unsigned w = llvm::APFloat::getSizeInBits(*sem);
      return floatText(llvm::APFloat(*sem, littleEndian(p, eltBytes, w)));
    }
    if (elt.kind == ElementType::Kind::Complex) {
      // Complex elements print as (re,im); the parts are ints or floats.
      return "(...)";
    }
    return intText(littleEndian(p, eltBytes, elt.width), isSignedInt(elt));
  };
  if (splat || *n == 1)
    return element(0);
  if (*n <= kMaxDenseElements) {
    // MLIR nests brackets by dimension.
    std::string s;
    std::vector<int64_t> dims = t.shape;
    std::function<void(size_t, uint64_t &)> print = [&](size_t dim,
                                                        uint64_t &next) {
      s += "[";
      for (int64_t i = 0; i < dims[dim]; ++i) {
        if (i)
          s += ", ";
        if (dim + 1 == dims.size())
          s += element(next++);
        else
          print(dim + 1, next);
      }
      s += "]";
    };
    uint64_t next = 0;
    print(0, next);
    return s;
  }
  std::string s = "[";
  for (uint64_t i = 0; i < 4; ++i)
    s += element(i) + ", ";
  return s + "... " + std::to_string(*n) + " elements]";
}

std::string AttrTypeReader::builtinAttrText(ByteCursor &in, uint64_t code,
                                            uint64_t idx, unsigned depth,
                                            bool mayElideType) {
  uint64_t a, b;
  switch (code) {
  case kArrayAttr:
    // Elements of an array print without an i64 or f64 type, as MLIR's
    // AttrTypeElision::May has it.
    return arrayText(in, depth, /*mayElideType=*/true);
  case kDictionaryAttr:
    return dictionaryText(in, depth, /*builtin=*/true);
  case kStringAttr:
    if (!in.readVarInt(a) || a >= strings.size())
      return "";
    return quoted(strings[a]);
  case kStringAttrWithType:
    if (!in.readVarInt(a) || a >= strings.size() || !in.readVarInt(b))
      return "";
    return quoted(strings[a]) + " : " + typeText(b, depth + 1);
  case kFlatSymbolRefAttr: {
    auto root = in.readVarInt(a) ? stringAttr(a) : std::nullopt;
    return root ? symbolRef(*root) : "";
  }
  case kSymbolRefAttr: {
    auto root = in.readVarInt(a) ? stringAttr(a) : std::nullopt;
    auto nested = root ? indexList(in) : std::nullopt;
    if (!nested)
      return "";
    std::string s = symbolRef(*root);
    for (uint64_t x : *nested)
      s += "::" + attrText(x, depth + 1);
    return s;
  }
  case kTypeAttr:
    return in.readVarInt(a) ? typeText(a, depth + 1) : "";
  case kUnitAttr:
    return "unit";
  case kIntegerAttr:
    return numberText(in, depth, /*isFloat=*/false, mayElideType,
                      /*boolKeywords=*/true);
  case kFloatAttr:
    return numberText(in, depth, /*isFloat=*/true, mayElideType, false);
  case kCallSiteLoc:
  case kFileLineColLoc:
  case kFusedLoc:
  case kFusedLocWithMetadata:
  case kNameLoc:
  case kUnknownLoc:
  case kFileLineColRange:
  {
    // A location used as an attribute (fused metadata, say). The depth goes
    // on: a location may hold attributes that hold locations.
    DecodedLocation loc;
    locationInto(idx, loc, depth + 1);
    return "loc(" + loc.text + ")";
  }
  case kDenseResourceElementsAttr: {
    if (!in.readVarInt(a) || !in.readVarInt(b))
      return "";
    std::string key = b < resourceKeys.size()
                          ? resourceKeys[b]
                          : "<handle " + std::to_string(b) + ">";
    std::string k = isBareIdentifier(key) ? key : quoted(key);
    return "dense_resource<" + k + "> : " + typeText(a, depth + 1);
  }
  case kDenseArrayAttr: {
    uint64_t size, blobSize;
    if (!in.readVarInt(a) || !in.readVarInt(size) || !in.readVarInt(blobSize) ||
        blobSize > in.remaining())
      return "";
    const DecodedType *t = decodeType(a, depth + 1);
    std::string elt = typeText(a, depth + 1);
    if (!t || t->shaped || !size)
      return "array<" + elt + ">";
    DecodedType vec;
    vec.shaped = true;
    vec.tensor.ranked = true;
    vec.tensor.shape = {int64_t(size)};
    vec.tensor.element = t->element;
    vec.element = t->element;
    std::string values = elementsText(vec, in.ptr(), blobSize,
                                      /*packedBools=*/false);
    if (values.empty())
      return "";
    // `array<i64: 1, 2>` lists values without the brackets.
    if (values.front() == '[')
      values = values.substr(1, values.size() - 2);
    return "array<" + elt + ": " + values + ">";
  }
  case kDenseIntOrFPElementsAttr: {
    uint64_t blobSize;
    if (!in.readVarInt(a) || !in.readVarInt(blobSize) ||
        blobSize > in.remaining())
      return "";
    const DecodedType *t = decodeType(a, depth + 1);
    std::string values =
        t && t->shaped ? elementsText(*t, in.ptr(), blobSize, true) : "";
    return "dense<" + (values.empty() ? std::string("...") : values) +
           "> : " + typeText(a, depth + 1);
  }
  case kDenseStringElementsAttr: {
    uint64_t splat;
    if (!in.readVarInt(a) || !in.readVarInt(splat))
      return "";
    auto first = indexList(in);
    std::string value = "...";
    if (first && !first->empty() && (*first)[0] < strings.size())
      value = quoted(strings[(*first)[0]]) + (first->size() > 1 ? ", ..." : "");
    return "dense<" + value + "> : " + typeText(a, depth + 1);
  }
  case kSparseElementsAttr:
    return in.readVarInt(a) ? "sparse<...> : " + typeText(a, depth + 1) : "";
  case kDistinctAttr:
    return in.readVarInt(a) ? "distinct[" + std::to_string(a) + "]<" +
                                  attrText(a, depth + 1) + ">"
                            : "";
  default:
    return "";
  }
}

std::string AttrTypeReader::vhloAttrText(ByteCursor &in, uint64_t code,
                                         unsigned depth) {
  // VHLO attributes print as the builtin attributes they copy (the form
  // StableHLO gives them when it reads the file), enums as their names.
  uint64_t a;
  switch (code) {
  case vhlo::kArrayV1Attr:
    return arrayText(in, depth, /*mayElideType=*/false);
  case vhlo::kBooleanV1Attr:
    return in.readVarInt(a) ? (a ? "true" : "false") : "";
  case 3:  // ComparisonDirectionV1
  case 4:  // ComparisonTypeV1
  case 5:  // CustomCallApiVersionV1
  case 7:  // FftTypeV1
  case 11: // PrecisionV1
  case 12: // RngAlgorithmV1
  case 13: // RngDistributionV1
  case 16: // TransposeV1
  case 19: { // ResultAccuracyModeV1
    // Enums: a varint, printed by StableHLO's names for them.
    static const struct {
      uint64_t code;
      const char *name;
      std::vector<const char *> values;
    } enums[] = {
        {3, "comparison_direction", {"EQ", "NE", "GE", "GT", "LE", "LT"}},
        {4, "comparison_type",
         {"NOTYPE", "FLOAT", "TOTALORDER", "SIGNED", "UNSIGNED"}},
        {5, "api_version",
         {"API_VERSION_UNSPECIFIED", "API_VERSION_ORIGINAL",
          "API_VERSION_STATUS_RETURNING",
          "API_VERSION_STATUS_RETURNING_UNIFIED", "API_VERSION_TYPED_FFI"}},
        {7, "fft_type", {"FFT", "IFFT", "RFFT", "IRFFT"}},
        {11, "precision", {"DEFAULT", "HIGH", "HIGHEST"}},
        {12, "rng_algorithm", {"DEFAULT", "THREE_FRY", "PHILOX"}},
        {13, "rng_distribution", {"", "UNIFORM", "NORMAL"}},
        {16, "transpose",
         {"TRANSPOSE_INVALID", "NO_TRANSPOSE", "TRANSPOSE", "ADJOINT"}},
        {19, "result_accuracy_mode", {"DEFAULT", "HIGHEST", "TOLERANCE"}},
    };
    if (!in.readVarInt(a))
      return "";
    for (const auto &e : enums)
      if (e.code == code && a < e.values.size() && *e.values[a])
        return std::string("#stablehlo<") + e.name + " " + e.values[a] + ">";
    return "";
  }
  case 10: { // OutputOperandAliasV1
    auto ints = [&](std::string &out) {
      uint64_t n;
      if (!in.readVarInt(n) || n > in.remaining())
        return false;
      for (uint64_t i = 0; i < n; ++i) {
        int64_t v;
        if (!in.readSignedVarInt(v))
          return false;
        out += (i ? ", " : "") + std::to_string(v);
      }
      return true;
    };
    std::string output, operandTuple;
    int64_t operand;
    if (!ints(output) || !in.readSignedVarInt(operand) || !ints(operandTuple))
      return "";
    return "#stablehlo.output_operand_alias<output_tuple_indices = [" +
           output + "], operand_index = " + std::to_string(operand) +
           ", operand_tuple_indices = [" + operandTuple + "]>";
  }
  case 18: { // TypeExtensionsV1: bounds of dynamic dimensions
    uint64_t n;
    if (!in.readVarInt(n) || n > in.remaining())
      return "";
    std::string s = "#stablehlo.bounds<";
    for (uint64_t i = 0; i < n; ++i) {
      int64_t v;
      if (!in.readSignedVarInt(v))
        return "";
      s += (i ? ", " : "") +
           (v == INT64_MIN ? std::string("?") : std::to_string(v));
    }
    return s + ">";
  }
  case 20: { // ResultAccuracyV1: atol, rtol (f64), ulps, mode
    ElementType f64;
    f64.kind = ElementType::Kind::Float;
    f64.width = 64;
    f64.name = "f64";
    auto atol = readAPFloat(in, f64);
    auto rtol = atol ? readAPFloat(in, f64) : std::nullopt;
    int64_t ulps;
    if (!rtol || !in.readSignedVarInt(ulps) || !in.readVarInt(a))
      return "";
    return "#stablehlo.result_accuracy<atol = " + *atol + ", rtol = " + *rtol +
           ", ulps = " + std::to_string(ulps) +
           ", mode = " + attrText(a, depth + 1) + ">";
  }
  case vhlo::kDictionaryV1Attr:
    return dictionaryText(in, depth, /*builtin=*/false);
  case vhlo::kFloatV1Attr:
    return numberText(in, depth, /*isFloat=*/true, false, false);
  case vhlo::kIntegerV1Attr:
    return numberText(in, depth, /*isFloat=*/false, false, false);
  case vhlo::kStringV1Attr:
    return in.readVarInt(a) && a < strings.size() ? quoted(strings[a]) : "";
  case vhlo::kTensorV1Attr: {
    uint64_t size;
    if (!in.readVarInt(a) || !in.readVarInt(size) || size > in.remaining())
      return "";
    const DecodedType *t = decodeType(a, depth + 1);
    // VHLO bit-packs i1 data (VhloBytecode.cpp's writeVhloTensorV1Attr).
    std::string values =
        t && t->shaped ? elementsText(*t, in.ptr(), size, true) : "";
    return "dense<" + (values.empty() ? std::string("...") : values) +
           "> : " + typeText(a, depth + 1);
  }
  case vhlo::kTypeV1Attr:
    return in.readVarInt(a) ? typeText(a, depth + 1) : "";
  default:
    return "";
  }
}

//===----------------------------------------------------------------------===//
// Locations
//===----------------------------------------------------------------------===//

DecodedLocation AttrTypeReader::location(uint64_t idx) {
  DecodedLocation loc;
  locationInto(idx, loc, 0);
  return loc;
}

void AttrTypeReader::locationInto(uint64_t idx, DecodedLocation &out,
                                  unsigned depth) {
  if (idx >= attrs.size() || depth > kMaxAttrTypeDepth || !spend(depth)) {
    out.text += "...";
    return;
  }
  const AttrTypeEntry &e = attrs[idx];
  ByteCursor in = cursorFor(e);
  uint64_t code;
  if (!e.custom || e.dialect != builtinDialect || !in.readVarInt(code)) {
    out.text += attrText(idx, depth + 1);
    return;
  }
  uint64_t a, b;
  auto fileName = [&](uint64_t attr) -> std::string {
    auto s = stringAttr(attr);
    return s ? quoted(*s) : attrText(attr, depth + 1);
  };
  switch (code) {
  case kUnknownLoc:
    out.text += "unknown";
    return;
  case kNameLoc: {
    if (!in.readVarInt(a) || !in.readVarInt(b))
      break;
    auto name = stringAttr(a);
    out.text += name ? quoted(*name) : "?";
    if (name)
      out.names.push_back(name->str());
    // An unknown child is not printed.
    ByteCursor child = b < attrs.size() ? cursorFor(attrs[b]) : in;
    uint64_t childCode;
    bool unknownChild = b < attrs.size() && attrs[b].custom &&
                        attrs[b].dialect == builtinDialect &&
                        child.readVarInt(childCode) && childCode == kUnknownLoc;
    if (!unknownChild) {
      DecodedLocation inner;
      locationInto(b, inner, depth + 1);
      out.text += "(" + inner.text + ")";
    }
    return;
  }
  case kFileLineColLoc: {
    uint64_t line, col;
    if (!in.readVarInt(a) || !in.readVarInt(line) || !in.readVarInt(col))
      break;
    out.text += fileName(a) + ":" + std::to_string(line) + ":" +
                std::to_string(col);
    return;
  }
  case kFileLineColRange: {
    auto parts = in.readVarInt(a) ? indexList(in) : std::nullopt;
    if (!parts || parts->size() > 4)
      break;
    std::vector<uint64_t> &p = *parts;
    // Start line and column; end column; end line and column.
    uint64_t line = p.size() > 0 ? p[0] : 0, col = p.size() > 1 ? p[1] : 0;
    out.text += fileName(a) + ":" + std::to_string(line) + ":" +
                std::to_string(col);
    if (p.size() == 3)
      out.text += " to :" + std::to_string(p[2]);
    else if (p.size() == 4)
      out.text += " to " + std::to_string(p[2]) + ":" + std::to_string(p[3]);
    return;
  }
  case kCallSiteLoc: {
    if (!in.readVarInt(a) || !in.readVarInt(b))
      break;
    DecodedLocation callee, caller;
    locationInto(a, callee, depth + 1);
    locationInto(b, caller, depth + 1);
    out.text += "callsite(" + callee.text + " at " + caller.text + ")";
    // Scopes run from the outermost caller to the callee.
    out.names.insert(out.names.end(), caller.names.begin(),
                     caller.names.end());
    out.names.insert(out.names.end(), callee.names.begin(),
                     callee.names.end());
    return;
  }
  case kFusedLoc:
  case kFusedLocWithMetadata: {
    auto locs = indexList(in);
    if (!locs || (code == kFusedLocWithMetadata && !in.readVarInt(b)))
      break;
    std::vector<std::string> parts;
    bool named = false;
    for (uint64_t x : *locs) {
      DecodedLocation part;
      locationInto(x, part, depth + 1);
      parts.push_back(part.text);
      // The first part that names a scope gives the fused location's.
      if (!named && !part.names.empty()) {
        out.names = part.names;
        named = true;
      }
    }
    out.text += "fused";
    if (code == kFusedLocWithMetadata)
      out.text += "<" + attrText(b, depth + 1) + ">";
    out.text += "[" + llvm::join(parts, ", ") + "]";
    return;
  }
  default:
    // Not a location: print it as an attribute.
    out.text += attrText(idx, depth + 1);
    return;
  }
  // A location whose fields do not decode; attrText would come back here.
  out.text += opaque(e, '#');
}
