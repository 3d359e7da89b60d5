//===- NaturalOrder.cpp - Names ordered as people count -------------------===//

#include "mlirscope/Support/NaturalOrder.h"

using namespace mlirscope;

static bool isDigit(char c) { return c >= '0' && c <= '9'; }

int mlirscope::naturalCompare(llvm::StringRef a, llvm::StringRef b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (!isDigit(a[i]) || !isDigit(b[j])) {
      if (a[i] != b[j])
        return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
      ++i;
      ++j;
      continue;
    }
    // Two numbers: without leading zeros, the longer is larger; of equal
    // length, the first differing digit decides. Never parsed, so a run of
    // any length compares right.
    size_t zi = i, zj = j;
    while (zi < a.size() && a[zi] == '0')
      ++zi;
    while (zj < b.size() && b[zj] == '0')
      ++zj;
    size_t ei = zi, ej = zj;
    while (ei < a.size() && isDigit(a[ei]))
      ++ei;
    while (ej < b.size() && isDigit(b[ej]))
      ++ej;
    if (ei - zi != ej - zj)
      return ei - zi < ej - zj ? -1 : 1;
    if (int c = a.slice(zi, ei).compare(b.slice(zj, ej)))
      return c;
    i = ei;
    j = ej;
  }
  if (i < a.size() || j < b.size())
    return i < a.size() ? 1 : -1;
  // Equal as numbers and text (`a01`, `a1`): bytes decide.
  return a.compare(b);
}
