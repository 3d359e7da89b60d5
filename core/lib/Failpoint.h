//===- Failpoint.h - Crash points for fault-injection tests -----*- C++ -*-===//
//
// `MLIRSCOPE_FAILPOINT=NAME` makes the process kill itself with SIGKILL when
// it reaches the point NAME, so tests can check what a crash there leaves on
// disk. Costs one getenv per point otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_FAILPOINT_H
#define MLIRSCOPE_LIB_FAILPOINT_H

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace mlirscope {

inline void failpoint(const char *name) {
  const char *want = std::getenv("MLIRSCOPE_FAILPOINT");
  if (want && std::strcmp(want, name) == 0)
    std::raise(SIGKILL);
}

} // namespace mlirscope

#endif // MLIRSCOPE_LIB_FAILPOINT_H
