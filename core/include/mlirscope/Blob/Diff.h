//===- Diff.h - Comparing two models ----------------------------*- C++ -*-===//

#ifndef MLIRSCOPE_BLOB_DIFF_H
#define MLIRSCOPE_BLOB_DIFF_H

#include "mlirscope/Support/Progress.h"
#include "mlirscope/Model/ModelIndex.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace mlirscope {

struct ModelDiff {
  /// Same ops in the same order and nesting with the same use-def edges.
  bool irEqual = false;
  /// Bytecode only: every non-resource section is byte-identical.
  bool irBytesEqual = false;
  /// When the IR differs: the first op (pre-order) where it does, and why.
  std::optional<uint64_t> firstDifferentOp;
  std::string irDifference;

  std::vector<std::string> added, removed;
  struct Changed {
    std::string key;
    /// Set when dtype, shape or size differ (then no value statistics).
    std::string typeChange;
    uint64_t elementsDiffering = 0;
    double maxAbs = 0, meanAbs = 0;
  };
  std::vector<Changed> changed;
  uint64_t unchanged = 0;
};

/// Compares `a` and `b`: their IR structure and, name by name, their weights
/// of every kind (Weight.h; `key` of ModelDiff holds the name).
llvm::Expected<ModelDiff> diffModels(const ModelIndex &a, const ModelIndex &b,
                                     const Progress &progress = {});

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_DIFF_H
