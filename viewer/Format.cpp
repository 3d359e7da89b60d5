//===- Format.cpp - Doubles and types as the viewer prints them -----------===//

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

std::string describeType(DType dtype, llvm::ArrayRef<int64_t> shape) {
  std::string s = dtypeName(dtype);
  s += "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s + "]";
}

} // namespace mlirscope::view
