//===- TextIndexFuzzer.cpp - Fuzz target: the text resource scanner -------===//
//
// Input: the bytes of a text `.mlir` file. Exercises the lexical scanner of
// the `{-# dialect_resources / external_resources #-}` block, the check for
// binary content and the lexical op count used when MLIR cannot parse the IR.
// MLIR's own parser is not linked in (it is fuzzed upstream), so every input
// takes the lexical path after the scanner; the LSP target covers the path
// through MLIR.
//
//===----------------------------------------------------------------------===//

#include "FuzzChecks.h"
#include "mlirscope/Text/TextIndexer.h"

#include <cstdlib>

using namespace mlirscope;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // Keep the parser plugin away: this target is about mlirscope's own
  // scanning of the text.
  setenv("MLIRSCOPE_MLIR_BRIDGE", "/nonexistent/mlirscope-fuzz", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto index = fuzz::indexChecked(
      [](std::shared_ptr<MappedFile> f, const IndexOptions &options) {
        return indexText(std::move(f), options);
      },
      "fuzz.mlir", data, size);
  if (!index)
    return 0;
  fuzz::require(index->opCountsApproximate,
                "text indexed without MLIR but not marked approximate");
  fuzz::exerciseIndex(*index);
  return 0;
}
