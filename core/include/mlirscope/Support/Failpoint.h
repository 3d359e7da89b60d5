//===- Failpoint.h - Crash points for fault-injection tests -----*- C++ -*-===//
//
// `MLIRSCOPE_FAILPOINT=NAME[:N]` makes the process kill itself with SIGKILL
// when it reaches the point NAME (the N-th time), so tests can check what a
// crash there leaves on disk. Costs one getenv per point otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_FAILPOINT_H
#define MLIRSCOPE_SUPPORT_FAILPOINT_H

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace mlirscope {

/// `NAME` kills at the first time the point is reached, `NAME:N` at the N-th
/// (a command that saves twice, e.g. an intermediate file, then its output).
inline void failpoint(const char *name) {
  const char *want = std::getenv("MLIRSCOPE_FAILPOINT");
  if (!want)
    return;
  size_t len = std::strlen(name);
  if (std::strncmp(want, name, len) != 0 ||
      (want[len] != 0 && want[len] != ':'))
    return;
  static std::atomic<long> hits{0};
  long n = want[len] == ':' ? std::atol(want + len + 1) : 1;
  if (++hits == n)
    std::raise(SIGKILL);
}

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_FAILPOINT_H
