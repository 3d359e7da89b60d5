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
///
/// It also stops the work at the first fault (FaultGuard.h): a file
/// truncated under a mapping would otherwise raise one SIGBUS per page for
/// the rest of a multi-GB blob, each read as zeros that are thrown away. The
/// fault is told first, as the command's one error line, then reported to
/// the work as a cancel; the command stays silent on the error that follows
/// (reportError, reportFileChanged).
class ProgressLine {
public:
  explicit ProgressLine(std::string label);
  ~ProgressLine();
  /// Returns true (keep going), false after a fault (stop); the CLI cancels
  /// on SIGINT with flags of its own.
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
  /// faultCount() when the line began.
  uint64_t faultsBefore;
};

} // namespace mlirscope::cli

#endif // MLIRSCOPE_TOOLS_PROGRESSLINE_H
