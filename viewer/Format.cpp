//===- Format.cpp - Elements as the viewer prints them --------------------===//

#include "Format.h"

#include "mlirscope/Blob/Heatmap.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace mlirscope::view {

std::string formatDouble(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[40];
  snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

static std::string formatFloat(double v, int digits) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[48];
  snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string formatElement(DType dtype, const uint8_t *p, bool precise) {
  auto load = [p](auto zero, unsigned at = 0) {
    decltype(zero) v;
    std::memcpy(&v, p + at, sizeof v);
    return v;
  };
  int d32 = precise ? 9 : 6, d16 = precise ? 5 : 5, d64 = precise ? 17 : 6;
  switch (dtype) {
  case DType::Bool:
    return p[0] ? "true" : "false";
  case DType::I8:
    return std::to_string(load(int8_t()));
  case DType::I16:
    return std::to_string(load(int16_t()));
  case DType::I32:
    return std::to_string(load(int32_t()));
  case DType::I64:
    return std::to_string(load(int64_t()));
  case DType::U8:
    return std::to_string(unsigned(p[0]));
  case DType::U16:
    return std::to_string(load(uint16_t()));
  case DType::U32:
    return std::to_string(load(uint32_t()));
  case DType::U64:
    return std::to_string(load(uint64_t()));
  case DType::F16:
    return formatFloat(halfToFloat(load(uint16_t())), d16);
  case DType::BF16:
    return formatFloat(bfloat16ToFloat(load(uint16_t())), precise ? 4 : 4);
  case DType::F32:
    return formatFloat(load(float()), d32);
  case DType::F64:
    return formatFloat(load(double()), d64);
  case DType::F8E5M2:
  case DType::F8E4M3:
  case DType::F8E4M3FN:
  case DType::F8E5M2FNUZ:
  case DType::F8E4M3FNUZ:
  case DType::F8E4M3B11FNUZ:
  case DType::F8E3M4:
  case DType::F8E8M0FNU:
    return formatFloat(float8ToFloat(dtype, p[0]), dtype == DType::F8E8M0FNU ? 9 : 4);
  case DType::C64:
  case DType::C128: {
    double re = dtype == DType::C64 ? load(float()) : load(double());
    double im = dtype == DType::C64 ? load(float(), 4) : load(double(), 8);
    int d = dtype == DType::C64 ? d32 : d64;
    return "(" + formatFloat(re, d) + "," + formatFloat(im, d) + ")";
  }
  case DType::Unsupported:
    break;
  }
  return "?";
}

std::string describeType(DType dtype, llvm::ArrayRef<int64_t> shape) {
  std::string s = dtypeName(dtype);
  s += "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

} // namespace mlirscope::view
