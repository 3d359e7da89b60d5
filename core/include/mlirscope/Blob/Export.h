//===- Export.h - Blobs out to .npy and .safetensors ------------*- C++ -*-===//
//
// Streams blob bytes from the model file to a new file (atomically, see
// AtomicFile.h): bytecode blobs are copied by the kernel, text blobs are
// hex-decoded in chunks. Nothing holds a whole blob in memory.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BLOB_EXPORT_H
#define MLIRSCOPE_BLOB_EXPORT_H

#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace mlirscope {

/// Writes one blob as a .npy file.
llvm::Error exportNpy(const ModelIndex &index, const WeightView &view,
                      llvm::StringRef outPath, const Progress &progress = {});

/// Writes every typed blob of the model as one tensor of a .safetensors file,
/// named by its key. Blobs safetensors cannot hold (complex) or without a
/// known type are left out and listed in `skipped`.
llvm::Error exportSafetensors(const ModelIndex &index, llvm::StringRef outPath,
                              std::vector<std::string> &skipped,
                              const Progress &progress = {});

/// safetensors' dtype name ("F32", "BF16", "BOOL"), or empty if it has none.
const char *safetensorsDType(DType dtype);

/// Appends the bytes of `view` to `out`, kernel-copied for bytecode.
class AtomicFile;
llvm::Error appendBlob(const ModelIndex &index, const WeightView &view,
                       AtomicFile &out, const Progress &progress,
                       uint64_t doneBefore, uint64_t total);

} // namespace mlirscope

#endif // MLIRSCOPE_BLOB_EXPORT_H
