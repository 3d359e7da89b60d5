//===- ParameterBinding.cpp - Parameter archives of open models -----------===//
//
// A model's parameter references (`#stream.parameter.named<"a"::"a0">`) name
// entries of archives that IREE's runtime is given by scope
// (`--parameters=a=FILE`). The server binds them the same way: first the
// archives of the `parameters` setting, then, for the scopes the setting
// leaves out, archives beside the model (`.irpa`, `.safetensors`, `.gguf`)
// chosen by the keys they hold (the rule is in lsp/README.md).
//
//===----------------------------------------------------------------------===//

#include "Document.h"

#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Remote/Remote.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <map>
#include <set>

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

/// The archive at `path`, opened once while its size and modification time
/// stay the same.
static llvm::Expected<std::shared_ptr<const ParameterArchive>>
openCached(MLIRScopeServer::Impl &impl, const std::string &path) {
  if (isUrl(path)) {
    // An archive where it lives: its version is pinned when opened (Remote.h),
    // so it is kept for the session; only its index is fetched.
    auto it = impl.archives.find(path);
    if (it != impl.archives.end())
      return it->second.archive;
    auto opened = openParameterArchive(path);
    if (!opened)
      return opened.takeError();
    std::shared_ptr<const ParameterArchive> archive = std::move(*opened);
    impl.archives[path] = {archive, 0, 0};
    return archive;
  }
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return llvm::createStringError(ec, "%s: %s", path.c_str(),
                                   ec.message().c_str());
  int64_t mtime = status.getLastModificationTime().time_since_epoch().count();
  auto it = impl.archives.find(path);
  if (it != impl.archives.end() && it->second.size == status.getSize() &&
      it->second.mtime == mtime)
    return it->second.archive;
  // Reading an archive's index touches its mapping: guard it as any read
  // of a file that may shrink meanwhile (FaultGuard.h).
  std::optional<llvm::Expected<std::shared_ptr<ParameterArchive>>> opened;
  if (runGuarded([&] { opened.emplace(openArchive(path)); })) {
    if (opened && !*opened)
      llvm::consumeError(opened->takeError());
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: changed on disk while it was read",
                                   path.c_str());
  }
  if (!*opened)
    return opened->takeError();
  std::shared_ptr<const ParameterArchive> archive = std::move(**opened);
  impl.archives[path] = {archive, status.getSize(), mtime};
  return archive;
}

static bool isArchiveName(llvm::StringRef name) {
  return name.ends_with(".irpa") || name.ends_with(".safetensors") ||
         name.ends_with(".gguf");
}

void lspserver::bindArchives(MLIRScopeServer::Impl &impl, ModelIndex &index,
                             llvm::StringRef modelPath,
                             std::vector<std::string> &problems) {
  // The keys each scope's references name.
  std::map<std::string, std::set<std::string>> keysByScope;
  for (const Weight &w : index.weights)
    if (w.kind == WeightKind::Parameter)
      keysByScope[w.scope].insert(w.key);
  if (keysByScope.empty())
    return;
  llvm::SmallString<256> dir(modelPath);
  llvm::sys::path::remove_filename(dir);

  // The setting's archives, for their scopes only.
  std::set<std::string> configured;
  for (const auto &[scope, file] : impl.parameters) {
    configured.insert(scope);
    llvm::SmallString<256> path(file);
    if (!isUrl(file) && llvm::sys::path::is_relative(path) && !dir.empty()) {
      path = dir;
      llvm::sys::path::append(path, file);
    }
    auto archive = openCached(impl, path.str().str());
    if (!archive) {
      problems.push_back("parameters: " + llvm::toString(archive.takeError()));
      continue;
    }
    index.archives.push_back({scope, path.str().str(), std::move(*archive)});
  }

  // Archives beside the model, for the other scopes, in name order.
  std::vector<std::string> beside;
  std::error_code ec;
  if (isUrl(modelPath)) {
    // A URL has no folder to list: the store is asked (an S3 prefix is
    // listed; an HTTP server, for SCOPE.irpa/.safetensors/.gguf).
    std::vector<std::string> scopes;
    for (const auto &[scope, keys] : keysByScope)
      if (!configured.count(scope))
        scopes.push_back(scope);
    std::string asked = modelPath.str();
    for (const std::string &scope : scopes)
      asked += "\n" + scope;
    auto known = impl.archivesBesideUrl.find(asked);
    if (known != impl.archivesBesideUrl.end()) {
      beside = known->second;
    } else if (!scopes.empty()) {
      auto found = findArchivesBeside(modelPath, scopes,
                                      RemoteOptions::fromEnvironment());
      if (found)
        beside = impl.archivesBesideUrl[asked] = std::move(*found);
      else
        problems.push_back(llvm::toString(found.takeError()));
    }
  } else if (!dir.empty()) {
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec))
      if (isArchiveName(llvm::sys::path::filename(it->path())))
        beside.push_back(it->path());
  }
  llvm::sort(beside);
  for (const std::string &path : beside) {
    // Already bound by the setting.
    if (llvm::any_of(index.archives,
                     [&](const BoundArchive &a) { return a.path == path; }))
      continue;
    auto archive = openCached(impl, path);
    if (!archive) {
      problems.push_back(llvm::toString(archive.takeError()));
      continue;
    }
    // How many keys of each scope the archive holds (its index of entries
    // was read on open: no weight bytes are read).
    std::map<std::string, size_t> held;
    size_t best = 0;
    for (const auto &[scope, keys] : keysByScope) {
      if (configured.count(scope))
        continue;
      size_t n = 0;
      for (const std::string &key : keys)
        n += (*archive)->find(key) != nullptr;
      if (n)
        held[scope] = n;
      best = std::max(best, n);
    }
    if (best == 0)
      continue;
    std::vector<std::string> scopes;
    for (const auto &[scope, n] : held)
      if (n == best)
        scopes.push_back(scope);
    if (scopes.size() > 1) {
      // IREE gives one file to one scope: which one is not ours to guess.
      std::string names;
      for (const std::string &s : scopes)
        names += (names.empty() ? "\"" : ", \"") + s + "\"";
      problems.push_back(path + ": holds as many keys of scopes " + names +
                         "; not bound (choose with the parameters setting)");
      continue;
    }
    index.archives.push_back({scopes.front(), path, std::move(*archive)});
  }
  // Binds each reference to the first archive of its scope holding its key
  // (the archives are open: nothing to open again).
  if (llvm::Error e = bindParameters(index, {}))
    problems.push_back(llvm::toString(std::move(e)));
}

/// The line and UTF-16 column just past `bytes`, a file's first bytes, as an
/// editor decoding them as UTF-8 shows them (a byte that is not valid UTF-8
/// counts one unit, as it shows as U+FFFD).
static lsp::Position positionIn(llvm::ArrayRef<uint8_t> bytes) {
  int line = 0, column = 0;
  for (size_t i = 0; i < bytes.size();) {
    uint8_t c = bytes[i];
    if (c == '\n') {
      ++line;
      column = 0;
      ++i;
      continue;
    }
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 1;
    bool valid = i + len <= bytes.size();
    for (size_t k = 1; valid && k < len; ++k)
      valid = (bytes[i + k] & 0xC0) == 0x80;
    if (!valid)
      len = 1;
    column += len == 4 ? 2 : 1;
    i += len;
  }
  return lsp::Position(line, column);
}

lsp::Location lspserver::archiveEntryLocation(const BoundArchive &bound,
                                              uint32_t entry) {
  lsp::Location location;
  auto uri = lsp::URIForFile::fromFile(bound.path);
  if (uri)
    location.uri = *uri;
  else
    llvm::consumeError(uri.takeError());
  const ParameterArchive &archive = *bound.archive;
  // A safetensors header is JSON text after an 8-byte length: the key's
  // opening quote has a line and column an editor shows. irpa and gguf
  // describe entries in binary records: their file's start.
  if (archive.format != ArchiveFormat::Safetensors ||
      entry >= archive.entries.size())
    return location;
  uint64_t offset = archive.entries[entry].metadataOffset;
  if (offset > (64ull << 20) || offset > archive.file->size())
    return location;
  std::vector<uint8_t> prefix(offset);
  size_t got = 0;
  if (runGuarded(
          [&] { got = archive.file->readAt(0, prefix.data(), offset); }) ||
      got != offset)
    return location;
  lsp::Position at = positionIn(prefix);
  // The key with its quotes.
  lsp::Position end = at;
  end.character += archive.entries[entry].key.size() + 2;
  location.range = lsp::Range(at, end);
  return location;
}
