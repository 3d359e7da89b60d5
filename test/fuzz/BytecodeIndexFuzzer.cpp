//===- BytecodeIndexFuzzer.cpp - Fuzz target: the bytecode index reader ---===//
//
// Input: the bytes of a `.mlirbc` file. The bytecode reader must index it or
// fail with a FormatError inside the input; a produced index must be
// self-consistent, and summaries, blob views and statistics over it must stay
// within the buffer (an exact-size heap copy, so ASan sees any overrun).
//
//===----------------------------------------------------------------------===//

#include "FuzzChecks.h"
#include "mlirscope/Bytecode/BytecodeIndexer.h"

using namespace mlirscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (auto index = fuzz::indexChecked(indexBytecode, "fuzz.mlirbc", data, size))
    fuzz::exerciseIndex(*index);
  return 0;
}
