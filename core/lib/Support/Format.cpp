//===- Format.cpp - Sizes and counts as people read them ------------------===//

#include "mlirscope/Support/Format.h"

#include <cinttypes>
#include <cstdio>
#include <iterator>

using namespace mlirscope;

std::string mlirscope::formatBytes(uint64_t bytes, SizeStyle style) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = double(bytes);
  unsigned u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  char buf[48];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " B", bytes);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (style == SizeStyle::Short && s.size() > 2 &&
      s.compare(s.size() - 2, 2, ".0") == 0)
    s.resize(s.size() - 2);
  return s + " " + units[u];
}

std::string mlirscope::formatCount(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3)
    s.insert(size_t(i), ",");
  return s;
}
