//===- ByteSet.h - Bytes a scan steps over -----------------------*- C++
//-*-===//
//
// The lexical scans of MLIR text (ops, weights, resource uses, nesting) act
// on a few bytes (quotes, slashes, braces, the first letter of a keyword)
// and step over all others. Tested one at a time through a switch, each
// byte costs a scan 20 to 40 instructions, and a language server runs
// several scans on every open: more than MLIR's own parse of a small file
// leaves room for. A table lookup per byte steps over the rest in about
// four.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_BYTESET_H
#define MLIRSCOPE_SUPPORT_BYTESET_H

#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>

namespace mlirscope {

/// A set of byte values, built at compile time from the bytes of a string.
class ByteSet {
public:
  constexpr explicit ByteSet(const char *bytes) : member() {
    for (const char *p = bytes; *p; ++p)
      member[static_cast<unsigned char>(*p)] = true;
  }
  /// Adds `c` (for sets a string cannot spell, such as control bytes).
  constexpr void insert(char c) {
    member[static_cast<unsigned char>(c)] = true;
  }
  constexpr bool contains(char c) const {
    return member[static_cast<unsigned char>(c)];
  }
  /// The first position in [from, end) of `text` holding a member, or `end`.
  uint64_t find(llvm::StringRef text, uint64_t from, uint64_t end) const {
    const char *p = text.data() + from, *e = text.data() + end;
    while (p < e && !member[static_cast<unsigned char>(*p)])
      ++p;
    return p - text.data();
  }

private:
  std::array<bool, 256> member;
};

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_BYTESET_H
