//===- CloseNames.h - Weight names close to a mistyped one ------*- C++ -*-===//
//
// What every front-end answers to a weight name it does not know (`did you
// mean ...?`): the CLI's one-line error and the Python module's KeyError
// list the same names.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_CLOSENAMES_H
#define MLIRSCOPE_INDEX_CLOSENAMES_H

#include "mlirscope/Model/ModelIndex.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace mlirscope {

/// Up to `limit` names of `index` (weights, and resources that are no
/// weight) close to `name`: those containing it (any case), then those a few
/// edits away, nearest first.
std::vector<std::string> closeWeightNames(const ModelIndex &index,
                                          llvm::StringRef name,
                                          size_t limit = 5);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_CLOSENAMES_H
