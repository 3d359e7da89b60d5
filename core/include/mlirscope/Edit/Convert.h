//===- Convert.h - Text <-> bytecode with blobs streamed --------*- C++ -*-===//
//
// The IR goes through MLIR's own parser and writer (MLIRBridge.h); the blobs
// never do. Text to bytecode: MLIR writes the IR with each dense_resource key
// only declared, then the fast rewrite fills the declarations with bytes
// hex-decoded straight from the text file. Bytecode to text: MLIR prints the
// IR of a copy whose blobs are declarations, then the metadata block is
// written with each blob's hex streamed from the bytecode file.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_EDIT_CONVERT_H
#define MLIRSCOPE_EDIT_CONVERT_H

#include "mlirscope/Support/Progress.h"
#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Edit/Rewrite.h"

#include "llvm/Support/Error.h"

namespace mlirscope {

/// Writes the text model `text` as bytecode of `version` (0-6).
llvm::Error convertTextToBytecode(const ModelIndex &text,
                                  llvm::StringRef outPath, int64_t version,
                                  const Progress &progress = {});

/// Writes the bytecode model `bytecode` as text.
llvm::Error convertBytecodeToText(const ModelIndex &bytecode,
                                  llvm::StringRef outPath,
                                  const Progress &progress = {});

/// Writes the bytecode model `index` to `outPath` with blob `key` taking its
/// bytes from `data` and the type `newType` ("tensor<4x8xf16>") in the IR:
/// the dense_resource attributes naming `key` and the constants producing
/// them change type, the rest of the IR goes through MLIR unchanged and must
/// still verify. Other blobs are copied from `index`'s file.
llvm::Error replaceWithNewType(const ModelIndex &index, llvm::StringRef key,
                               llvm::StringRef newType,
                               const ExternalBlob &data,
                               llvm::StringRef outPath,
                               const Progress &progress = {});

/// The IR of a text model with its dialect blobs cut out: the IR text plus
/// an external_resources block (those are small and go through MLIR).
std::string irWithoutBlobs(const ModelIndex &text);

} // namespace mlirscope

#endif // MLIRSCOPE_EDIT_CONVERT_H
