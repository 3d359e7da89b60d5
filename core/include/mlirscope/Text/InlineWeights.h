//===- InlineWeights.h - Weights written into MLIR text ---------*- C++ -*-===//
//
// Finds the weights a text file holds outside its resource blocks: elements
// attributes (`dense<"0x...">`, `dense<[...]>`, splats, string elements) and
// parameter references (`#stream.parameter.named<"scope"::"key">`, and the
// `#flow` spelling), each with the type written after it. A lexical scan, so
// it works in every dialect whether MLIR links it or not (StableHLO's pretty
// form, torch, IREE's util/stream). It reads the IR once, skipping string
// literals at memchr speed: a file of gigabytes of hex costs a pass over the
// hex, never a decode.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TEXT_INLINEWEIGHTS_H
#define MLIRSCOPE_TEXT_INLINEWEIGHTS_H

#include "mlirscope/Model/Weight.h"
#include "mlirscope/Support/ByteSource.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace mlirscope {

/// Scans `text[begin, end)` (a whole file's text; offsets stay the file's),
/// skipping the `[begin, end)` ranges in `skip` (metadata blocks), and
/// appends every elements attribute and parameter reference to `out`, tagged
/// with `chunk`. Names follow Weight.h; `op` is left kNone. With `drop`
/// (the source of `text`), the pages of long strings leave the process as
/// they are scanned.
void scanTextWeights(llvm::StringRef text, uint64_t begin, uint64_t end,
                     llvm::ArrayRef<std::pair<uint64_t, uint64_t>> skip,
                     uint32_t chunk, std::vector<Weight> &out,
                     const ByteSource *drop = nullptr);

/// Where an elements attribute written at `offset` of `text` (at `dense<`)
/// ends, with its parts; nullopt when it is not one. For the server, which
/// works on unsaved text.
struct ElementsLiteral {
  uint64_t begin = 0;    ///< `dense<`
  uint64_t end = 0;      ///< one past the closing `>` (the type excluded)
  uint64_t dataBegin = 0, dataEnd = 0; ///< hex digits, or the literal text
  WeightEncoding encoding = WeightEncoding::Literal;
  uint64_t typeBegin = 0, typeEnd = 0; ///< the type after ` : `, if any
};
std::optional<ElementsLiteral> parseElementsLiteral(llvm::StringRef text,
                                                    uint64_t offset);

} // namespace mlirscope

#endif // MLIRSCOPE_TEXT_INLINEWEIGHTS_H
