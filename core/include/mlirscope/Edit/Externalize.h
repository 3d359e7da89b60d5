//===- Externalize.h - Inline weights moved into resource blobs -*- C++ -*-===//
//
// MLIR's resource mechanism keeps weights out of the IR: `dense_resource<key>`
// in the IR, the bytes in a `{-# dialect_resources #-}` block. Producers that
// write weights inline (`dense<"0x...">`, `dense<[...]>`) get the same
// program with its weights moved there: the IR shrinks to its topology, and
// every tool that skips resources (mlir-opt's elision, this project's index)
// skips them too. The file is streamed: weights are copied digit for digit
// (or encoded once from a literal), never held whole.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_EDIT_EXTERNALIZE_H
#define MLIRSCOPE_EDIT_EXTERNALIZE_H

#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace mlirscope {

struct ExternalizeOptions {
  /// Inline weights smaller than this stay inline.
  uint64_t minBytes = 1024;
  /// Told (bytes of weights written, total) as the output is written.
  Progress progress;
  /// When set (a .irpa or .safetensors path), the weights of `util.global`s
  /// go to this archive instead, each global initialized by
  /// `#stream.parameter.named<"scope"::"symbol">`, as IREE's
  /// `--iree-opt-export-parameters` writes them. In an .irpa archive a
  /// splat is a splat entry, so splat globals move too.
  std::string archivePath;
  std::string scope = "model";
};

struct ExternalizeResult {
  /// (weight name, resource key) of each weight moved into a resource.
  std::vector<std::pair<std::string, std::string>> moved;
  /// (weight name, archive key) of each weight moved into the archive.
  std::vector<std::pair<std::string, std::string>> archived;
  /// (weight name, why it stayed) of each listed inline weight kept.
  std::vector<std::pair<std::string, std::string>> kept;
};

/// Writes the text model `text` to `outPath` (atomically) with every inline
/// elements weight of at least `minBytes` replaced by `dense_resource<key>`,
/// its bytes in a metadata block at the end of its chunk. Splats (moving one
/// would write every element) and string elements stay inline. Keys are the
/// weights' names made identifiers (`@main/arith.constant#0` becomes
/// `main.arith.constant_0`), unique in the chunk.
llvm::Expected<ExternalizeResult>
externalizeText(const ModelIndex &text, llvm::StringRef outPath,
                const ExternalizeOptions &options = {});

/// The same for a bytecode model, written as bytecode: each inline weight's
/// attribute entry becomes a `dense_resource` entry of the same type and its
/// raw data a blob, kernel-copied; the rest of the file is copied as it is.
/// Splats, packed i1 data (a resource holds one byte per element), VHLO
/// tensors and strings stay inline. `archivePath` is not supported here.
llvm::Expected<ExternalizeResult>
externalizeBytecode(const ModelIndex &bytecode, llvm::StringRef outPath,
                    const ExternalizeOptions &options = {});

/// The resource key `externalizeText` gives a weight name (before making it
/// unique).
std::string resourceKeyFor(llvm::StringRef weightName);

} // namespace mlirscope

#endif // MLIRSCOPE_EDIT_EXTERNALIZE_H
