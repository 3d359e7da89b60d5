//===- Progress.cpp - How long work reports and is cancelled --------------===//

#include "mlirscope/Support/Progress.h"

using namespace mlirscope;

llvm::Error mlirscope::cancelledError() {
  return llvm::createStringError(
      std::make_error_code(std::errc::operation_canceled), "cancelled");
}

static thread_local const Progress *threadProgress = nullptr;

ThreadCancelScope::ThreadCancelScope(const Progress &progress)
    : previous(threadProgress) {
  threadProgress = &progress;
}

ThreadCancelScope::~ThreadCancelScope() { threadProgress = previous; }

bool ThreadCancelScope::cancelled() {
  return threadProgress && threadProgress->isCancelled();
}
