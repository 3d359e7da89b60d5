//===- SystemError.cpp - Errors of failed system calls --------------------===//

#include "mlirscope/Support/SystemError.h"

#include <cstring>
#include <system_error>

llvm::Error mlirscope::systemError(const llvm::Twine &what, int err) {
  return llvm::createStringError(std::error_code(err, std::generic_category()),
                                 what + ": " + std::strerror(err));
}
