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

DType mlirscope::dtypeFor(const ElementType &t) {
  using K = ElementType::Kind;
  using S = ElementType::Signedness;
  switch (t.kind) {
  case K::Integer: {
    bool u = t.signedness == S::Unsigned;
    switch (t.width) {
    case 1:
      return DType::Bool;
    case 8:
      return u ? DType::U8 : DType::I8;
    case 16:
      return u ? DType::U16 : DType::I16;
    case 32:
      return u ? DType::U32 : DType::I32;
    case 64:
      return u ? DType::U64 : DType::I64;
    default:
      return DType::Unsupported;
    }
  }
  case K::Index:
    return DType::I64;
  case K::Float:
    if (t.name == "f16")
      return DType::F16;
    if (t.name == "bf16")
      return DType::BF16;
    if (t.name == "f32")
      return DType::F32;
    if (t.name == "f64")
      return DType::F64;
    for (unsigned d = unsigned(DType::F8E5M2); d <= unsigned(DType::F8E8M0FNU);
         ++d)
      if (t.name == dtypeName(DType(d)))
        return DType(d);
    return DType::Unsupported;
  case K::Complex:
    if (t.name == "complex<f32>")
      return DType::C64;
    if (t.name == "complex<f64>")
      return DType::C128;
    return DType::Unsupported;
  case K::Unknown:
    return DType::Unsupported;
  }
  return DType::Unsupported;
}

unsigned mlirscope::dtypeSize(DType d) {
  switch (d) {
  case DType::Bool:
  case DType::I8:
  case DType::U8:
  case DType::F8E5M2:
  case DType::F8E4M3:
  case DType::F8E4M3FN:
  case DType::F8E5M2FNUZ:
  case DType::F8E4M3FNUZ:
  case DType::F8E4M3B11FNUZ:
  case DType::F8E3M4:
  case DType::F8E8M0FNU:
    return 1;
  case DType::I16:
  case DType::U16:
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I32:
  case DType::U32:
  case DType::F32:
    return 4;
  case DType::I64:
  case DType::U64:
  case DType::F64:
  case DType::C64:
    return 8;
  case DType::C128:
    return 16;
  case DType::Unsupported:
    return 0;
  }
  return 0;
}

const char *mlirscope::dtypeName(DType d) {
  static const char *names[] = {"i1",  "i8",  "i16", "i32",          "i64",
                                "ui8", "ui16", "ui32", "ui64",        "f16",
                                "bf16", "f32", "f64", "complex<f32>",
                                "complex<f64>", "f8E5M2", "f8E4M3", "f8E4M3FN",
                                "f8E5M2FNUZ", "f8E4M3FNUZ", "f8E4M3B11FNUZ",
                                "f8E3M4", "f8E8M0FNU", "unsupported"};
  static_assert(sizeof names / sizeof *names == unsigned(DType::Unsupported) + 1);
  return names[unsigned(d)];
}

const char *mlirscope::dtypeNumpy(DType d) {
  static const char *names[] = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1",
                                "<u2", "<u4", "<u8", "<f2", "",    "<f4",
                                "<f8", "<c8", "<c16", "",    "",    "",
                                "",    "",    "",    "",    "",    ""};
  static_assert(sizeof names / sizeof *names == unsigned(DType::Unsupported) + 1);
  return names[unsigned(d)];
}

bool mlirscope::isFloat(DType d) {
  return d == DType::F16 || d == DType::BF16 || d == DType::F32 ||
         d == DType::F64 || isFloat8(d);
}
bool mlirscope::isFloat8(DType d) {
  return d >= DType::F8E5M2 && d <= DType::F8E8M0FNU;
}

namespace {

/// How a one-byte float spends its bits and its special values.
struct Float8Format {
  unsigned exponentBits, mantissaBits;
  int bias;
  enum Specials : uint8_t {
    IEEE, ///< all-ones exponent: Inf (mantissa 0) or NaN
    FN,   ///< no Inf; NaN only with all-ones exponent and mantissa
    FNUZ, ///< no Inf, no -0: 0x80 is the only NaN
    E8M0, ///< unsigned bare exponent; 0xFF is NaN, no zero
  } specials;
};

Float8Format float8Format(DType d) {
  switch (d) {
  case DType::F8E5M2:
    return {5, 2, 15, Float8Format::IEEE};
  case DType::F8E4M3:
    return {4, 3, 7, Float8Format::IEEE};
  case DType::F8E4M3FN:
    return {4, 3, 7, Float8Format::FN};
  case DType::F8E5M2FNUZ:
    return {5, 2, 16, Float8Format::FNUZ};
  case DType::F8E4M3FNUZ:
    return {4, 3, 8, Float8Format::FNUZ};
  case DType::F8E4M3B11FNUZ:
    return {4, 3, 11, Float8Format::FNUZ};
  case DType::F8E3M4:
    return {3, 4, 3, Float8Format::IEEE};
  default:
    return {8, 0, 127, Float8Format::E8M0};
  }
}

float decodeFloat8(Float8Format f, uint8_t bits) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (f.specials == Float8Format::E8M0)
    return bits == 0xff ? nan : std::ldexp(1.0f, int(bits) - f.bias);
  bool negative = bits & 0x80;
  unsigned exponentMax = (1u << f.exponentBits) - 1;
  unsigned mantissaMax = (1u << f.mantissaBits) - 1;
  unsigned exponent = (bits >> f.mantissaBits) & exponentMax;
  unsigned mantissa = bits & mantissaMax;
  if (f.specials == Float8Format::FNUZ && bits == 0x80)
    return nan;
  if (f.specials == Float8Format::IEEE && exponent == exponentMax)
    return mantissa ? nan
                    : (negative ? -std::numeric_limits<float>::infinity()
                                : std::numeric_limits<float>::infinity());
  if (f.specials == Float8Format::FN && exponent == exponentMax &&
      mantissa == mantissaMax)
    return nan;
  // Subnormals have the smallest normal exponent and no implicit bit.
  float v = exponent == 0
                ? std::ldexp(float(mantissa), 1 - f.bias - int(f.mantissaBits))
                : std::ldexp(float(mantissa | (1u << f.mantissaBits)),
                             int(exponent) - f.bias - int(f.mantissaBits));
  return negative ? -v : v;
}

/// Every value of every f8 type, decoded once: stats and heatmaps read
/// billions of elements.
struct Float8Tables {
  float values[unsigned(DType::F8E8M0FNU) - unsigned(DType::F8E5M2) + 1][256];
  Float8Tables() {
    for (unsigned d = unsigned(DType::F8E5M2); d <= unsigned(DType::F8E8M0FNU);
         ++d)
      for (unsigned b = 0; b < 256; ++b)
        values[d - unsigned(DType::F8E5M2)][b] =
            decodeFloat8(float8Format(DType(d)), uint8_t(b));
  }
};

} // namespace

float mlirscope::float8ToFloat(DType d, uint8_t bits) {
  static const Float8Tables tables;
  if (!isFloat8(d))
    return std::numeric_limits<float>::quiet_NaN();
  return tables.values[unsigned(d) - unsigned(DType::F8E5M2)][bits];
}
bool mlirscope::isComplex(DType d) {
  return d == DType::C64 || d == DType::C128;
}

float mlirscope::halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else { // subnormal: normalize
      int e = -1;
      do {
        ++e;
        man <<= 1;
      } while (!(man & 0x400));
      bits = sign | (uint32_t(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000 | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float mlirscope::bfloat16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t mlirscope::floatToBFloat16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f))
    return uint16_t((bits >> 16) | 0x40);
  // Round to nearest even.
  bits += 0x7fff + ((bits >> 16) & 1);
  return uint16_t(bits >> 16);
}

uint16_t mlirscope::floatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  uint32_t exp = (bits >> 23) & 0xff;
  uint32_t man = bits & 0x7fffff;
  if (exp == 0xff)
    return sign | 0x7c00 | (man ? 0x200 : 0);
  int e = int(exp) - 127 + 15;
  if (e >= 31)
    return sign | 0x7c00; // overflow to infinity
  if (e <= 0) {
    if (e < -10)
      return sign;
    man |= 0x800000;
    uint32_t shift = uint32_t(14 - e);
    uint32_t half = man >> shift;
    uint32_t rem = man & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    return sign | uint16_t(half);
  }
  uint16_t out = sign | uint16_t(e << 10) | uint16_t(man >> 13);
  uint32_t rem = man & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (out & 1)))
    ++out; // may carry into the exponent, which is the right result
  return out;
}

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
  BlobView v;
  v.resource = &r;
  v.file = index.file.get();
  v.dtype = dtype;
  v.shape = r.type->shape;
  v.numElements = *r.type->numElements();
  if (r.isHexText)
    v.hex = reinterpret_cast<const char *>(index.file->data() + r.dataOffset);
  else
    v.raw = index.file->data() + r.dataOffset;
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

template <typename T>
static T load(const BlobView &v, uint64_t flat) {
  T value;
  v.readBytes(flat, 1, reinterpret_cast<uint8_t *>(&value));
  return value;
}

std::complex<double> BlobView::getComplex(uint64_t flat) const {
  switch (dtype) {
  case DType::C64: {
    float parts[2];
    readBytes(flat, 1, reinterpret_cast<uint8_t *>(parts));
    return {parts[0], parts[1]};
  }
  case DType::C128: {
    double parts[2];
    readBytes(flat, 1, reinterpret_cast<uint8_t *>(parts));
    return {parts[0], parts[1]};
  }
  default:
    return {getDouble(flat), 0.0};
  }
}

double BlobView::getDouble(uint64_t flat) const {
  switch (dtype) {
  case DType::Bool:
    return load<uint8_t>(*this, flat) ? 1.0 : 0.0;
  case DType::I8:
    return load<int8_t>(*this, flat);
  case DType::I16:
    return load<int16_t>(*this, flat);
  case DType::I32:
    return load<int32_t>(*this, flat);
  case DType::I64:
    return double(load<int64_t>(*this, flat));
  case DType::U8:
    return load<uint8_t>(*this, flat);
  case DType::U16:
    return load<uint16_t>(*this, flat);
  case DType::U32:
    return load<uint32_t>(*this, flat);
  case DType::U64:
    return double(load<uint64_t>(*this, flat));
  case DType::F16:
    return halfToFloat(load<uint16_t>(*this, flat));
  case DType::BF16:
    return bfloat16ToFloat(load<uint16_t>(*this, flat));
  case DType::F32:
    return load<float>(*this, flat);
  case DType::F64:
    return load<double>(*this, flat);
  case DType::C64:
  case DType::C128:
    return getComplex(flat).real();
  case DType::F8E5M2:
  case DType::F8E4M3:
  case DType::F8E4M3FN:
  case DType::F8E5M2FNUZ:
  case DType::F8E4M3FNUZ:
  case DType::F8E4M3B11FNUZ:
  case DType::F8E3M4:
  case DType::F8E8M0FNU:
    return float8ToFloat(dtype, load<uint8_t>(*this, flat));
  case DType::Unsupported:
    return 0;
  }
  return 0;
}

static std::string formatFloat(double v, int digits) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v < 0 ? "-inf" : "inf";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.*g", digits, v);
  return s;
}

std::string BlobView::format(uint64_t flat) const {
  switch (dtype) {
  case DType::Bool:
    return load<uint8_t>(*this, flat) ? "true" : "false";
  case DType::I64:
    return std::to_string(load<int64_t>(*this, flat));
  case DType::U64:
    return std::to_string(load<uint64_t>(*this, flat));
  case DType::I8:
  case DType::I16:
  case DType::I32:
  case DType::U8:
  case DType::U16:
  case DType::U32:
    return std::to_string(int64_t(getDouble(flat)));
  case DType::F16:
  case DType::BF16:
    return formatFloat(getDouble(flat), 5);
  case DType::F32:
    return formatFloat(getDouble(flat), 9);
  case DType::F8E5M2:
  case DType::F8E4M3:
  case DType::F8E4M3FN:
  case DType::F8E5M2FNUZ:
  case DType::F8E4M3FNUZ:
  case DType::F8E4M3B11FNUZ:
  case DType::F8E3M4:
  case DType::F8E8M0FNU:
    // At most 5 significant bits; f8E8M0FNU reaches 2^127 (39 digits).
    return formatFloat(getDouble(flat), dtype == DType::F8E8M0FNU ? 9 : 4);
  case DType::F64:
    return formatFloat(getDouble(flat), 17);
  case DType::C64:
  case DType::C128: {
    std::complex<double> c = getComplex(flat);
    int digits = dtype == DType::C64 ? 9 : 17;
    return "(" + formatFloat(c.real(), digits) + "," +
           formatFloat(c.imag(), digits) + ")";
  }
  case DType::Unsupported:
    return "?";
  }
  return "?";
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
