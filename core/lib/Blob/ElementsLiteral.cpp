//===- ElementsLiteral.cpp - Decoding `dense<[...]>` literal lists --------===//

#include "mlirscope/Blob/ElementsLiteral.h"

#include "llvm/ADT/StringExtras.h"

#include <cstring>

using namespace mlirscope;

/// One element written as a hex bit pattern (MLIR prints NaN and infinity
/// this way, and accepts any float so): its bits, little-endian.
static bool hexBits(llvm::StringRef token, unsigned bytes,
                    std::vector<uint8_t> &out) {
  if (!token.starts_with_insensitive("0x"))
    return false;
  uint64_t bits;
  if (token.drop_front(2).getAsInteger(16, bits))
    return false;
  for (unsigned i = 0; i < bytes && i < 8; ++i)
    out.push_back(uint8_t(bits >> (8 * i)));
  return true;
}

llvm::Expected<std::vector<uint8_t>>
mlirscope::decodeElementsLiteral(llvm::StringRef text, DType dtype,
                                 uint64_t numElements) {
  std::vector<uint8_t> out;
  unsigned esz = dtypeSize(dtype);
  if (!esz)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "element type is not supported");
  uint64_t count = 0;
  size_t p = 0;
  auto fail = [&](size_t at, const llvm::Twine &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "literal offset " + llvm::Twine(at) + ": " +
                                       what);
  };
  while (p < text.size()) {
    char c = text[p];
    if (c == '[' || c == ']' || c == ',' || llvm::isSpace(c)) {
      ++p;
      continue;
    }
    size_t begin = p;
    if (c == '(') { // a complex number: (re, im)
      size_t close = text.find(')', p);
      if (close == llvm::StringRef::npos)
        return fail(p, "expected ')' closing a complex number");
      p = close + 1;
    } else {
      while (p < text.size() && text[p] != ',' && text[p] != ']' &&
             !llvm::isSpace(text[p]))
        ++p;
    }
    llvm::StringRef token = text.slice(begin, p);
    if (count == numElements)
      return fail(begin, "more than the " + llvm::Twine(numElements) +
                             " elements the type holds");
    if (isFloat(dtype) && !isComplex(dtype) && hexBits(token, esz, out)) {
      ++count;
      continue;
    }
    llvm::Expected<std::vector<uint8_t>> bytes = encodeElement(dtype, token);
    if (!bytes)
      return fail(begin, llvm::toString(bytes.takeError()));
    out.insert(out.end(), bytes->begin(), bytes->end());
    ++count;
  }
  if (count != numElements && count != 1)
    return fail(text.size(), "expected " + llvm::Twine(numElements) +
                                 " elements, found " + llvm::Twine(count));
  return out;
}
