//===- OpsText.cpp - `inspect --ops`: every op with its details ----------===//
//
// One line per op in pre-order, indented by nesting:
//   NAME  loc(LOCATION)  (OPERAND TYPES) -> (RESULT TYPES)  {ATTRS}  ^SUCC
// or, with --json, one JSON object per line (see docs/inspect-json.md).
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "mlirscope/Index/OpDetails.h"
#include "mlirscope/Index/OpJson.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlirscope;
using namespace mlirscope::cli;

void mlirscope::cli::printOps(const ModelIndex &index, bool json,
                              llvm::raw_ostream &os) {
  for (uint32_t i = 0; i < index.ops.size(); ++i) {
    const OpRecord &op = index.ops[i];
    if (json) {
      os << opJsonLine(index, i) << "\n";
      continue;
    }
    OpDetails d = getOpDetails(index, i);
    os.indent(2 * op.depth) << index.getOpName(op);
    if (!op.symbol.empty())
      os << " @" << op.symbol;
    os << "  loc(" << d.location << ")  (" << llvm::join(d.operandTypes, ", ")
       << ") -> (" << llvm::join(d.resultTypes, ", ") << ")";
    if (!d.attributes.empty()) {
      os << "  {";
      for (size_t k = 0; k < d.attributes.size(); ++k)
        os << (k ? ", " : "") << d.attributes[k].first << " = "
           << d.attributes[k].second;
      os << "}";
    }
    for (uint32_t b : d.successors)
      os << "  ^bb" << b;
    if (!d.scope.empty())
      os << "  scope=" << llvm::join(d.scope, "/");
    os << "\n";
  }
}
