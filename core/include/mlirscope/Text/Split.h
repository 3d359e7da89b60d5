//===- Split.h - Where MLIR tools cut a text, and its blocks ----*- C++ -*-===//
//
// The lexical layout of an MLIR text file that every front-end needs before
// any parse: the `// -----` chunks a file is split into, the
// `{-# ... #-}` metadata blocks, and the `dense_resource<key>` references
// to their blobs. One implementation for core's indexer (TextIndexer.cpp)
// and the language server (lsp/Server.cpp). The scans never look into a
// metadata block's hex (GBs): they skip it at memchr speed.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TEXT_SPLIT_H
#define MLIRSCOPE_TEXT_SPLIT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlirscope {

/// A byte range [begin, end) of a text.
struct TextRange {
  uint64_t begin = 0, end = 0;
};

/// MLIR's split marker (`mlir::kDefaultSplitMarker`).
inline constexpr llvm::StringLiteral kSplitMarker = "// -----";

/// Whose rule decides which markers cut. Both MLIR tools cut the raw text
/// (a marker in a comment or a string cuts too) and put the marker itself in
/// no chunk; they differ on near misses, so a front-end that must agree with
/// one of them picks its rule.
enum class SplitRule : uint8_t {
  /// `mlir-opt --split-input-file` (`mlir::splitAndProcessBuffer`): the text
  /// is cut at every "// ---", and a cut counts only when "--" and one more
  /// character that is not '0' follow before the next cut. So `// -----0`,
  /// `// -----// -----` (its first marker) and a marker that ends the text
  /// are near misses (mlir-opt warns) and do not cut. What core's index
  /// reports as chunks, and what `mlirscope --chunk` counts.
  SplitInputFile,
  /// `mlir-lsp-server` (`MLIRTextFile`, `StringRef::split` on the marker):
  /// every marker cuts, near misses included, and a marker that ends the text
  /// leaves an empty last chunk. What the language server does, so that its
  /// chunks are upstream's.
  LanguageServer,
};

/// Whether a marker that cuts under `rule` begins at offset `p` of `text`.
bool isSplitMarkerAt(llvm::StringRef text, uint64_t p, SplitRule rule);

/// The chunks of `text` cut at its markers under `rule`, in order, as
/// [begin, end) offsets: one chunk (the whole text) when nothing cuts. The
/// marker that ends a chunk belongs to neither chunk. `skip` (sorted,
/// disjoint) is not searched: the metadata blocks, whose hex is GBs and
/// holds no marker, and whatever else a front-end does not cut in.
std::vector<TextRange> splitChunks(llvm::StringRef text,
                                   llvm::ArrayRef<TextRange> skip,
                                   SplitRule rule);

/// The `{-# ... #-}` blocks of a text, in order: each opens a line (after
/// blanks), as MLIR prints them, and ends after the first `#-}` (hex strings
/// and resource keys cannot hold one), or at the end of the text when none
/// closes it. The blocks' contents are not checked (core's indexer parses
/// them).
std::vector<TextRange> findMetadataBlocks(llvm::StringRef text);

/// Whether `c` may appear in a resource key written bare (not as a string):
/// letters, digits and `_.$-`.
bool isResourceKeyChar(char c);

/// One `dense_resource<key>` in the IR.
struct DenseResourceUse {
  std::string key;     ///< unquoted when it was a string
  TextRange keyRange;  ///< the key as written (quotes included)
  TextRange attrRange; ///< `dense_resource<key>`, or up to the key's end
                       ///< when no `>` follows it
};

/// Every `dense_resource<key>` of `text` outside the `blocks` (sorted, as
/// findMetadataBlocks returns them), `//` comments and string literals, in
/// order. A key is a string literal or a run of isResourceKeyChar; a keyword
/// glued to a preceding identifier is not one.
std::vector<DenseResourceUse>
findDenseResourceUses(llvm::StringRef text, llvm::ArrayRef<TextRange> blocks);

} // namespace mlirscope

#endif // MLIRSCOPE_TEXT_SPLIT_H
