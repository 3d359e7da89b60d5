//===- Progress.cpp - How long work reports and is cancelled --------------===//

#include "mlirscope/Support/Progress.h"

using namespace mlirscope;

llvm::Error mlirscope::cancelledError() {
  return llvm::createStringError(
      std::make_error_code(std::errc::operation_canceled), "cancelled");
}
