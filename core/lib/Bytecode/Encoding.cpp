//===- Encoding.cpp - MLIR bytecode's numbers -----------------------------===//

#include "mlirscope/Bytecode/Encoding.h"

const char *mlirscope::bytecode::sectionName(unsigned id) {
  static const char *names[] = {
      "string",    "dialect",  "attr/type",       "attr/type offset",
      "IR",        "resource", "resource offset", "dialect versions",
      "properties"};
  return id < kNumSections ? names[id] : "unknown";
}
