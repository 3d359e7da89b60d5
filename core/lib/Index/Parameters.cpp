//===- Parameters.cpp - Binding parameter references to archives ----------===//

#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Archive/ParameterArchive.h"

using namespace mlirscope;

std::pair<std::string, std::string>
mlirscope::parseParameterOption(llvm::StringRef text) {
  // IREE's rule: the text before the first `=` is a scope unless it looks
  // like a path (a scope names a module's parameters, never a directory).
  auto [scope, path] = text.split('=');
  if (path.empty() && !text.ends_with("="))
    return {"", text.str()};
  if (scope.contains('/'))
    return {"", text.str()};
  return {scope.str(), path.str()};
}

llvm::Expected<std::shared_ptr<ParameterArchive>>
mlirscope::openParameterArchive(llvm::StringRef path,
                                const RemoteOptionsFor &remoteFor) {
  if (!isUrl(path))
    return openArchive(path);
  // Only the archive's index is read (readAt); entries' bytes are fetched
  // when a weight is looked at.
  auto source = openUrl(path, remoteFor ? remoteFor(path)
                                        : RemoteOptions::fromEnvironment());
  if (!source)
    return source.takeError();
  return readArchive(std::shared_ptr<ByteSource>(std::move(*source)));
}

llvm::Error mlirscope::bindParameters(
    ModelIndex &index,
    llvm::ArrayRef<std::pair<std::string, std::string>> parameters,
    const RemoteOptionsFor &remoteFor) {
  for (const auto &[scope, path] : parameters) {
    llvm::Expected<std::shared_ptr<ParameterArchive>> archive =
        openParameterArchive(path, remoteFor);
    if (!archive)
      return archive.takeError();
    index.archives.push_back({scope, path, std::move(*archive)});
  }
  for (Weight &w : index.weights) {
    if (w.kind != WeightKind::Parameter)
      continue;
    w.archive = w.entry = kNone;
    for (uint32_t a = 0; a < index.archives.size(); ++a) {
      const BoundArchive &bound = index.archives[a];
      if (bound.scope != w.scope)
        continue;
      const ArchiveEntry *e = bound.archive->find(w.key);
      if (!e)
        continue;
      w.archive = a;
      w.entry = uint32_t(e - bound.archive->entries.data());
      w.encoding = WeightEncoding::Raw;
      w.splat = e->kind == ArchiveEntry::Kind::Splat;
      w.offset = w.splat ? e->metadataOffset : e->offset;
      w.size = w.splat ? e->pattern.size() : e->size;
      w.dataBytes = e->size;
      if (!w.type && e->type)
        w.type = e->type;
      break;
    }
  }
  return llvm::Error::success();
}

std::vector<std::string>
mlirscope::archiveKeysNotIn(const ModelIndex &index, uint32_t archive,
                            const std::set<std::pair<uint32_t, uint32_t>> &used) {
  std::vector<std::string> out;
  if (archive >= index.archives.size())
    return out;
  const ParameterArchive &a = *index.archives[archive].archive;
  for (uint32_t e = 0; e < a.entries.size(); ++e)
    if (!used.count({archive, e}))
      out.push_back(a.entries[e].key);
  return out;
}
