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
#include "mlirscope/Remote/Remote.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mlirscope {

struct ParameterArchive;

/// `[SCOPE=]FILE`, as `--parameters` takes it: (scope, path). A path that
/// itself holds `=` needs the scope written (`=FILE` for no scope).
std::pair<std::string, std::string> parseParameterOption(llvm::StringRef text);

/// How a front-end wants an archive named by URL opened (its counters,
/// progress and cancel); empty: the environment's remote options.
using RemoteOptionsFor = std::function<RemoteOptions(llvm::StringRef url)>;

/// The archive at `path`: a local file (`openArchive`), or a URL (Remote.h's
/// isUrl) read in place through its byte ranges.
llvm::Expected<std::shared_ptr<ParameterArchive>>
openParameterArchive(llvm::StringRef path,
                     const RemoteOptionsFor &remoteFor = {});

/// Opens each archive (`openParameterArchive`) and binds the index's
/// parameter weights to the first archive of their scope holding their key.
/// An archive that cannot be read is an error naming it.
llvm::Error
bindParameters(ModelIndex &index,
               llvm::ArrayRef<std::pair<std::string, std::string>> parameters,
               const RemoteOptionsFor &remoteFor = {});

/// Keys of bound archive `archive` that no weight in `used` (pairs of
/// archive and entry) names.
std::vector<std::string>
archiveKeysNotIn(const ModelIndex &index, uint32_t archive,
                 const std::set<std::pair<uint32_t, uint32_t>> &used);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_PARAMETERS_H
