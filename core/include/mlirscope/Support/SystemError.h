//===- SystemError.h - Errors of failed system calls ------------*- C++ -*-===//
//
// A failed system call as an llvm::Error: "WHAT: strerror(err)", carrying
// the errno as its error code (callers test it: read-only file systems,
// locks held by another process).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_SYSTEMERROR_H
#define MLIRSCOPE_SUPPORT_SYSTEMERROR_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cerrno>

namespace mlirscope {

/// `what + ": " + strerror(err)`, with `err` as the error code.
llvm::Error systemError(const llvm::Twine &what, int err = errno);

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_SYSTEMERROR_H
