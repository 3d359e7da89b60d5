//===- FormatError.cpp - Errors about malformed input files ---------------===//

#include "mlirscope/Support/FormatError.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;

char FormatError::ID = 0;

void FormatError::log(llvm::raw_ostream &os) const {
  os << file << ": offset " << offset << ": expected " << expected;
}

llvm::Error mlirscope::makeFormatError(llvm::StringRef file, uint64_t offset,
                                       const llvm::Twine &expected) {
  // What is expected often quotes the file (a key, a found byte): keep the
  // message one printable line of bounded length whatever the file holds.
  std::string raw = expected.str(), text;
  for (unsigned char c : raw) {
    if (text.size() >= 300) {
      text += "...";
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      static const char digits[] = "0123456789abcdef";
      text += "\\x";
      text += digits[c >> 4];
      text += digits[c & 15];
    } else {
      text += char(c);
    }
  }
  return llvm::make_error<FormatError>(file.str(), offset, std::move(text));
}
