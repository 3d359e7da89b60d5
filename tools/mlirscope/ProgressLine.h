//===- ProgressLine.h - Progress lines on stderr for long work --*- C++ -*-===//

#ifndef MLIRSCOPE_TOOLS_PROGRESSLINE_H
#define MLIRSCOPE_TOOLS_PROGRESSLINE_H

#include "mlirscope/Support/Progress.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace mlirscope::cli {

/// Prints "LABEL: 42% (1.2 GiB of 2.9 GiB)" to stderr, but only once the work
/// has run for a second (short work stays silent), and clears it at the end.
class ProgressLine {
public:
  explicit ProgressLine(std::string label);
  ~ProgressLine();
  /// Returns true (keep going); the CLI cancels with SIGINT instead.
  bool update(uint64_t done, uint64_t total);
  /// `update` as core's progress (Support/Progress.h). This line must
  /// outlive its use.
  mlirscope::Progress callback() {
    return [this](uint64_t done, uint64_t total) { return update(done, total); };
  }

private:
  std::string label;
  std::chrono::steady_clock::time_point start;
  bool shown = false;
  /// stderr is a terminal (decided at the first line shown).
  bool terminal = false;
  /// Not a terminal: the last 10% step printed.
  int lastDecile = -1;
};

} // namespace mlirscope::cli

#endif // MLIRSCOPE_TOOLS_PROGRESSLINE_H
