//===- DType.cpp - Element types: decode, encode, format ------------------===//

#include "mlirscope/Blob/DType.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace mlirscope;

//===----------------------------------------------------------------------===//
// The types
//===----------------------------------------------------------------------===//

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
#define FLOAT8_DTYPE(Name, Spelling, ...)                                      \
  if (t.name == Spelling)                                                      \
    return DType::Name;
#include "mlirscope/Blob/DTypes.def"
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
#define DTYPE(Name, Spelling, Bytes, Numpy)                                    \
  case DType::Name:                                                            \
    return Bytes;
#include "mlirscope/Blob/DTypes.def"
  case DType::Unsupported:
    return 0;
  }
  return 0;
}

const char *mlirscope::dtypeName(DType d) {
  switch (d) {
#define DTYPE(Name, Spelling, Bytes, Numpy)                                    \
  case DType::Name:                                                            \
    return Spelling;
#include "mlirscope/Blob/DTypes.def"
  case DType::Unsupported:
    return "unsupported";
  }
  return "unsupported";
}

const char *mlirscope::dtypeNumpy(DType d) {
  switch (d) {
#define DTYPE(Name, Spelling, Bytes, Numpy)                                    \
  case DType::Name:                                                            \
    return Numpy;
#include "mlirscope/Blob/DTypes.def"
  case DType::Unsupported:
    return "";
  }
  return "";
}

bool mlirscope::isFloat(DType d) {
  return d == DType::F16 || d == DType::BF16 || d == DType::F32 ||
         d == DType::F64 || isFloat8(d);
}
bool mlirscope::isFloat8(DType d) {
  switch (d) {
#define FLOAT8_DTYPE(Name, ...) case DType::Name:
#include "mlirscope/Blob/DTypes.def"
    return true;
  default:
    return false;
  }
}

//===----------------------------------------------------------------------===//
// Floating-point conversions
//===----------------------------------------------------------------------===//

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
#define FLOAT8_DTYPE(Name, Spelling, Semantics, ExponentBits, MantissaBits,    \
                     Bias, Specials)                                           \
  case DType::Name:                                                            \
    return {ExponentBits, MantissaBits, Bias, Float8Format::Specials};
#include "mlirscope/Blob/DTypes.def"
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

//===----------------------------------------------------------------------===//
// Decoding and formatting
//===----------------------------------------------------------------------===//

template <typename T> static T load(const uint8_t *p, size_t at = 0) {
  T v;
  std::memcpy(&v, p + at, sizeof v);
  return v;
}

double mlirscope::decodeElement(DType dtype, const uint8_t *p) {
  switch (dtype) {
  case DType::Bool:
    return p[0] ? 1.0 : 0.0;
  case DType::I8:
    return load<int8_t>(p);
  case DType::I16:
    return load<int16_t>(p);
  case DType::I32:
    return load<int32_t>(p);
  case DType::I64:
    return double(load<int64_t>(p));
  case DType::U8:
    return p[0];
  case DType::U16:
    return load<uint16_t>(p);
  case DType::U32:
    return load<uint32_t>(p);
  case DType::U64:
    return double(load<uint64_t>(p));
  case DType::F16:
    return halfToFloat(load<uint16_t>(p));
  case DType::BF16:
    return bfloat16ToFloat(load<uint16_t>(p));
  case DType::F32:
    return load<float>(p);
  case DType::F64:
    return load<double>(p);
  case DType::C64:
    return load<float>(p);
  case DType::C128:
    return load<double>(p);
#define FLOAT8_DTYPE(Name, ...) case DType::Name:
#include "mlirscope/Blob/DTypes.def"
    return float8ToFloat(dtype, p[0]);
  case DType::Unsupported:
    return 0;
  }
  return 0;
}

std::complex<double> mlirscope::decodeComplexElement(DType dtype,
                                                     const uint8_t *p) {
  switch (dtype) {
  case DType::C64:
    return {load<float>(p), load<float>(p, 4)};
  case DType::C128:
    return {load<double>(p), load<double>(p, 8)};
  default:
    return {decodeElement(dtype, p), 0.0};
  }
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

/// Significant digits of a float dtype in a style. Round trip needs
/// ceil(p * log10(2)) + 1 digits for p bits of precision: 5 for f16 (11
/// bits), 4 for bf16 (8), 9 for f32 (24), 17 for f64 (53).
static int floatDigits(DType d, ElementStyle style) {
  bool shortStyle = style == ElementStyle::Short;
  switch (d) {
  case DType::F16:
    return 5;
  case DType::BF16:
    return style == ElementStyle::RoundTrip ? 5 : 4;
  case DType::F32:
  case DType::C64:
    return shortStyle ? 6 : 9;
  case DType::F64:
  case DType::C128:
    return shortStyle ? 6 : 17;
  // At most 5 significant bits; f8E8M0FNU reaches 2^127 (39 digits).
  case DType::F8E8M0FNU:
    return 9;
  default:
    return 4;
  }
}

std::string mlirscope::formatElement(DType dtype, const uint8_t *p,
                                     ElementStyle style) {
  switch (dtype) {
  case DType::Bool:
    return p[0] ? "true" : "false";
  case DType::I64:
    return std::to_string(load<int64_t>(p));
  case DType::U64:
    return std::to_string(load<uint64_t>(p));
  case DType::I8:
  case DType::I16:
  case DType::I32:
  case DType::U8:
  case DType::U16:
  case DType::U32:
    return std::to_string(int64_t(decodeElement(dtype, p)));
  case DType::C64:
  case DType::C128: {
    std::complex<double> c = decodeComplexElement(dtype, p);
    int digits = floatDigits(dtype, style);
    return "(" + formatFloat(c.real(), digits) + "," +
           formatFloat(c.imag(), digits) + ")";
  }
  case DType::Unsupported:
    return "?";
  default:
    return formatFloat(decodeElement(dtype, p), floatDigits(dtype, style));
  }
}

//===----------------------------------------------------------------------===//
// Encoding
//===----------------------------------------------------------------------===//

template <typename T> static std::vector<uint8_t> bytesOf(T v) {
  std::vector<uint8_t> out(sizeof(T));
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

static llvm::Error notRepresentable(llvm::StringRef text, DType d,
                                    llvm::StringRef why = "") {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "%s is not representable as %s%s%s",
                                 text.str().c_str(), dtypeName(d),
                                 why.empty() ? "" : ": ", why.str().c_str());
}

/// Parses a real number; `overflow` is set for finite spellings beyond the
/// range of double ("1e999"), which strtod turns into infinity.
static std::optional<double> parseDouble(llvm::StringRef text,
                                         bool *overflow = nullptr) {
  std::string s = text.trim().lower();
  if (s == "nan")
    return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf" || s == "+inf")
    return std::numeric_limits<double>::infinity();
  if (s == "-inf")
    return -std::numeric_limits<double>::infinity();
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size())
    return std::nullopt;
  if (overflow && errno == ERANGE && std::isinf(v))
    *overflow = true;
  return v;
}

/// APFloat's semantics of a one-byte float type.
static const llvm::fltSemantics &float8Semantics(DType d) {
  switch (d) {
#define FLOAT8_DTYPE(Name, Spelling, Semantics, ExponentBits, MantissaBits,    \
                     Bias, Specials)                                           \
  case DType::Name:                                                            \
    return llvm::APFloat::Semantics();
#include "mlirscope/Blob/DTypes.def"
  default:
    return llvm::APFloat::Float8E8M0FNU();
  }
}

llvm::Expected<std::vector<uint8_t>>
mlirscope::encodeElement(DType d, llvm::StringRef text) {
  text = text.trim();
  auto intIn = [&](int64_t lo, int64_t hi) -> llvm::Expected<int64_t> {
    int64_t v;
    if (text.getAsInteger(10, v))
      return notRepresentable(text, d, "not an integer");
    if (v < lo || v > hi)
      return notRepresentable(text, d, "out of range");
    return v;
  };
  auto uintIn = [&](uint64_t hi) -> llvm::Expected<uint64_t> {
    uint64_t v;
    if (text.starts_with("-") || text.getAsInteger(10, v))
      return notRepresentable(text, d, "not a non-negative integer");
    if (v > hi)
      return notRepresentable(text, d, "out of range");
    return v;
  };
  auto finiteFits = [&](double v, double maxFinite) -> llvm::Error {
    if (std::isfinite(v) && std::fabs(v) > maxFinite)
      return notRepresentable(text, d, "out of range");
    return llvm::Error::success();
  };
  switch (d) {
  case DType::Bool: {
    std::string s = text.lower();
    if (s == "true" || s == "1")
      return std::vector<uint8_t>{1};
    if (s == "false" || s == "0")
      return std::vector<uint8_t>{0};
    return notRepresentable(text, d, "use true, false, 1 or 0");
  }
  case DType::I8: {
    auto v = intIn(INT8_MIN, INT8_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int8_t(*v));
  }
  case DType::I16: {
    auto v = intIn(INT16_MIN, INT16_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int16_t(*v));
  }
  case DType::I32: {
    auto v = intIn(INT32_MIN, INT32_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int32_t(*v));
  }
  case DType::I64: {
    auto v = intIn(INT64_MIN, INT64_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int64_t(*v));
  }
  case DType::U8: {
    auto v = uintIn(UINT8_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint8_t(*v));
  }
  case DType::U16: {
    auto v = uintIn(UINT16_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint16_t(*v));
  }
  case DType::U32: {
    auto v = uintIn(UINT32_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint32_t(*v));
  }
  case DType::U64: {
    auto v = uintIn(UINT64_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint64_t(*v));
  }
  case DType::F16:
  case DType::BF16:
  case DType::F32:
  case DType::F64: {
    bool overflow = false;
    std::optional<double> v = parseDouble(text, &overflow);
    if (!v)
      return notRepresentable(text, d, "not a number");
    if (overflow)
      return notRepresentable(text, d, "out of range");
    if (d == DType::F64)
      return bytesOf(*v);
    // Checked before the conversion: a double beyond float's range does not
    // convert (undefined behaviour).
    if (auto e = finiteFits(*v, std::numeric_limits<float>::max()))
      return std::move(e);
    float f = float(*v);
    if (d == DType::F32)
      return bytesOf(f);
    // A finite value that rounds to infinity in the narrower type is out of
    // its range: f16 from 65520 on, bf16 from about 3.3961e38 (which f32
    // still holds).
    uint16_t bits = d == DType::F16 ? floatToHalf(f) : floatToBFloat16(f);
    uint16_t inf = d == DType::F16 ? 0x7c00 : 0x7f80;
    if (std::isfinite(f) && (bits & 0x7fff) == inf)
      return notRepresentable(text, d, "out of range");
    return bytesOf(bits);
  }
#define FLOAT8_DTYPE(Name, ...) case DType::Name:
#include "mlirscope/Blob/DTypes.def"
    {
      bool overflow = false;
      std::optional<double> v = parseDouble(text, &overflow);
      if (!v)
        return notRepresentable(text, d, "not a number");
      if (overflow)
        return notRepresentable(text, d, "out of range");
      // Rounded to nearest, ties to even, as f16 and bf16 are; what the type
      // cannot hold at all (too large, Inf where it has none, a negative or
      // zero f8E8M0FNU) is refused.
      llvm::APFloat f(*v);
      bool losesInfo = false;
      llvm::APFloat::opStatus status = f.convert(
          float8Semantics(d), llvm::APFloat::rmNearestTiesToEven, &losesInfo);
      if ((status & llvm::APFloat::opOverflow) ||
          (f.isNaN() && !std::isnan(*v)) || (f.isInfinity() != std::isinf(*v)))
        return notRepresentable(text, d, "out of range");
      if (d == DType::F8E8M0FNU && (*v <= 0 || f.isZero()))
        return notRepresentable(text, d, "only powers of two above zero");
      return std::vector<uint8_t>{uint8_t(f.bitcastToAPInt().getZExtValue())};
    }
  case DType::C64:
  case DType::C128: {
    llvm::StringRef body = text.trim("() ");
    auto [re, im] = body.split(',');
    bool overflow = false;
    std::optional<double> r = parseDouble(re, &overflow),
                          i = parseDouble(im, &overflow);
    if (!r || !i || im.trim().empty())
      return notRepresentable(text, d, "write a complex number as (re,im)");
    if (overflow)
      return notRepresentable(text, d, "out of range");
    if (d == DType::C128) {
      std::vector<uint8_t> out = bytesOf(*r);
      std::vector<uint8_t> b = bytesOf(*i);
      out.insert(out.end(), b.begin(), b.end());
      return out;
    }
    if (auto e = finiteFits(*r, std::numeric_limits<float>::max()))
      return std::move(e);
    if (auto e = finiteFits(*i, std::numeric_limits<float>::max()))
      return std::move(e);
    std::vector<uint8_t> out = bytesOf(float(*r));
    std::vector<uint8_t> b = bytesOf(float(*i));
    out.insert(out.end(), b.begin(), b.end());
    return out;
  }
  case DType::Unsupported:
    break;
  }
  return notRepresentable(text, d, "unsupported element type");
}
