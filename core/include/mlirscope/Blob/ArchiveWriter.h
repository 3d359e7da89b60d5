//===- ArchiveWriter.h - Weights written as a parameter archive -*- C++ -*-===//
//
// IREE loads large models' weights from parameter archives by name. Writing
// one from a model's weights (an inline weight, a resource blob, a bound
// parameter) is what `externalize --archive` does, as IREE's
// `--iree-opt-export-parameters` does inside the compiler. The bytes stream
// from where each weight lives; a splat becomes an irpa splat entry (its one
// element, never the whole tensor).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_ARCHIVEWRITER_H
#define MLIRSCOPE_BLOB_ARCHIVEWRITER_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlirscope {

/// One entry to write: its key in the archive and the weight it holds.
struct ArchiveTensor {
  std::string key;
  WeightView view;
};

/// Writes `tensors` as an IREE parameter archive (.irpa, version 0.0: data
/// entries aligned to 64 bytes, splats as splat entries), atomically.
llvm::Error writeIrpa(const ModelIndex &index, llvm::StringRef outPath,
                      const std::vector<ArchiveTensor> &tensors,
                      const Progress &progress = {});

/// Writes `tensors` as a .safetensors file (splats expanded: safetensors has
/// no other form), with `metadata` as its `__metadata__`, atomically. A
/// dtype safetensors lacks is an error naming the tensor.
llvm::Error writeSafetensors(
    const ModelIndex &index, llvm::StringRef outPath,
    const std::vector<ArchiveTensor> &tensors, const Progress &progress = {},
    const std::vector<std::pair<std::string, std::string>> &metadata = {});

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_ARCHIVEWRITER_H
