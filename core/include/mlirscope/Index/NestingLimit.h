//===- NestingLimit.h - How deep a model may nest for MLIR ------*- C++ -*-===//
//
// MLIR's text parser recurses once per nesting level of regions, attributes
// and types, and its bytecode reader and printer once per region level, on
// the caller's stack: text nested ten thousand levels deep (20 KB), or
// bytecode of 100,000 nested regions (700 KB), overflows an 8 MB stack and
// kills the process, whether it is mlir-opt, the CLI or the language server.
// mlirscope's own readers do not recurse; before handing a model to MLIR it
// checks the depth (lexically for text, from its index for bytecode) and
// does not give MLIR anything deeper. Real models nest a few dozen levels.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_NESTINGLIMIT_H
#define MLIRSCOPE_INDEX_NESTINGLIMIT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>

namespace mlirscope {
class ModelIndex;

/// Deepest nesting (brackets in text, regions in bytecode) handed to MLIR.
/// Measured: 3,000 levels of text parse in the sanitizer build on an 8 MB
/// stack, 10,000 do not.
inline constexpr unsigned kMaxNesting = 1000;

/// The offset of the first bracket (`{ ( [ <`) in `text` nested deeper than
/// `limit` (string literals and `//` comments skipped), or nullopt.
std::optional<uint64_t> findDeepNesting(llvm::StringRef text,
                                        unsigned limit = kMaxNesting);

/// Fails with a FormatError at the first op nested deeper than kMaxNesting
/// regions in `index`, which MLIR must then not read.
llvm::Error checkNestingForMLIR(const ModelIndex &index);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_NESTINGLIMIT_H
