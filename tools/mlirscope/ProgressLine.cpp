//===- ProgressLine.cpp - Progress lines on stderr for long work ----------===//

#include "ProgressLine.h"
#include "Commands.h"

#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;

ProgressLine::ProgressLine(std::string label)
    : label(std::move(label)), start(std::chrono::steady_clock::now()),
      faultsBefore(faultCount()) {}

ProgressLine::~ProgressLine() {
  if (shown && terminal)
    llvm::errs() << "\r\x1b[K";
}

bool ProgressLine::update(uint64_t done, uint64_t total) {
  if (faultCount() != faultsBefore) {
    if (!fileChangedWasPrinted()) {
      // The error line replaces the progress line, not after it.
      if (shown && terminal)
        llvm::errs() << "\r\x1b[K";
      shown = false;
      printFileChanged(activeCommand());
    }
    return false;
  }
  if (!shown &&
      std::chrono::steady_clock::now() - start < std::chrono::seconds(1))
    return true;
  if (!shown)
    terminal = llvm::errs().is_displayed();
  shown = true;
  double pct = total ? 100.0 * double(done) / double(total) : 100.0;
  if (terminal) {
    // One line, rewritten in place and cleared at the end.
    llvm::errs() << "\r" << label << ": " << llvm::format("%.0f%%", pct)
                 << " (" << formatBytes(done) << " of " << formatBytes(total)
                 << ")";
  } else {
    // A log (CI, a pipe): a plain line per 10%, no control characters.
    int decile = int(pct / 10);
    if (decile <= lastDecile)
      return true;
    lastDecile = decile;
    llvm::errs() << label << ": " << llvm::format("%.0f%%", pct) << " ("
                 << formatBytes(done) << " of " << formatBytes(total)
                 << ")\n";
  }
  llvm::errs().flush();
  return true;
}
