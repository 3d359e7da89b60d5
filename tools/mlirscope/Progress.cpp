//===- Progress.cpp - Progress lines on stderr for long work --------------===//

#include "Progress.h"
#include "Commands.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope::cli;

Progress::Progress(std::string label)
    : label(std::move(label)), start(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (shown)
    llvm::errs() << "\r\x1b[K";
}

bool Progress::update(uint64_t done, uint64_t total) {
  if (!shown &&
      std::chrono::steady_clock::now() - start < std::chrono::seconds(1))
    return true;
  shown = true;
  double pct = total ? 100.0 * double(done) / double(total) : 100.0;
  llvm::errs() << "\r" << label << ": " << llvm::format("%.0f%%", pct) << " ("
               << formatBytes(done) << " of " << formatBytes(total) << ")";
  llvm::errs().flush();
  return true;
}
