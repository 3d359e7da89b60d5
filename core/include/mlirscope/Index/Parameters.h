//===- Parameters.h - Binding parameter references to archives -*- C++ -*-===//
//
// IREE loads a model's external parameters by scope: `iree-run-module
// --parameters=SCOPE=FILE` makes FILE's entries answer
// `#stream.parameter.named<"SCOPE"::"key">`. mlirscope binds the same way, so
// each parameter weight gets its archive entry's bytes and, from
// safetensors or gguf headers, a type where the IR gives none.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_PARAMETERS_H
#define MLIRSCOPE_INDEX_PARAMETERS_H

#include "mlirscope/Model/ModelIndex.h"

#include "llvm/Support/Error.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mlirscope {

/// `[SCOPE=]FILE`, as `--parameters` takes it: (scope, path). A path that
/// itself holds `=` needs the scope written (`=FILE` for no scope).
std::pair<std::string, std::string> parseParameterOption(llvm::StringRef text);

/// Opens each archive (`openArchive`) and binds the index's parameter
/// weights to the first archive of their scope holding their key. An
/// archive that cannot be read is an error naming it.
llvm::Error
bindParameters(ModelIndex &index,
               llvm::ArrayRef<std::pair<std::string, std::string>> parameters);

/// Keys of bound archive `archive` that no weight in `used` (pairs of
/// archive and entry) names.
std::vector<std::string>
archiveKeysNotIn(const ModelIndex &index, uint32_t archive,
                 const std::set<std::pair<uint32_t, uint32_t>> &used);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_PARAMETERS_H
