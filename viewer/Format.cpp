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

std::string weightTypeText(const Weight &weight) {
  if (!weight.type)
    return "?";
  return weight.type->element.name + "[" + weight.type->shapeString() + "]";
}

std::string weightPlaceText(const ModelIndex &index, const Weight &weight) {
  std::string at = " at byte " + std::to_string(weight.offset);
  if (weight.kind == WeightKind::Parameter) {
    if (weight.entry == kNone) {
      // As the summary tells them apart: no archive for the scope, or
      // archives for it without the key.
      bool scopeBound = false;
      for (const BoundArchive &a : index.archives)
        scopeBound |= a.scope == weight.scope;
      return scopeBound ? "not in the bound archives"
                        : "unbound" + (weight.scope.empty()
                                           ? std::string()
                                           : " (scope " + weight.scope + ")");
    }
    std::string path = weight.archive < index.archives.size()
                           ? index.archives[weight.archive].path
                           : "?";
    size_t slash = path.rfind('/');
    return "in " +
           (slash == std::string::npos ? path : path.substr(slash + 1)) +
           (weight.splat ? " (splat)" : at);
  }
  std::string encoding = weightEncodingName(weight.encoding).str();
  if (weight.splat)
    return encoding + " splat" + at;
  if (weight.bitPacked)
    return encoding + " packed bits" + at;
  return encoding + at;
}

} // namespace mlirscope::view
