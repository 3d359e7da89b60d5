//===- FormatError.h - Errors about malformed input files -------*- C++ -*-===//
//
// Every malformed-input error carries the byte offset where reading stopped
// and what was expected there, so the CLI can print the one-line form
// `FILE: offset N: expected X`.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_FORMATERROR_H
#define MLIRSCOPE_SUPPORT_FORMATERROR_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlirscope {

/// A malformed-input error at a byte offset of a file.
class FormatError : public llvm::ErrorInfo<FormatError> {
public:
  static char ID;
  FormatError(std::string file, uint64_t offset, std::string expected)
      : file(std::move(file)), offset(offset), expected(std::move(expected)) {}

  /// Prints `FILE: offset N: expected X`.
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

  const std::string &getFile() const { return file; }
  uint64_t getOffset() const { return offset; }
  const std::string &getExpected() const { return expected; }

private:
  std::string file;
  uint64_t offset;
  std::string expected;
};

/// Convenience constructor for a FormatError wrapped in llvm::Error.
llvm::Error makeFormatError(llvm::StringRef file, uint64_t offset,
                            const llvm::Twine &expected);

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_FORMATERROR_H
